package accounts

import (
	_ "embed"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password length limits, in characters (runes). NIST SP 800-63B §5.1.1.2
// asks for at least 8 and recommends allowing at least 64; Palisade asks for
// 12 because its accounts guard a whole municipality's security posture, and
// caps at 256 so that nobody can make the server hash megabytes per attempt.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// Reasons CheckPassword refuses a password. The messages are written for the
// person choosing the password and can be shown to them as they are; callers
// can tell the reasons apart with errors.Is.
var (
	ErrPasswordInvalid  = errors.New("Your password contains characters that could not be read. Please type it again.")
	ErrPasswordTooShort = errors.New("Use at least 12 characters; a short sentence is easy to remember.")
	ErrPasswordTooLong  = errors.New("Use at most 256 characters.")
	ErrPasswordCommon   = errors.New("This password is one of the most common ones and would be guessed quickly. Choose something less predictable, such as a few unrelated words.")
	ErrPasswordEmail    = errors.New("Do not use your email address in your password.")
	ErrPasswordName     = errors.New("Do not use your name in your password.")
)

// minContextLen is the shortest email local part or name that is looked for
// inside a password. Shorter ones ("al", "li") would turn up by chance in
// good passwords and refuse them for no benefit.
const minContextLen = 4

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded list as a set, built once at start-up.
var commonPasswords = parseWordList(commonPasswordsText)

func parseWordList(text string) map[string]struct{} {
	set := make(map[string]struct{})
	for line := range strings.Lines(text) {
		if w := strings.TrimSpace(line); w != "" {
			set[strings.ToLower(w)] = struct{}{}
		}
	}
	return set
}

// CheckPassword applies the password policy of NIST SP 800-63B §5.1.1.2 to a
// password being chosen by the person with the given email and name, and
// returns nil if it is acceptable or one of the ErrPassword… errors.
//
// Following the guideline, there are deliberately no composition rules
// (no "one digit, one symbol"): they push people towards predictable patterns
// like "Password1!" without making passwords harder to guess. Instead the
// password must be long enough, must not be on a list of commonly used
// passwords, and must not contain context-specific words, here the local part
// of the email address and the person's name (whole, or any word of it) when
// they are at least 4 characters long. Comparisons ignore case.
//
// The password is checked exactly as typed: spaces and any Unicode character
// are allowed and nothing is normalised, so what is checked is what gets
// hashed. Only invalid UTF-8 is refused, because it cannot have been typed.
func CheckPassword(pw, email, name string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordInvalid
	}
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	lower := strings.ToLower(pw)
	if _, ok := commonPasswords[lower]; ok {
		return ErrPasswordCommon
	}
	if local := emailLocalPart(email); containsWord(lower, local) {
		return ErrPasswordEmail
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if containsWord(lower, name) {
		return ErrPasswordName
	}
	for _, part := range strings.FieldsFunc(name, isNameSeparator) {
		if containsWord(lower, part) {
			return ErrPasswordName
		}
	}
	return nil
}

// emailLocalPart returns the lowercased part of the address before the last
// "@" (the whole string if there is none).
func emailLocalPart(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		email = email[:i]
	}
	return email
}

// containsWord reports whether the lowercased password contains word, when
// word is long enough to be worth looking for.
func containsWord(lowerPW, word string) bool {
	return utf8.RuneCountInString(word) >= minContextLen && strings.Contains(lowerPW, word)
}

// isNameSeparator splits a name into its words: "Anne-Marie O'Neill" gives
// "anne", "marie", "o", "neill".
func isNameSeparator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
