package accounts_test

import (
	"encoding/base64"
	"testing"

	"palisade/accounts"
)

func TestNewToken(t *testing.T) {
	token, hash, err := accounts.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		t.Errorf("token %q decodes to %d bytes (%v); want 32 bytes of URL-safe base64", token, len(raw), err)
	}
	if len(token) != 43 {
		t.Errorf("token %q has %d characters; want 43 (no padding)", token, len(token))
	}
	if hash != accounts.HashToken(token) {
		t.Errorf("hash %q is not HashToken(token) %q", hash, accounts.HashToken(token))
	}
	if hash == token {
		t.Errorf("the hash is the token itself")
	}

	other, otherHash, _ := accounts.NewToken()
	if other == token || otherHash == hash {
		t.Errorf("two tokens are equal: %q", token)
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct {
		token, want string
	}{
		// SHA-256 test vectors (FIPS 180-2), as lowercase hex.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := accounts.HashToken(tt.token); got != tt.want {
			t.Errorf("HashToken(%q) = %s; want %s", tt.token, got, tt.want)
		}
	}
}
