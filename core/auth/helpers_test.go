package auth

import (
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

// Test configurations (encryption_key, salt) and the PBKDF2-HMAC-SHA256
// output (600,000 iterations, 32 bytes) the reference implementation derives
// for them.
const (
	cfgAKey  = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
	cfgASalt = "cratos-test-salt-0123456789abcde"
	cfgADK   = "bdd57c2a79bf6f8af4fbfb27407d91fb3181474659269df8023f3bca5058999b"

	cfgBKey  = "Cratos0Test1Key2With3Sixty4Four5Characters6Exactly7Okay8Yes9Done"
	cfgBSalt = "S4ltS4ltS4ltS4ltS4ltS4ltS4ltS4lt"
	cfgBDK   = "cc980d0bb31aea9db2db0efb8fc46ef7f5d703b54d71990e769057c51b7cac30"

	key40 = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"
	key72 = "ZZZZZZZZ012345678901234567890123456789012345678901234567890123456789abcd"
)

// testNow is the fixed clock of the tests that do not exercise expiry.
var testNow = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// testCodec returns a fresh codec (empty cache) for a derived key given in
// hex, skipping the slow derivation, with expiry dates read in UTC.
func testCodec(t testing.TB, dkHex string) *Codec {
	t.Helper()
	dk, err := hex.DecodeString(dkHex)
	if err != nil || len(dk) != 32 {
		t.Fatalf("bad derived key %q", dkHex)
	}
	c := newCodecFromKey(dk)
	c.loc = time.UTC
	return c
}

func iv16(first byte) [16]byte {
	var iv [16]byte
	for i := range iv {
		iv[i] = first + byte(i)
	}
	return iv
}

func validClaims() Claims {
	return Claims{Proto: "https", Port: 443, Host: "misp.example.net", Key: key40, Expires: "2030-12-12"}
}

// wantIs fails the test unless err wraps want (nil means no error).
func wantIs(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}
