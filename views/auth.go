package views

// LoginPage is the sign-in form.
type LoginPage struct {
	Page
	Email    Field
	Password Field
	Next     string
	Error    string
}

// CodePage asks for the second-factor code.
type CodePage struct {
	Page
	Code  Field
	Error string
	Next  string // where to go once signed in
}

// TokenPage is a form reached by a one-time link: first-run setup, an
// invitation, or a password reset. Invalid explains a link that cannot be
// used, in which case no form is shown.
type TokenPage struct {
	Page
	Kind    string // setup, invite, reset
	Token   string
	Invalid string
	Intro   string
	Fields  []Field
	Error   string
	Submit  string
}
