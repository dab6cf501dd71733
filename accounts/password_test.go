package accounts_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"palisade/accounts"
)

func TestHashPasswordRoundTrip(t *testing.T) {
	accounts.UseFastHashParams(t)

	for _, pw := range []string{
		"correct horse battery staple",
		"",
		"ünïcödé pässwörd 🔐",
		strings.Repeat("x", 256),
	} {
		h, err := accounts.HashPassword(pw)
		if err != nil {
			t.Fatalf("HashPassword(%q): %v", pw, err)
		}
		ok, err := accounts.VerifyPassword(h, pw)
		if err != nil || !ok {
			t.Errorf("VerifyPassword(hash of %q, same) = %v, %v; want true, nil", pw, ok, err)
		}
		ok, err = accounts.VerifyPassword(h, pw+"!")
		if err != nil || ok {
			t.Errorf("VerifyPassword(hash of %q, other) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestHashPasswordSaltsEveryHash(t *testing.T) {
	accounts.UseFastHashParams(t)

	a, _ := accounts.HashPassword("the same password")
	b, _ := accounts.HashPassword("the same password")
	if a == b {
		t.Errorf("two hashes of the same password are equal (%s): salt is not random", a)
	}
}

// The one test with the real parameters (the others lower them for speed):
// the format is the documented one, and DummyVerify costs what a real
// verification costs.
func TestHashPasswordRealParameters(t *testing.T) {
	h, err := accounts.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=65536,t=3,p=4$"
	if !strings.HasPrefix(h, prefix) {
		t.Fatalf("hash %q does not start with %q", h, prefix)
	}
	parts := strings.Split(strings.TrimPrefix(h, prefix), "$")
	if len(parts) != 2 {
		t.Fatalf("hash %q: want salt and key after the parameters", h)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[0])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(salt) != 16 || len(key) != 32 {
		t.Errorf("hash %q: salt %d bytes (%v), key %d bytes (%v); want 16 and 32", h, len(salt), err1, len(key), err2)
	}
	if accounts.NeedsRehash(h) {
		t.Errorf("NeedsRehash of a fresh hash = true")
	}
	if ok, err := accounts.VerifyPassword(h, "correct horse battery staple"); err != nil || !ok {
		t.Errorf("VerifyPassword = %v, %v; want true, nil", ok, err)
	}

}

// DummyVerify, used when the email is unknown, must cost what a real
// verification costs, or response times would tell which emails have an
// account. It runs the same argon2id parameters by construction; these
// benchmarks show the two side by side (compare their ns/op).
func BenchmarkVerifyPassword(b *testing.B) {
	h, err := accounts.HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		accounts.VerifyPassword(h, "wrong guess")
	}
}

func BenchmarkDummyVerify(b *testing.B) {
	for b.Loop() {
		accounts.DummyVerify("wrong guess")
	}
}

// Hashes written by other argon2id implementations verify: this one is the
// output of the reference implementation (argon2 CLI, also libsodium's
// format) for password "password" and salt "somesalt".
func TestVerifyPasswordReferenceVector(t *testing.T) {
	const h = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	ok, err := accounts.VerifyPassword(h, "password")
	if err != nil || !ok {
		t.Errorf("VerifyPassword(reference hash, password) = %v, %v; want true, nil", ok, err)
	}
	if !accounts.NeedsRehash(h) {
		t.Errorf("NeedsRehash(t=2,p=1 hash) = false; want true")
	}
}

func TestVerifyPasswordRejectsMalformedHashes(t *testing.T) {
	accounts.UseFastHashParams(t)
	good, _ := accounts.HashPassword("pw")
	fields := strings.Split(good, "$") // "", argon2id, v=19, m=..,t=..,p=.., salt, key
	salt, key := fields[4], fields[5]
	with := func(params string) string {
		return "$argon2id$v=19$" + params + "$" + salt + "$" + key
	}

	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i, not argon2id", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra field", good + "$x"},
		{"parameters out of order", with("t=1,m=64,p=1")},
		{"missing parameter", with("m=64,t=1")},
		{"negative parameter", with("m=64,t=-1,p=1")},
		{"leading zero", with("m=064,t=1,p=1")},
		{"memory over 1 GiB", with("m=1048577,t=1,p=1")},
		{"memory huge", with("m=4294967295,t=1,p=1")},
		{"memory below 8 KiB per lane", with("m=16,t=1,p=4")},
		{"zero passes", with("m=64,t=0,p=1")},
		{"absurd passes", with("m=64,t=100000,p=1")},
		{"zero lanes", with("m=64,t=1,p=0")},
		{"too many lanes", with("m=65536,t=1,p=256")},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$c2hvcnRrZXk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := accounts.VerifyPassword(tt.encoded, "pw")
			if ok || !errors.Is(err, accounts.ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", tt.encoded, ok, err)
			}
			if !accounts.NeedsRehash(tt.encoded) {
				t.Errorf("NeedsRehash(%q) = false; want true", tt.encoded)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	// A hash made while the parameters were lower…
	var old string
	t.Run("with the old parameters", func(t *testing.T) {
		accounts.UseFastHashParams(t)
		old, _ = accounts.HashPassword("pw")
		if accounts.NeedsRehash(old) {
			t.Errorf("NeedsRehash(hash made with the current parameters) = true")
		}
	})
	// …needs rehashing once they are raised, and still verifies meanwhile.
	if !accounts.NeedsRehash(old) {
		t.Errorf("NeedsRehash(hash with old parameters) = false; want true")
	}
	if ok, err := accounts.VerifyPassword(old, "pw"); !ok || err != nil {
		t.Errorf("VerifyPassword(hash with old parameters) = %v, %v; want true, nil", ok, err)
	}
}
