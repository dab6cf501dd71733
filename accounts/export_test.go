package accounts

import "testing"

// UseFastHashParams lowers the argon2 parameters for the duration of a test,
// so that hashing takes microseconds instead of tens of milliseconds. Tests
// that call it must not run in parallel with tests that hash.
func UseFastHashParams(tb testing.TB) {
	tb.Helper()
	old := hashParams
	hashParams = argonParams{memory: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}
	tb.Cleanup(func() { hashParams = old })
}

// TOTPCodeDigits is the TOTP generator with a choice of digits.
var TOTPCodeDigits = totpCode

// CommonPasswordsText is the embedded list as it is in the file.
var CommonPasswordsText = commonPasswordsText

// LimiterKeys reports how many keys a limiter remembers.
func LimiterKeys(l *Limiter) int { return l.keys() }
