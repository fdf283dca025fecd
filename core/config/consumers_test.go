package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loadSiteText(t *testing.T, body string) (*Site, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "misp.example.net.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return LoadSite(path, nil)
}

func TestConsumers(t *testing.T) {
	fp := strings.Repeat("ab", 32)
	upper := strings.ToUpper(strings.Repeat("cd", 32))
	s, err := loadSiteText(t, "tag: example\nconsumers:\n  "+fp+": {name: pa-fw-01, expect_every: 5m}\n  "+upper+": {name: dns-1}\n")
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := s.ConsumerName(fp); !ok || c.Name != "pa-fw-01" || c.ExpectEvery != 5*time.Minute {
		t.Errorf("pa-fw-01: %+v %v", c, ok)
	}
	if c, ok := s.ConsumerName(strings.ToLower(upper)); !ok || c.Name != "dns-1" || c.ExpectEvery != 0 {
		t.Errorf("an upper-case fingerprint is kept lower-cased: %+v %v (%v)", c, ok, s.Consumers)
	}

	for _, tc := range []struct{ name, body, want string }{
		{"short fingerprint", "abc: {name: a}", "64 hex digits"},
		{"no name", fp + ": {expect_every: 5m}", "name is required"},
		{"bad name", fp + ": {name: 'a b'}", "only ASCII letters"},
		{"accented name", fp + ": {name: pare-feu-é}", `name "pare-feu-é": only ASCII letters`},
		{"duplicate name", fp + ": {name: a}\n  " + upper + ": {name: a}", "also used by"},
		{"number interval", fp + ": {name: a, expect_every: 300}", ":3: cannot unmarshal int `300` into time.Duration"},
		{"bad interval", fp + ": {name: a, expect_every: 5 minutes}", "into time.Duration"},
		{"tiny interval", fp + ": {name: a, expect_every: 1ms}", "at least 1s"},
		{"huge interval", fp + ": {name: a, expect_every: 1000h}", "720h"},
		{"negative interval", fp + ": {name: a, expect_every: -5m}", "want 0"},
		{"unknown key", fp + ": {name: a, every: 5m}", `unknown key "every"`},
		{"same fingerprint twice", fp + ": {name: a}\n  " + strings.ToUpper(fp) + ": {name: b}", "listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadSiteText(t, "tag: example\nconsumers:\n  "+tc.body+"\n")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// The shipped example site file loads, consumers included.
func TestExampleSiteFileConsumers(t *testing.T) {
	s, err := LoadSite("../../sites/misp.example.net.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Consumers) != 1 {
		t.Errorf("consumers: %v", s.Consumers)
	}
}
