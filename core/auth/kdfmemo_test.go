package auth

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// A second codec for the same pair reuses the remembered key: it is the
// reference key.
func TestNewCodecRemembersTheKey(t *testing.T) {
	derivedCodecs() // derives A and B for real
	want, _ := hex.DecodeString(cfgADK)
	if again := NewCodec(cfgAKey, cfgASalt); !bytes.Equal(again.signKey, want[:16]) {
		t.Errorf("second codec for A: signing key %x, want %x", again.signKey, want[:16])
	}
}

// Pairs that differ only in where the key ends and the salt begins have
// different names in the memo.
func TestPairIDSeparatesKeyAndSalt(t *testing.T) {
	tests := []struct{ key1, salt1, key2, salt2 string }{
		{"ab", "c", "a", "bc"},
		{"", "abc", "abc", ""},
		{cfgAKey, cfgASalt, cfgBKey, cfgBSalt},
	}
	for _, tc := range tests {
		if pairID(tc.key1, tc.salt1) == pairID(tc.key2, tc.salt2) {
			t.Errorf("(%q, %q) and (%q, %q) share a name", tc.key1, tc.salt1, tc.key2, tc.salt2)
		}
	}
	key, salt := "ab", "c"
	if first, again := pairID(key, salt), pairID(key, salt); first != again {
		t.Error("one pair has two names")
	}
}
