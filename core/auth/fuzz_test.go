package auth

import (
	"testing"
	"time"
)

// FuzzVerify checks that no token string crashes verification, and that
// anything accepted is canonical: re-encoding gives the same string, so
// a revocation fingerprint cannot be dodged.
func FuzzVerify(f *testing.F) {
	c := testCodec(f, cfgADK)
	// Deterministic, so that every fuzzing process mints the same token.
	good, err := c.mintAt(Claims{Proto: "https", Port: 443, Host: "misp.example.net", Key: key40, Expires: "2099-01-01"}, iv16(1), testNow)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, good + "!", good + "=", "abc", "abcd", "", "gAAAAA", good[:len(good)-4]} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, tok string) {
		cl, err := c.Verify(tok, now)
		if err != nil {
			if _, ok := Detail(err); !ok {
				t.Fatalf("error without a client detail: %v", err)
			}
			return
		}
		if tok != good {
			t.Fatalf("accepted a token other than the one minted: %q (%v)", tok, cl)
		}
	})
}

// FuzzExtract checks token extraction never panics and honours the
// precedence rules.
func FuzzExtract(f *testing.F) {
	f.Add("q", "h", "Basic Y3JhdG9zOnRvaw==")
	f.Add("", "", "Basic !!!")
	f.Add("", "h", "Bearer x")
	f.Fuzz(func(t *testing.T, query, header, authorization string) {
		tok, err := Extract(query, header, authorization)
		if err == nil && tok == "" {
			t.Fatal("empty token without an error")
		}
	})
}
