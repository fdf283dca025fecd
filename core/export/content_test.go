package export

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// contentDigest is SHA-256 over each indicator's type byte, value and a
// zero byte, however its buffer splits them; digests kept by earlier
// versions stay valid.
func TestContentDigest(t *testing.T) {
	fixed := []indicator.Indicator{{Type: indicator.IPv4, Value: "192.0.2.1"}, {Type: indicator.Domain, Value: "evil.example"}}
	d := contentDigest(slices.Values(fixed))
	if got, want := hex.EncodeToString(d[:]), "0c6295284fbbfbca590c2f6c4cf45478c1e0f599c85a125acc4500b3b737018e"; got != want {
		t.Errorf("digest of a fixed list %s, want %s", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 100, 5000, 20000} {
		list := make([]indicator.Indicator, n)
		var all []byte
		for i := range list {
			size := rng.IntN(40)
			if rng.IntN(500) == 0 {
				size = 40000 + rng.IntN(40000) // longer than the buffer
			}
			list[i] = indicator.Indicator{Type: indicator.Type(rng.IntN(30)), Value: strings.Repeat(string(rune('a'+rng.IntN(26))), size)}
			all = append(all, byte(list[i].Type))
			all = append(all, list[i].Value...)
			all = append(all, 0)
		}
		if got, want := contentDigest(slices.Values(list)), sha256.Sum256(all); got != want {
			t.Errorf("%d indicators: digest %x, want %x", n, got, want)
		}
	}
}

// TestContentDatesGrow: a content change is dated by its fetch, but never
// within the second of the content it replaces nor before it (a clock set
// back, another replica's), so that no Last-Modified date names two
// contents of a list; unchanged content keeps its date.
func TestContentDatesGrow(t *testing.T) {
	t0 := time.Unix(1700000000, 0).UTC()
	var st contentState
	for _, step := range []struct {
		name    string
		digest  byte
		fetched time.Time
		since   time.Time
	}{
		{"first", 1, t0, t0},
		{"unchanged", 1, t0.Add(5 * time.Second), t0},
		{"changed later", 2, t0.Add(10 * time.Second), t0.Add(10 * time.Second)},
		{"changed within the same second", 3, t0.Add(10 * time.Second), t0.Add(11 * time.Second)},
		{"changed again within it", 4, t0.Add(10 * time.Second), t0.Add(12 * time.Second)},
		{"changed by a clock set back", 5, t0.Add(-time.Hour), t0.Add(13 * time.Second)},
		{"changed past the dates given", 6, t0.Add(time.Minute), t0.Add(time.Minute)},
	} {
		c := st.advance([32]byte{step.digest}, step.fetched)
		if !c.since.Equal(step.since) {
			t.Errorf("%s: since %v, want %v", step.name, c.since, step.since)
		}
	}
}
