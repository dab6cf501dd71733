package views

// APITokensPage lists the consortium's personal API tokens and creates new
// ones.
type APITokensPage struct {
	Page
	Tokens []APITokenRow
	Name   Field
	Expiry []Option
	Error  string
	// NewToken is a token just created: shown once, never stored.
	NewToken    string
	NewTokenFor string
	BaseURL     string // for the curl example
}

// APITokenRow is one token as listed.
type APITokenRow struct {
	ID        int64
	Name      string
	Owner     string
	Hint      string
	Created   string
	Expires   string
	LastUsed  string
	Status    string // Active, Expired, Revoked
	Revocable bool
}
