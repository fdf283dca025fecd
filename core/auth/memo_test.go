package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestCachedExpiryPerZone: a cached token is refused from the first
// instant the local wall clock reaches its expiry date, in every zone
// from UTC-12 to a week ahead, whether the check takes the shortcut for
// tokens far from expiry or not.
func TestCachedExpiryPerZone(t *testing.T) {
	c := testCodec(t, cfgADK)
	tok, err := c.mintAt(validClaims(), iv16(1), testNow) // expires 2030-12-12
	if err != nil {
		t.Fatal(err)
	}
	expiry := time.Date(2030, 12, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		zone   string
		offset time.Duration
	}{
		{"UTC-12", -12 * time.Hour},
		{"UTC", 0},
		{"UTC+14", 14 * time.Hour},
		{"a week ahead", 7 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.zone, func(t *testing.T) {
			c.loc = time.FixedZone(tc.zone, int(tc.offset.Seconds()))
			// Local midnight of the expiry date, as an instant.
			midnight := expiry.Add(-tc.offset)
			for _, step := range []struct {
				at      time.Time
				expired bool
			}{
				{testNow, false},
				{midnight.Add(-maxZoneAhead - time.Second), false},
				{midnight.Add(-time.Nanosecond), false},
				{midnight, false},
				{midnight.Add(time.Nanosecond), true},
				{midnight.Add(24 * time.Hour), true},
			} {
				_, err := c.Verify(tok, step.at)
				if got := err != nil; got != step.expired {
					t.Errorf("at %v: refused %v (%v), want %v", step.at, got, err, step.expired)
				}
			}
		})
	}
	if n := c.opened.Load(); n != 1 {
		t.Errorf("crypto ran %d times, want 1 (the claims stay cached)", n)
	}
}

// TestCacheCopiesToken: the cache keeps its own copy of a token, so a
// token read from a buffer the server reuses stays findable after the
// buffer changes, and the changed bytes are not taken for it.
func TestCacheCopiesToken(t *testing.T) {
	c := testCodec(t, cfgADK)
	buf := []byte(docToken)
	if _, err := c.Verify(unsafe.String(&buf[0], len(buf)), testNow); err != nil {
		t.Fatal(err)
	}
	copy(buf, strings.Repeat("A", len(buf)))
	if _, ok := c.cache.get(docToken); !ok {
		t.Error("the token is no longer cached once its buffer changed")
	}
	if _, ok := c.cache.get(string(buf)); ok {
		t.Error("the buffer's new bytes are cached as a token")
	}
}

// TestVerifyToken: the verified form of a token carries the claims, the
// fingerprint and the base URL Verify, Fingerprint and BaseURL give, on
// the first call and from the cache.
func TestVerifyToken(t *testing.T) {
	c := testCodec(t, cfgADK)
	want, err := c.Verify(docToken, testNow)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		v, err := c.VerifyToken(docToken, testNow)
		if err != nil || v.Claims != want || v.Fingerprint != Fingerprint(docToken) || v.BaseURL != want.BaseURL() {
			t.Errorf("call %d: %+v %v", i, v, err)
		}
	}
	if _, err := c.VerifyToken("", testNow); !errors.Is(err, ErrNoToken) {
		t.Errorf("empty token: %v, want ErrNoToken", err)
	}
}
