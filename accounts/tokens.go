package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// tokenBytes is the entropy of a token: 256 bits, far beyond guessing even
// with unlimited attempts during the token's lifetime.
const tokenBytes = 32

// NewToken returns a fresh random secret for a session cookie or a one-time
// link (setup, invitation, password reset), together with its hash.
//
// The token is 32 random bytes in URL-safe base64 without padding, so it can
// go into a link or a cookie as it is. Only the hash is stored: the token is
// handed to its owner once and never kept, so a leaked database or backup
// does not contain usable sessions or links. A plain SHA-256 is enough here,
// unlike for passwords, because the token is random and long, not chosen by a
// person; there is nothing to guess.
func NewToken() (token string, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("accounts: read random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a token: the lowercase hex SHA-256 of
// its text. It is used to look up the token presented in a cookie or link;
// since lookup is by the hash, an attacker timing the lookup learns nothing
// about the token itself.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
