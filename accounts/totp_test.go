package accounts_test

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"

	"palisade/accounts"
)

// rfcSecret is the SHA1 seed of RFC 6238 Appendix B, ASCII
// "12345678901234567890", in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// RFC 6238 Appendix B, SHA1 rows.
var rfcVectors = []struct {
	unix int64
	code string // 8 digits
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

func TestTOTPRFC6238Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		at := time.Unix(v.unix, 0).UTC()
		t.Run(at.Format(time.RFC3339), func(t *testing.T) {
			got, err := accounts.TOTPCodeDigits(rfcSecret, at, 8)
			if err != nil || got != v.code {
				t.Errorf("8-digit code = %q, %v; want %q", got, err, v.code)
			}
			// The 6-digit code is the same value modulo 10^6.
			want6 := v.code[2:]
			got, err = accounts.TOTPCode(rfcSecret, at)
			if err != nil || got != want6 {
				t.Errorf("TOTPCode = %q, %v; want %q", got, err, want6)
			}
			if !accounts.VerifyTOTP(rfcSecret, want6, at) {
				t.Errorf("VerifyTOTP(%q) = false; want true", want6)
			}
		})
	}
}

func TestVerifyTOTP(t *testing.T) {
	secret := rfcSecret
	now := time.Unix(1111111111, 0) // step 37037037, code 050471
	codeAt := func(d time.Duration) string {
		c, err := accounts.TOTPCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name string
		code string
		want bool
	}{
		{"current code", "050471", true},
		{"code of the previous step (clock drift)", codeAt(-30 * time.Second), true},
		{"code of the next step (clock drift)", codeAt(30 * time.Second), true},
		{"code from two steps ago", codeAt(-60 * time.Second), false},
		{"code from two steps ahead", codeAt(60 * time.Second), false},
		{"spaces as apps display them", "050 471", true},
		{"leading and trailing spaces", "  050471 ", true},
		{"wrong code", "050472", false},
		{"8-digit code", "14050471", false},
		{"too short", "50471", false},
		{"empty", "", false},
		{"letters", "05O471", false},
		{"sign", "+50471", false},
		{"full-width digits", "０５０４７１", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.VerifyTOTP(secret, tt.code, now); got != tt.want {
				t.Errorf("VerifyTOTP(%q) = %v; want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestVerifyTOTPStepForReplayProtection(t *testing.T) {
	now := time.Unix(1111111111, 0)
	prev, _ := accounts.TOTPCode(rfcSecret, now.Add(-30*time.Second))
	tests := []struct {
		code     string
		wantStep int64
		wantOK   bool
	}{
		{"050471", 1111111111 / 30, true},
		{prev, 1111111111/30 - 1, true},
		{"000000", 0, false},
	}
	for _, tt := range tests {
		step, ok := accounts.VerifyTOTPStep(rfcSecret, tt.code, now)
		if step != tt.wantStep || ok != tt.wantOK {
			t.Errorf("VerifyTOTPStep(%q) = %d, %v; want %d, %v", tt.code, step, ok, tt.wantStep, tt.wantOK)
		}
	}
}

func TestTOTPSecretForms(t *testing.T) {
	at := time.Unix(59, 0)
	// The same secret as people and apps write it.
	for _, s := range []string{
		rfcSecret,
		strings.ToLower(rfcSecret),
		strings.TrimRight(rfcSecret, "="),
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
	} {
		if got, err := accounts.TOTPCode(s, at); err != nil || got != "287082" {
			t.Errorf("TOTPCode(%q) = %q, %v; want 287082", s, got, err)
		}
	}
	for _, s := range []string{"", "not base32!", "1111"} {
		if _, err := accounts.TOTPCode(s, at); err == nil {
			t.Errorf("TOTPCode(%q): want an error", s)
		}
		if accounts.VerifyTOTP(s, "287082", at) {
			t.Errorf("VerifyTOTP with secret %q = true", s)
		}
	}
	if _, err := accounts.TOTPCode(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Errorf("TOTPCode before 1970: want an error")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	a, err := accounts.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := accounts.NewTOTPSecret()
	if a == b {
		t.Errorf("two secrets are equal: %s", a)
	}
	if len(a) != 32 || strings.ContainsAny(a, "=") {
		t.Errorf("secret %q: want 32 base32 characters without padding", a)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(a)
	if err != nil || len(raw) != 20 {
		t.Errorf("secret %q decodes to %d bytes (%v); want 20", a, len(raw), err)
	}
	now := time.Now()
	code, err := accounts.TOTPCode(a, now)
	if err != nil || !accounts.VerifyTOTP(a, code, now) {
		t.Errorf("a fresh secret does not verify its own code %q (%v)", code, err)
	}
}

func TestTOTPURI(t *testing.T) {
	tests := []struct {
		name, issuer, account string
		want                  string
	}{
		{
			"plain",
			"Palisade", "alice@example.org",
			"otpauth://totp/Palisade:alice@example.org?secret=JBSWY3DPEHPK3PXP&issuer=Palisade&algorithm=SHA1&digits=6&period=30",
		},
		{
			"spaces are %20, not +",
			"Palisade Tri-County", "Alice Smith",
			"otpauth://totp/Palisade%20Tri-County:Alice%20Smith?secret=JBSWY3DPEHPK3PXP&issuer=Palisade%20Tri-County&algorithm=SHA1&digits=6&period=30",
		},
		{
			"reserved characters are escaped",
			"A&B: Co/op?", "a+b#c@example.org",
			"otpauth://totp/A&B%3A%20Co%2Fop%3F:a+b%23c@example.org?secret=JBSWY3DPEHPK3PXP&issuer=A%26B%3A%20Co%2Fop%3F&algorithm=SHA1&digits=6&period=30",
		},
		{
			"no issuer",
			"", "alice@example.org",
			"otpauth://totp/alice@example.org?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := accounts.TOTPURI(tt.issuer, tt.account, "JBSWY3DPEHPK3PXP")
			if got != tt.want {
				t.Errorf("TOTPURI(%q, %q)\n got %s\nwant %s", tt.issuer, tt.account, got, tt.want)
			}
			// And a URL parser reads back what went in.
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			label := strings.TrimPrefix(u.Path, "/")
			wantLabel := tt.account
			if tt.issuer != "" {
				wantLabel = tt.issuer + ":" + tt.account
			}
			if u.Scheme != "otpauth" || u.Host != "totp" || label != wantLabel {
				t.Errorf("parsed back: scheme %q host %q label %q; want otpauth, totp, %q", u.Scheme, u.Host, label, wantLabel)
			}
			if q := u.Query(); q.Get("issuer") != tt.issuer || q.Get("secret") != "JBSWY3DPEHPK3PXP" {
				t.Errorf("parsed back: issuer %q secret %q", q.Get("issuer"), q.Get("secret"))
			}
		})
	}
}
