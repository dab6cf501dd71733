package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"palisade/accounts"
)

func TestCheckPassword(t *testing.T) {
	const (
		email = "j.doe@example.org"
		name  = "Jane Doe"
	)
	tests := []struct {
		name string
		pw   string
		want error
	}{
		// Length counts characters, not bytes.
		{"11 characters is too short", "abcdefghijk", accounts.ErrPasswordTooShort},
		{"12 characters is enough", "tulip window", nil},
		{"11 accented characters are too short, though 22 bytes", "ééééééééééé", accounts.ErrPasswordTooShort},
		{"12 accented characters are enough", "éàüöçñéàüöçñ", nil},
		{"emoji count as one character each", "🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐", accounts.ErrPasswordTooShort},
		{"256 characters is allowed", strings.Repeat("ab", 128), nil},
		{"257 characters is too long", strings.Repeat("ab", 128) + "c", accounts.ErrPasswordTooLong},
		{"empty", "", accounts.ErrPasswordTooShort},
		{"invalid UTF-8", "valid start \xff\xfe end", accounts.ErrPasswordInvalid},

		// No composition rules.
		{"all lowercase letters", "purplemonkeydishwasher", nil},
		{"all digits if not common", "739184620573", nil},
		{"spaces are fine", "  four   spaces  ", nil},

		// Common passwords, in any case.
		{"common", "password1234", accounts.ErrPasswordCommon},
		{"common, other case", "PassWord1234", accounts.ErrPasswordCommon},
		{"common keyboard walk", "qwertyuiop12", accounts.ErrPasswordCommon},
		{"common digits", "123456789012", accounts.ErrPasswordCommon},
		{"common padded is not the same password", "password1234 and more", nil},
		{"the demo password is not on the list", "palisade-demo", nil},

		// Context: email local part and name.
		{"contains the email local part", "my j.doe secret!", accounts.ErrPasswordEmail},
		{"contains the email local part, other case", "J.DOE-forever-2024", accounts.ErrPasswordEmail},
		{"domain is not the local part", "example.org is my work", nil},
		{"contains the full name", "i am jane doe, ok?", accounts.ErrPasswordName},
		{"contains a word of the name", "jane's garden gate", accounts.ErrPasswordName},
		{"contains the other word of the name", "the doe and the fawn", nil}, // "doe" is under 4 characters
		{"equals the name, other case", "JANE DOE JANE", accounts.ErrPasswordName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.CheckPassword(tt.pw, email, name)
			if !errors.Is(err, tt.want) {
				t.Errorf("CheckPassword(%q) = %v; want %v", tt.pw, err, tt.want)
			}
		})
	}
}

func TestCheckPasswordShortContextIsIgnored(t *testing.T) {
	tests := []struct {
		name        string
		pw          string
		email, user string
		want        error
	}{
		{"3-letter local part is not looked for", "bob the builder rocks", "bob@example.org", "Robert", nil},
		{"4-letter local part is", "anna in wonderland", "anna@example.org", "A. Smith", accounts.ErrPasswordEmail},
		{"3-letter name is not looked for", "kim's long password", "k.lee@example.org", "Kim", nil},
		{"4-letter name is", "ivan the terrible!", "x@example.org", "Ivan", accounts.ErrPasswordName},
		{"hyphenated name words are looked for", "marie antoinette!", "x@example.org", "Anne-Marie Dupont", accounts.ErrPasswordName},
		{"empty email and name", "a reasonable passphrase", "", "", nil},
		{"email without @ is a local part", "nobody@ is here", "nobody", "", accounts.ErrPasswordEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.CheckPassword(tt.pw, tt.email, tt.user)
			if !errors.Is(err, tt.want) {
				t.Errorf("CheckPassword(%q, %q, %q) = %v; want %v", tt.pw, tt.email, tt.user, err, tt.want)
			}
		})
	}
}

// The messages are shown to people as they are, so they must read as advice,
// not as error codes.
func TestCheckPasswordMessagesArePlainLanguage(t *testing.T) {
	for _, err := range []error{
		accounts.ErrPasswordInvalid, accounts.ErrPasswordTooShort, accounts.ErrPasswordTooLong,
		accounts.ErrPasswordCommon, accounts.ErrPasswordEmail, accounts.ErrPasswordName,
	} {
		msg := err.Error()
		if strings.Contains(msg, "accounts:") || !strings.HasSuffix(msg, ".") || msg[0] < 'A' || msg[0] > 'Z' {
			t.Errorf("message %q: want a plain sentence", msg)
		}
	}
	if got, want := accounts.ErrPasswordTooShort.Error(), "Use at least 12 characters; a short sentence is easy to remember."; got != want {
		t.Errorf("too-short message = %q; want %q", got, want)
	}
}

func TestCommonPasswordsList(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(accounts.CommonPasswordsText, "\n"), "\n")
	if n := len(lines); n < 500 || n > 1100 {
		t.Errorf("list has %d entries; want about 500 to 1000", n)
	}
	seen := make(map[string]bool)
	long := 0
	for i, w := range lines {
		switch {
		case w == "" || strings.TrimSpace(w) != w:
			t.Errorf("line %d %q: empty or padded", i+1, w)
		case strings.ToLower(w) != w:
			t.Errorf("line %d %q: not lowercase", i+1, w)
		case seen[w]:
			t.Errorf("line %d %q: duplicate", i+1, w)
		case strings.Contains(w, "palisade"):
			t.Errorf("line %d %q: the demo password must stay usable", i+1, w)
		}
		seen[w] = true
		if utf8.RuneCountInString(w) >= accounts.MinPasswordLength {
			long++
		}
	}
	// Only entries at least as long as the minimum can ever reject anything.
	if long < 100 {
		t.Errorf("only %d entries are %d characters or more; the list would barely matter", long, accounts.MinPasswordLength)
	}
	for _, w := range []string{"123456", "password", "qwerty", "iloveyou", "password1234", "qwertyuiop12", "123456789012"} {
		if !seen[w] {
			t.Errorf("%q is missing from the list", w)
		}
	}
}
