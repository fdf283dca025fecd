package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// siteWithListStats writes originalSite with value for list_stats, and
// returns its path.
func siteWithListStats(t *testing.T, value string) string {
	t.Helper()
	site := strings.Replace(originalSite, `list_stats: "no"`, "list_stats: "+strings.TrimSpace(value), 1)
	cfg := layout(t, originalConfig, map[string]string{"misp.example.net.yaml": site})
	return filepath.Join(filepath.Dir(filepath.Dir(cfg)), "sites", "misp.example.net.yaml")
}

// list_stats, accepted and unused, is refused for what the decoder
// refuses, in its words.
func TestListStatsDecodedAsBefore(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"scalar", `"no"`, ""},
		{"mapping", "{a: 1, b: [2]}", ""},
		{"duplicate key", "{a: 1, b: 2, a: 3}", `/misp.example.net.yaml:10: mapping key "a" already defined at line 10`},
		{"undecodable", "[!!int x]", "/misp.example.net.yaml: cannot decode str `x` as a int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSite(siteWithListStats(t, tt.value), nil)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.HasSuffix(err.Error(), tt.want)) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// A site file whose list_stats holds tens of thousands of keys loads in
// about the time it takes with each key in a mapping of its own: the
// decoder compared every key with every other, and 100,000 keys took 40 s
// at start and at every reload.
func TestLargeListStatsLoadsInLinearTime(t *testing.T) {
	if testtool.CPUTime() == 0 {
		t.Skip("no CPU time on this system")
	}
	load := func(shape string) int64 {
		path := siteWithListStats(t, strings.TrimPrefix(largeMappings(shape, 30000), "output: "))
		start := testtool.CPUTime()
		if _, err := LoadSite(path, nil); err != nil {
			t.Fatalf("%s: %v", shape, err)
		}
		return max(int64(testtool.CPUTime()-start), 1)
	}
	base, took := load("sequence"), load("output mapping")
	if !testtool.RaceEnabled {
		base, took = min(base, load("sequence")), min(took, load("output mapping"))
	}
	if took > 4*base {
		t.Errorf("list_stats of 30000 keys: %.1f times the CPU time of as many one-key mappings, want at most 4", float64(took)/float64(base))
	}
}
