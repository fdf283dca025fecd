package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestVerifyCache(t *testing.T) {
	t.Run("repeat skips crypto", func(t *testing.T) {
		c := testCodec(t, cfgADK)
		for i := range 3 {
			got, err := c.Verify(docToken, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if got != referenceVectors[0].want {
				t.Fatalf("call %d: claims = %q", i, got.Plaintext())
			}
		}
		if n := c.opened.Load(); n != 1 {
			t.Errorf("crypto ran %d times, want 1", n)
		}
	})
	t.Run("cached token still expires", func(t *testing.T) {
		c := testCodec(t, cfgADK)
		if _, err := c.Verify(docToken, time.Date(2030, 12, 11, 12, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		_, err := c.Verify(docToken, time.Date(2030, 12, 12, 0, 0, 1, 0, time.UTC))
		wantIs(t, err, ErrExpired)
		if n := c.opened.Load(); n != 1 {
			t.Errorf("crypto ran %d times, want 1", n)
		}
	})
	t.Run("expired token cached", func(t *testing.T) {
		c := testCodec(t, cfgADK)
		expired := referenceVectors[2].token
		for range 2 {
			_, err := c.Verify(expired, testNow)
			wantIs(t, err, ErrExpired)
		}
		if n := c.opened.Load(); n != 1 {
			t.Errorf("crypto ran %d times, want 1", n)
		}
	})
	t.Run("failures not cached", func(t *testing.T) {
		c := testCodec(t, cfgBDK) // wrong key for docToken
		for range 2 {
			_, err := c.Verify(docToken, testNow)
			wantIs(t, err, ErrDecrypt)
		}
		if n := c.opened.Load(); n != 2 {
			t.Errorf("crypto ran %d times, want 2", n)
		}
		if n := c.cache.len(); n != 0 {
			t.Errorf("cache holds %d entries, want 0", n)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		c := testCodec(t, cfgADK)
		c.cache = newTokenCache(3)
		toks := mintTokens(t, c, 5)
		for _, tok := range toks {
			if _, err := c.Verify(tok, testNow); err != nil {
				t.Fatal(err)
			}
		}
		if n := c.cache.len(); n != 3 {
			t.Fatalf("cache holds %d entries, want 3", n)
		}
		for i, tok := range toks {
			_, cached := c.cache.get(tok)
			if want := i >= 2; cached != want {
				t.Errorf("token %d cached = %v, want %v (oldest evicted first)", i, cached, want)
			}
		}
	})
}

// mintTokens mints n different tokens of validClaims at testNow.
func mintTokens(t *testing.T, c *Codec, n int) []string {
	t.Helper()
	var toks []string
	for i := range n {
		tok, err := c.mintAt(validClaims(), iv16(byte(i)), testNow)
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	return toks
}

func TestTokenCacheEviction(t *testing.T) {
	c := newTokenCache(4)
	key := func(i int) string { return fmt.Sprint(i) }
	for i := range 10 {
		c.put(key(i), cacheEntry{})
		c.put(key(i), cacheEntry{}) // re-insertion must not take a second slot
	}
	if n := c.len(); n != 4 {
		t.Fatalf("len = %d, want 4", n)
	}
	for i := range 10 {
		if _, ok := c.get(key(i)); ok != (i >= 6) {
			t.Errorf("key %d present = %v", i, ok)
		}
	}
}

func TestVerifyConcurrent(t *testing.T) {
	c := testCodec(t, cfgADK)
	c.cache = newTokenCache(8) // force eviction under contention
	toks := mintTokens(t, c, 32)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				tok := toks[(g*7+i)%len(toks)]
				if cl, err := c.Verify(tok, testNow); err != nil || cl != validClaims() {
					errs <- fmt.Errorf("goroutine %d: %q, %v", g, cl.Plaintext(), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
