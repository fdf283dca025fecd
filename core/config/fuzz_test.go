package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadSite loads arbitrary site files: a file is either refused with
// an error naming it, or loads into a usable site; never a panic.
func FuzzLoadSite(f *testing.F) {
	f.Add([]byte(originalSite))
	f.Add([]byte("tag: x\nallowed_ips: [::/0]\n"))
	f.Add([]byte("tag: [\n"))
	f.Add([]byte("custom_feeds: {cust1: [a, b]}\ntag: t\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "fuzz.example.yaml")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := LoadSite(path, nil)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.example.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if s.Tag == "" || s.PageSize < 1 || s.MISPTimeoutSeconds < 1 {
			t.Fatalf("loaded an unusable site: %+v", s)
		}
	})
}
