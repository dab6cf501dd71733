package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argonParams are the cost parameters of one argon2id hash. They are written
// into every encoded hash, so that a hash stays verifiable after the current
// parameters change and NeedsRehash can spot hashes made with old ones.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // passes over the memory
	threads uint8  // lanes
	saltLen uint32 // bytes
	keyLen  uint32 // bytes
}

// defaultHashParams are the second recommended option of RFC 9106 §4, meant
// for memory-constrained servers: argon2id with 64 MiB, three passes and four
// lanes. A login then costs well under a second of server time while each
// offline guess at a stolen hash costs the same 64 MiB and passes.
var defaultHashParams = argonParams{
	memory:  64 * 1024,
	time:    3,
	threads: 4,
	saltLen: 16,
	keyLen:  32,
}

// hashParams are the parameters new hashes are made with. It is a variable
// only so that tests can lower it (see export_test.go); production code never
// changes it.
var hashParams = defaultHashParams

// Limits on the parameters read from a stored hash. A hash string comes from
// our own database, but a corrupted or tampered row must not make a login
// attempt allocate gigabytes or spin for minutes, so absurd values are
// refused rather than honoured.
const (
	maxMemoryKiB = 1024 * 1024 // 1 GiB
	maxTime      = 64
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 128
)

// ErrMalformedHash is returned by VerifyPassword for a stored hash that is
// not an argon2id hash in the format written by HashPassword, or whose
// parameters are outside sane limits.
var ErrMalformedHash = errors.New("accounts: malformed password hash")

// b64 is the unpadded standard base64 used by the reference argon2
// implementation's encoded form. Strict decoding refuses non-canonical
// encodings, so one hash has exactly one textual form.
var b64 = base64.RawStdEncoding.Strict()

// HashPassword hashes pw with argon2id and a fresh random salt, and returns
// the self-describing encoded form
//
//	$argon2id$v=19$m=65536,t=3,p=4$<base64 salt>$<base64 hash>
//
// which is what gets stored. The format is the one of the reference
// implementation (and of libsodium, PHP, passlib…), so hashes stay readable
// by other tools should the application ever be rewritten.
func HashPassword(pw string) (string, error) {
	p := hashParams
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: read random salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the encoded hash made by
// HashPassword. The cost parameters are read from the hash itself, so hashes
// made before a parameter change still verify. The derived keys are compared
// in constant time so that the comparison leaks nothing about the hash.
//
// A wrong password gives (false, nil); a hash that cannot be parsed gives
// (false, ErrMalformedHash), which callers should log rather than show.
func VerifyPassword(encoded, pw string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether the encoded hash was made with parameters
// other than the current ones (or cannot be parsed at all). Callers check it
// after a successful login, when the plain password is at hand, and store a
// fresh HashPassword result; that is how stored hashes follow an increase of
// the cost parameters without forcing anyone to reset their password.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return p != hashParams
}

// dummySalt is a fixed salt for DummyVerify. Its value is irrelevant; only
// the amount of work matters.
var dummySalt = make([]byte, defaultHashParams.saltLen)

// DummyVerify does the work of one VerifyPassword with the current
// parameters and throws the result away. The login handler calls it when no
// account has the given email: without it, "unknown email" would answer in
// microseconds and "wrong password" in tens of milliseconds, and anyone could
// tell from the response time which addresses have an account.
func DummyVerify(pw string) {
	p := hashParams
	salt := dummySalt
	if uint32(len(salt)) != p.saltLen {
		salt = make([]byte, p.saltLen)
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	// Compare as VerifyPassword does, so the two paths do the same work.
	subtle.ConstantTimeCompare(got, make([]byte, p.keyLen))
}

// decodeHash parses the encoded form written by encodeHash. It is strict:
// exactly the fields in exactly that order, version 19 only, numbers without
// signs or leading zeros, and parameters within the limits above.
func decodeHash(encoded string) (p argonParams, salt, key []byte, err error) {
	fields := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	v, ok := cutNumber(fields[2], "v=")
	if !ok || v != argon2.Version {
		return p, nil, nil, ErrMalformedHash
	}
	ps := strings.Split(fields[3], ",")
	if len(ps) != 3 {
		return p, nil, nil, ErrMalformedHash
	}
	m, okM := cutNumber(ps[0], "m=")
	t, okT := cutNumber(ps[1], "t=")
	l, okP := cutNumber(ps[2], "p=")
	if !okM || !okT || !okP {
		return p, nil, nil, ErrMalformedHash
	}
	// Argon2 needs at least 8 KiB of memory per lane.
	if l < 1 || l > 255 || t < 1 || t > maxTime || m < 8*l || m > maxMemoryKiB {
		return p, nil, nil, ErrMalformedHash
	}
	salt, err1 := b64.DecodeString(fields[4])
	key, err2 := b64.DecodeString(fields[5])
	if err1 != nil || err2 != nil ||
		len(salt) < minSaltLen || len(salt) > maxSaltLen ||
		len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, ErrMalformedHash
	}
	p = argonParams{
		memory:  uint32(m),
		time:    uint32(t),
		threads: uint8(l),
		saltLen: uint32(len(salt)),
		keyLen:  uint32(len(key)),
	}
	return p, salt, key, nil
}

// cutNumber parses "<prefix><decimal>" where the decimal has no sign and no
// leading zero, and fits in 32 bits.
func cutNumber(s, prefix string) (uint64, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return 0, false
	}
	return n, true
}
