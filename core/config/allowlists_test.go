package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAllowListsAnsweredByTables: a site file's allowed_ips and
// config.yaml's allways_allowed_ips are loaded with their tables, which
// answer as the lists do in every form the loader reads, and a reload
// answers with the new list.
func TestAllowListsAnsweredByTables(t *testing.T) {
	site := "tag: t\nallowed_ips:\n  - 192.0.2.77/24\n  - 10.0.0.0/255.0.0.0\n  - 172.16.0.0/0.15.255.255\n" +
		"  - 198.51.100.9\n  - ::ffff:203.0.113.0/120\n  - 2001:db8::/32\n  - fe80::53\n"
	cfg, sites := loadLayout(t, originalConfig, map[string]string{"a.example.yaml": site})
	s, _ := sites.Get("a.example")
	if !s.allowedTable.Builds(s.AllowedIPs) || !cfg.alwaysAllowedTable.Builds(cfg.AlwaysAllowedIPs) {
		t.Fatal("a list was loaded without its table")
	}
	tests := []struct {
		addr         string
		site, always bool
	}{
		{"192.0.2.200", true, false},
		{"::ffff:192.0.2.1", true, false},
		{"10.255.0.1", true, true}, // 10.1.2.3/8 in allways_allowed_ips
		{"172.31.255.255", true, false},
		{"172.32.0.0", false, false},
		{"198.51.100.9", true, false},
		{"198.51.100.10", false, false},
		{"203.0.113.255", true, false},
		{"2001:db8:ffff::1", true, false},
		{"2001:db9::", false, false},
		{"fe80::53", true, false},
		{"fe80::53%eth0", false, false}, // the server drops the zone first
		{"127.0.0.1", false, true},
		{"127.0.0.2", false, false},
		{"::1", false, false},
	}
	for _, tc := range tests {
		a := netip.MustParseAddr(tc.addr)
		if got := s.Allows(a); got != tc.site {
			t.Errorf("site Allows(%s) = %v, want %v", tc.addr, got, tc.site)
		}
		if got := cfg.AlwaysAllows(a); got != tc.always {
			t.Errorf("AlwaysAllows(%s) = %v, want %v", tc.addr, got, tc.always)
		}
	}

	path := filepath.Join(cfg.SitesDir, "a.example.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(site, "192.0.2.77/24", "192.0.3.0/24", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if errs := sites.Reload(); len(errs) > 0 {
		t.Fatal(errs)
	}
	s, _ = sites.Get("a.example")
	if s.Allows(netip.MustParseAddr("192.0.2.200")) || !s.Allows(netip.MustParseAddr("192.0.3.1")) {
		t.Error("the reloaded site answered with its former list")
	}
}

// TestAllowListsWithoutTables: a Site or Config made in code, or whose
// list was replaced after loading, is answered from the list itself.
func TestAllowListsWithoutTables(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.1")
	list := Prefixes{netip.MustParsePrefix("192.0.2.0/24")}
	if !(&Site{AllowedIPs: list}).Allows(a) || !(&Config{AlwaysAllowedIPs: list}).AlwaysAllows(a) {
		t.Error("a list without a table was not read")
	}
	cfg := loadSite(t, originalSite)
	cfg.AlwaysAllowedIPs = list
	if !cfg.AlwaysAllows(a) {
		t.Error("the table of the former list answered")
	}
}
