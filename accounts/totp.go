package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP settings. These are the defaults of RFC 6238 and the only ones every
// authenticator app supports (several ignore the algorithm, digits and period
// parameters of the otpauth URI), so they are fixed rather than configurable.
const (
	totpDigits = 6
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps accepted either side of the current one
	secretLen  = 20 // bytes: the HMAC-SHA1 output size, as RFC 4226 §4 recommends
)

// b32 is base32 without padding, the form authenticator apps expect in the
// otpauth URI and people type from the screen.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrBadTOTPSecret is returned for a secret that is not valid base32.
var ErrBadTOTPSecret = errors.New("accounts: malformed TOTP secret")

// NewTOTPSecret returns a fresh random secret for an authenticator app, as
// unpadded base32 of 20 random bytes (32 characters).
func NewTOTPSecret() (string, error) {
	b := make([]byte, secretLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("accounts: read random TOTP secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// decodeSecret accepts the secret the way people and apps write it: any
// case, with spaces or dashes between groups, with or without padding.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '=':
			return -1
		}
		return r
	}, strings.ToUpper(secret))
	key, err := b32.DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, ErrBadTOTPSecret
	}
	return key, nil
}

// totpCounter is the RFC 6238 time step T = floor(unix time / 30).
func totpCounter(t time.Time) (uint64, error) {
	u := t.Unix()
	if u < 0 {
		return 0, errors.New("accounts: TOTP time before 1970")
	}
	return uint64(u) / totpPeriod, nil
}

// hotp is the HOTP value of RFC 4226 §5.3 for the given key and counter,
// with HMAC-SHA1 and dynamic truncation, as a zero-padded string of the given
// number of digits (at most 9, as a 31-bit value has 10 digits at most and the
// RFC test vectors use 8).
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpCode is TOTPCode with a choice of digits, so the 8-digit test vectors
// of RFC 6238 Appendix B can be checked.
func totpCode(secret string, t time.Time, digits int) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	c, err := totpCounter(t)
	if err != nil {
		return "", err
	}
	return hotp(key, c, digits), nil
}

// TOTPCode returns the 6-digit code an authenticator app shows at time t for
// the base32 secret. Logins should go through VerifyTOTP, which also accepts
// the neighbouring steps; this is for tests and for diagnosing clock drift.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totpCode(secret, t, totpDigits)
}

// VerifyTOTP reports whether code is the valid code for the secret at time t.
// See VerifyTOTPStep, which it wraps.
func VerifyTOTP(secret, code string, t time.Time) bool {
	_, ok := VerifyTOTPStep(secret, code, t)
	return ok
}

// VerifyTOTPStep checks code like VerifyTOTP and also returns the time step
// the code belongs to.
//
// The code of the previous and of the next 30-second step are accepted too
// (RFC 6238 §5.2), because phone clocks drift and people take a few seconds
// to type. Spaces in the code are ignored, since apps show "123 456". All
// candidate codes are computed and compared in constant time, so the response
// time says nothing about how close a guess was.
//
// A code stays valid for up to 90 seconds, and RFC 6238 §5.2 requires that it
// be accepted only once: callers should store the step of the last accepted
// code for the account and refuse a code whose step is not greater.
func VerifyTOTPStep(secret, code string, t time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	c, err := totpCounter(t)
	if err != nil {
		return 0, false
	}
	match := 0
	for d := -totpSkew; d <= totpSkew; d++ {
		s := int64(c) + int64(d)
		if s < 0 {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(code)) == 1 {
			// Keep going: every step costs the same whether or not it matched.
			if match == 0 {
				step = s
			}
			match = 1
		}
	}
	return step, match == 1
}

// TOTPURI returns the otpauth:// URI that authenticator apps read from a QR
// code, following the Key URI Format of Google Authenticator:
//
//	otpauth://totp/Issuer:account?secret=…&issuer=Issuer&algorithm=SHA1&digits=6&period=30
//
// The issuer appears both as the label prefix and as a parameter, as the
// format recommends, so that old and new apps both show it. Label parts are
// percent-encoded with %20 for spaces (not "+", which some apps show
// literally); a colon inside the issuer or account is encoded too, since an
// unencoded one would be read as the separator between them.
func TOTPURI(issuer, account, secret string) string {
	label := escapeLabel(account)
	if issuer != "" {
		label = escapeLabel(issuer) + ":" + label
	}
	q := "secret=" + escapeQuery(secret)
	if issuer != "" {
		q += "&issuer=" + escapeQuery(issuer)
	}
	q += fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", totpDigits, totpPeriod)
	return "otpauth://totp/" + label + "?" + q
}

func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

func escapeQuery(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
