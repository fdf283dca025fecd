package config

import (
	"path/filepath"
	"testing"
)

// The example site file loads, guard section included.
func TestExampleSiteFileGuard(t *testing.T) {
	s, err := LoadSite(filepath.Join("..", "..", "sites", "misp.example.net.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Guard.MinPrefixV4 != 8 || s.Guard.HoldDropPercent != 50 || !s.Guard.BreakerOn() {
		t.Errorf("guard %+v", s.Guard)
	}
}
