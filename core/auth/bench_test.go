package auth

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
)

// BenchmarkNewCodec measures a codec built from a key derived anew, as at
// a process's start (NewCodec remembers the key for later calls).
func BenchmarkNewCodec(b *testing.B) {
	for b.Loop() {
		dk, err := derive(cfgAKey, cfgASalt)
		if err != nil {
			b.Fatal(err)
		}
		newCodecFromKey(dk)
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	c := testCodec(b, cfgADK)
	if _, err := c.Verify(docToken, testNow); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Verify(docToken, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUncached verifies b.N distinct valid tokens, so every call
// runs the MAC, the decryption and the claims checks, and fills the cache.
func BenchmarkVerifyUncached(b *testing.B) {
	c := testCodec(b, cfgADK)
	toks := make([]string, b.N)
	for i := range toks {
		var iv [16]byte
		rand.Read(iv[:])
		tok, err := c.mintAt(validClaims(), iv, testNow)
		if err != nil {
			b.Fatal(err)
		}
		toks[i] = tok
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Verify(toks[i], testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyInvalid verifies random garbage: random bytes of a token's
// length encoded as base64url (rejected at the MAC), and random strings that
// are not base64url at all.
func BenchmarkVerifyInvalid(b *testing.B) {
	c := testCodec(b, cfgADK)
	const n = 1024
	b64 := make([]string, n)
	junk := make([]string, n)
	for i := range n {
		raw := make([]byte, 137)
		rand.Read(raw)
		b64[i] = base64.URLEncoding.EncodeToString(raw)
		junk[i] = b64[i][:100] + "!" + b64[i][101:]
	}
	for _, bc := range []struct {
		name string
		toks []string
	}{{"base64", b64}, {"junk", junk}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := c.Verify(bc.toks[i%n], testNow); err == nil {
					b.Fatal("garbage verified")
				}
				i++
			}
		})
	}
}
