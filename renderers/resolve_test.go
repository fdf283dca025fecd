package renderers

import (
	"slices"
	"testing"
)

// registryOf registers a renderer per name and extension pair.
func registryOf(t *testing.T, pairs ...string) *Registry {
	t.Helper()
	var g Registry
	for i := 0; i < len(pairs); i += 2 {
		info := goodInfo()
		info.Name, info.Extension = pairs[i], pairs[i+1]
		if err := g.Add(infoOnly(info)); err != nil {
			t.Fatal(err)
		}
	}
	return &g
}

func TestRegistryResolve(t *testing.T) {
	g := registryOf(t, "junos", ".txt", "txt", ".txt", "rpz", ".rpz", "a", ".b.txt", "a.b", ".txt", "x", ".lst", "x.lst", ".csv")
	tests := []struct{ segment, want string }{
		{"junos", "junos"},
		{"junos.txt", "junos"},
		{"txt.txt", "txt"},
		{"rpz.rpz", "rpz"},
		{"txt.zone", "txt.zone"},   // not txt's extension
		{"junos.rpz", "junos.rpz"}, // another renderer's extension
		{"junos.", "junos."},
		{"junos.txt.txt", "junos.txt.txt"},
		{"unknown.txt", "unknown.txt"},
		{"a.b.txt", "a.b.txt"}, // two renderers give this file name: neither
		{"a.b", "a.b"},
		{"x.lst", "x.lst"}, // a renderer of that name comes first
		{"x.lst.csv", "x.lst"},
	}
	for _, tc := range tests {
		if got := g.Resolve(tc.segment); got != tc.want {
			t.Errorf("Resolve(%q) = %q, want %q", tc.segment, got, tc.want)
		}
	}
	want := []string{"junos.txt", "rpz.rpz", "txt.txt", "x.lst.csv"}
	if got := g.FileNames(); !slices.Equal(got, want) {
		t.Errorf("FileNames = %q, want %q", got, want)
	}
	var empty Registry
	if got := empty.Resolve("junos.txt"); got != "junos.txt" {
		t.Errorf("empty registry: Resolve = %q", got)
	}
}
