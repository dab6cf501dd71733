package web

import "testing"

func TestParseDollars(t *testing.T) {
	for _, tc := range []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"", 0, true},
		{"1200", 120000, true},
		{"1,200.5", 120050, true},
		{"$12,500.05", 1250005, true},
		{"-5", -500, true},
		{"−5.25", -525, true},
		{"2,50", 0, false},          // a decimal comma is not guessed at
		{"2500,50", 0, false},       // nor a comma in the wrong place
		{"1.234", 0, false},         // three decimals
		{"1e6", 0, false},           // no exponents
		{"12 000", 0, false},        // no spaces inside
		{"1234567890123", 0, false}, // 13 digits
		{"lots", 0, false},
	} {
		got, ok := parseDollars(tc.in)
		if got != tc.cents || ok != tc.ok {
			t.Errorf("parseDollars(%q) = %d, %t; want %d, %t", tc.in, got, ok, tc.cents, tc.ok)
		}
	}
}
