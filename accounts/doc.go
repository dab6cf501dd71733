// Package accounts holds the rules of Palisade accounts, independent of how
// and where they are stored: password hashing and policy, one-time tokens,
// TOTP second factors, login rate limiting, and the roles with the
// permissions they carry.
//
// Everything here is pure Go with no I/O apart from reading the system's
// random source, so the rules can be tested on their own and the storage and
// web layers only have to call them.
package accounts
