package config

import (
	"strings"
	"testing"
)

func TestGuardKeys(t *testing.T) {
	good := originalSite + `guard:
  min_prefix_v4: 12
  snort_actions: [alert, DROP]
  never_block:
    cidrs: [192.0.2.53, "198.51.100.0/24"]
    domains: [corp.example]
    urls: ["https://portal.partner.example/login"]
  hold_drop_percent: 80
  circuit_breaker: false
`
	cfg, sites := loadLayout(t, originalConfig+"never_block:\n  domains: [example.net]\n", map[string]string{"misp.example.net.yaml": good})
	if len(cfg.NeverBlock.Domains) != 1 {
		t.Errorf("never_block %+v", cfg.NeverBlock)
	}
	s, _ := sites.Get("misp.example.net")
	g := s.Guard
	if g.MinPrefixV4 != 12 || g.MinPrefixV6 != DefaultMinPrefixV6 || g.HoldDropPercent != 80 || g.HoldMinEntries != DefaultHoldMinEntries ||
		g.BreakerOn() || !g.WarninglistsOn() || strings.Join(g.SnortActions, ",") != "alert,drop" || len(g.NeverBlock.CIDRs) != 2 {
		t.Errorf("guard %+v", g)
	}

	tests := []struct{ name, cfg, site, want string }{
		{"pass allowed", originalConfig, originalSite + "guard:\n  snort_actions: [pass]\n", `guard.snort_actions "pass"`},
		{"prefix out of range", originalConfig, originalSite + "guard:\n  min_prefix_v4: 33\n", "guard.min_prefix_v4 33: want 1-32"},
		{"percent out of range", originalConfig, originalSite + "guard:\n  hold_drop_percent: 101\n", "guard.hold_drop_percent 101"},
		{"bad cidr", originalConfig, originalSite + "guard:\n  never_block:\n    cidrs: [10.0.0.300]\n", `guard.never_block.cidrs "10.0.0.300"`},
		{"bad domain", originalConfig, originalSite + "guard:\n  never_block:\n    domains: [localhost]\n", `guard.never_block.domains "localhost"`},
		{"unknown guard key", originalConfig, originalSite + "guard:\n  colour: red\n", `unknown key "colour"`},
		{"bad global url", originalConfig + "never_block:\n  urls: [\"http://a b\"]\n", "", `never_block.urls "http://a b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sites := map[string]string{}
			if tc.site != "" {
				sites["misp.example.net.yaml"] = tc.site
			}
			cfg, err := Load(layout(t, tc.cfg, sites))
			if err == nil && tc.site != "" {
				_, err = LoadSites(cfg.SitesDir, nil)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// A never_block entry means what it would in allowed_ips: an IPv4 prefix
// written IPv4-mapped protects those IPv4 addresses.
func TestParseNeverBlockCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.53":            "192.0.2.53/32",
		"192.0.2.53/24":         "192.0.2.0/24",
		"::ffff:192.0.2.53":     "192.0.2.53/32",
		"::ffff:192.0.2.0/120":  "192.0.2.0/24",
		"::ffff:192.0.2.53/128": "192.0.2.53/32",
		"2001:db8::1/32":        "2001:db8::/32",
		"::ffff:0:0/95":         "::fffe:0:0/95",
	} {
		p, err := ParseNeverBlockCIDR(in)
		if err != nil || p.String() != want {
			t.Errorf("%s: %v %v, want %s", in, p, err, want)
		}
	}
}
