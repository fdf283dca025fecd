package config

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// largeSiteMaps returns a site file whose renderers: or consumers: holds
// n keys in one mapping, or, for "sequence", whose list_stats holds as
// many one-pair mappings: as much to read and decode, with no key to
// compare. The keys are token fingerprints, or short keys that a file of
// 1 MiB holds more of.
func largeSiteMaps(shape string, n int, fingerprints bool) string {
	var b strings.Builder
	opening, entry, closing := map[string]string{
		"sequence":       "list_stats: [",
		"renderer names": "renderers: {",
		"options":        "renderers: {txt: {",
		"consumers":      "consumers: {",
	}[shape], "%s: {name: c%d}", "}"
	switch shape {
	case "sequence":
		entry, closing = "{%s: {name: c%d}}", "]"
	case "options":
		entry, closing = "%s: c%d", "}}"
	}
	b.WriteString(opening)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		key := "k" + strconv.FormatInt(int64(i), 36)
		if fingerprints {
			key = fmt.Sprintf("%x", sha256.Sum256([]byte(key)))
		}
		fmt.Fprintf(&b, entry, key, i)
	}
	b.WriteString(closing)
	return strings.Replace(originalSite, `list_stats: "no"`, b.String(), 1)
}

// writeSite writes site as misp.example.net's file and returns its path.
func writeSite(t testing.TB, site string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "misp.example.net.yaml")
	if err := os.WriteFile(path, []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A site file whose renderers: or consumers: holds tens of thousands of
// keys loads, or is refused, in about the time it takes with each key in
// a mapping of its own. The decoder compared every key with every other:
// 12,000 consumers, as many as a file of 1 MiB holds, took 0.7 s of CPU
// time to load, and 150,000 renderer options minutes, at start and at
// every reload. CPU time is compared, the best of three loads, so that
// other work on the machine weighs little.
func TestLargeSiteMapsLoadInLinearTime(t *testing.T) {
	if testtool.CPUTime() == 0 {
		t.Skip("no CPU time on this system")
	}
	const n = 30000
	loads := 3
	if testtool.RaceEnabled {
		loads = 1
	}
	load := func(shape string) (best time.Duration) {
		path := writeSite(t, largeSiteMaps(shape, n, false))
		for range loads {
			start := testtool.CPUTime()
			_, err := LoadSite(path, nil)
			took := testtool.CPUTime() - start
			// A consumer's key must be a fingerprint.
			if refused := err != nil && strings.Contains(err.Error(), `consumers."k0": the key must be a token fingerprint`); refused != (shape == "consumers") || err != nil && !refused {
				t.Fatalf("%s: %.300v", shape, err)
			}
			if best == 0 || took < best {
				best = took
			}
		}
		return max(best, 1)
	}
	base := load("sequence")
	for _, shape := range []string{"renderer names", "options", "consumers"} {
		if took := load(shape); took > 4*base {
			t.Errorf("%s of %d keys: %.1f times the CPU time of as many one-pair mappings, want at most 4", shape, n, float64(took)/float64(base))
		}
	}
}

// BenchmarkLoadLargeSiteMaps loads a site file whose consumers: holds
// 12,000 token fingerprints, about as many as 1 MiB holds, and one whose
// renderers: holds 60,000 options for one renderer (BENCHMARKS.md).
func BenchmarkLoadLargeSiteMaps(b *testing.B) {
	for _, bc := range []struct {
		name, shape  string
		n            int
		fingerprints bool
	}{
		{"consumers", "consumers", 12000, true},
		{"options", "options", 60000, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := writeSite(b, largeSiteMaps(bc.shape, bc.n, bc.fingerprints))
			for b.Loop() {
				if _, err := LoadSite(path, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
