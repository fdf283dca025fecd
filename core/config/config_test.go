package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// layout writes config/config.yaml and sites/*.yaml under a temp dir as
// the original lays them out, and returns the config path.
func layout(t *testing.T, cfg string, sites map[string]string) string {
	t.Helper()
	return testtool.ConfigLayout(t, cfg, sites)
}

// loadSite loads originalConfig with site as the site file of
// misp.example.net, failing t on an error.
func loadSite(t *testing.T, site string) *Config {
	t.Helper()
	cfg, err := Load(layout(t, originalConfig, map[string]string{"misp.example.net.yaml": site}))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// loadLayout writes a layout and loads its config and sites.
func loadLayout(t *testing.T, cfg string, sites map[string]string) (*Config, *Sites) {
	t.Helper()
	c, err := Load(layout(t, cfg, sites))
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSites(c.SitesDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// originalConfig has every key of the original's config.yaml.
const originalConfig = `debug: false
encryption_key: "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
salt: "0123456789abcdef0123456789abcdef"
memcached_user: ""
memcached_pass: ""
memcached_host: "127.0.0.1"
memcached_port: "11211"
allways_allowed_ips:
  - 127.0.0.1/32
  - 10.1.2.3/8
reverse_proxy: true
reverse_proxy_header: "X-Real-IP"
reverse_proxy_real_ip_regex: '(\d+\.\d+\.\d+\.\d+)$'
reverse_proxy_regex_place: 1
access_log: "/var/log/cratos/access.log"
access_log_max_bytes: 10
access_log_rotations: 5
`

const originalSite = `enabled: true
debug: false
company: "Example"
tag: "example"
mispVerifyCert: false
mispTimeoutSeconds: 15
mispDebug: false
memcached_all_timeout: 300
falsepositive_timeout: "1w"
list_stats: "no"
allowed_ips:
  - 192.0.2.0/24
  - 2001:db8::/32
custom_feeds:
  cust2: ":incident-classification=cust2"
  cust1: [":incident-classification=cust1", ":incident-classification=sinkhole"]
ignore_to_ids:
  - vulnerability
  - ja3
blacklisted_api_tokens:
  - 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
`

func TestLoadOriginalFiles(t *testing.T) {
	path := layout(t, originalConfig, map[string]string{"misp.example.net.yaml": originalSite})
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.MemcachedAddrs(); len(got) != 1 || got[0] != "127.0.0.1:11211" {
		t.Errorf("memcached %v", got)
	}
	if cfg.AlwaysAllowedIPs[1].String() != "10.0.0.0/8" {
		t.Errorf("host bits not cleared: %v", cfg.AlwaysAllowedIPs)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.TokenMinting != MintAllowlist || cfg.FeedSnapshotMaxBytes != 1<<30 {
		t.Errorf("defaults: listen %q minting %q feed snapshots %d bytes", cfg.Listen, cfg.TokenMinting, cfg.FeedSnapshotMaxBytes)
	}
	if want := filepath.Join(filepath.Dir(filepath.Dir(path)), "sites"); cfg.SitesDir != want {
		t.Errorf("sites_dir %q, want %q", cfg.SitesDir, want)
	}
	sites, err := LoadSites(cfg.SitesDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sites.Get("MISP.example.net"); ok {
		t.Fatal("site found under another case: the original looks the file up by the exact name")
	}
	s, ok := sites.Get("misp.example.net")
	if !ok {
		t.Fatal("site not found")
	}
	if s.VerifyCert() || s.MISPTimeoutSeconds != 15 || !s.IsEnabled() {
		t.Errorf("site flags: verify %v timeout %d", s.VerifyCert(), s.MISPTimeoutSeconds)
	}
	if len(s.CustomFeeds) != 2 || s.CustomFeeds[0].Name != "cust2" || len(s.CustomFeeds[1].Suffixes) != 2 {
		t.Errorf("custom feeds %+v (file order, lists allowed)", s.CustomFeeds)
	}
	if !s.IsRevoked("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") {
		t.Error("revocation list not read case-insensitively")
	}
}

func TestStrictErrors(t *testing.T) {
	tests := []struct {
		name, cfg, site, want string
	}{
		{"unknown config key", originalConfig + "bogus: 1\n", "", "config.yaml:18: unknown key \"bogus\""},
		{"bad CIDR", strings.Replace(originalConfig, "10.1.2.3/8", "10.1.2.300/8", 1), "", "config.yaml:10: bad CIDR \"10.1.2.300/8\""},
		{"wrong type", strings.Replace(originalConfig, "debug: false", "debug: maybe", 1), "", "config.yaml:1: cannot unmarshal"},
		{"bad port", strings.Replace(originalConfig, `"11211"`, `"eleven"`, 1), "", "config.yaml:7: bad port"},
		{"bad minting mode", originalConfig + "token_minting: sometimes\n", "", "config.yaml:18: token_minting \"sometimes\""},
		{"misspelt always_allowed_ips", originalConfig + "always_allowed_ips: []\n", "", `config.yaml:18: unknown key "always_allowed_ips" (did you mean "allways_allowed_ips"?)`},
		{"misspelt site key", originalConfig, originalSite + "allowed_ip: []\n", `misp.example.net.yaml:22: unknown key "allowed_ip" (did you mean "allowed_ips"?)`},
		{"missing key", strings.Replace(originalConfig, `encryption_key: "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"`, "", 1), "", "encryption_key is required"},
		{"site unknown key", originalConfig, originalSite + "colour: red\n", "misp.example.net.yaml:22: unknown key \"colour\""},
		{"site bad allowed_ips", originalConfig, strings.Replace(originalSite, "192.0.2.0/24", "192.0.2.0/33", 1), "misp.example.net.yaml:12: bad CIDR"},
		{"site unknown custom feed", originalConfig, strings.Replace(originalSite, "cust2:", "cust9:", 1), "misp.example.net.yaml:15: custom feed \"cust9\""},
		{"site custom feed without suffix", originalConfig, strings.Replace(originalSite, `[":incident-classification=cust1", ":incident-classification=sinkhole"]`, "[]", 1),
			`misp.example.net.yaml:16: custom feed "cust1": no tag suffix`},
		{"site custom feed twice", originalConfig, strings.Replace(originalSite, "  cust1:", "  cust2: \":incident-classification=other\"\n  cust1:", 1),
			`misp.example.net.yaml:16: custom feed "cust2" listed twice (first at line 15)`},
		{"second config document", originalConfig + "---\ntoken_minting: off\n", "", "config.yaml:18: a second YAML document (after ---): want one"},
		{"second site document", originalConfig, originalSite + "---\nenabled: false\n", "misp.example.net.yaml:22: a second YAML document (after ---): want one"},
		{"fraction in a site integer", originalConfig, strings.Replace(originalSite, "mispTimeoutSeconds: 15", "mispTimeoutSeconds: 0.5", 1), "misp.example.net.yaml:6: 0.5: want a whole number"},
		{"fraction in a guard integer", originalConfig, originalSite + "guard:\n  hold_drop_percent: 12.5\n", "misp.example.net.yaml:23: 12.5: want a whole number"},
		{"fraction beside a merge key", originalConfig, originalSite + "<<: {company: x}\npage_size: 0.5\n", "misp.example.net.yaml:23: 0.5: want a whole number"},
		{"fraction in a limit", originalConfig + "max_connections: 1e3\n", "", "config.yaml:18: 1e3: want a whole number"},
		{"site missing tag", originalConfig, strings.Replace(originalSite, `tag: "example"`, "", 1), "tag is required"},
		{"empty site", originalConfig, "\n", "file is empty"},
		{"memory limit too small", originalConfig + "memory_limit_bytes: 1000000\n", "", "memory_limit_bytes must be 0 (none) or at least 67108864"},
		{"negative feed snapshot budget", originalConfig + "feed_snapshot_max_bytes: -1\n", "", "feed_snapshot_max_bytes must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sites := map[string]string{}
			if tc.site != "" {
				sites["misp.example.net.yaml"] = tc.site
			}
			path := layout(t, tc.cfg, sites)
			cfg, err := Load(path)
			if err == nil && tc.site != "" {
				_, err = LoadSites(cfg.SitesDir, nil)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReloadKeepsLastGood(t *testing.T) {
	cfg, sites := loadLayout(t, originalConfig, map[string]string{"a.example.yaml": originalSite, "b.example.yaml": originalSite})
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(cfg.SitesDir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.example.yaml", "tag: [broken\n")
	write("b.example.yaml", strings.Replace(originalSite, "mispTimeoutSeconds: 15", "mispTimeoutSeconds: 20", 1))
	write("c.example.yaml", originalSite)
	errs := sites.Reload()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "a.example.yaml") {
		t.Fatalf("reload errors %v, want one naming a.example.yaml", errs)
	}
	a, ok := sites.Get("a.example")
	if !ok || a.MISPTimeoutSeconds != 15 {
		t.Error("broken file did not keep the previous site")
	}
	if b, _ := sites.Get("b.example"); b.MISPTimeoutSeconds != 20 {
		t.Error("good change not applied")
	}
	if _, ok := sites.Get("c.example"); !ok {
		t.Error("new site not added")
	}
	os.Remove(filepath.Join(cfg.SitesDir, "c.example.yaml"))
	sites.Reload()
	if _, ok := sites.Get("c.example"); ok {
		t.Error("removed site still served")
	}
}

func TestRendererOptionsChecked(t *testing.T) {
	site := originalSite + "renderers:\n  edl:\n    max_entries: lots\n"
	cfg := loadSite(t, site)
	check := func(name string, opts map[string]string) error {
		if opts["max_entries"] == "lots" {
			return os.ErrInvalid
		}
		return nil
	}
	_, err := LoadSites(cfg.SitesDir, check)
	if err == nil || !strings.Contains(err.Error(), "renderers.edl") || !strings.Contains(err.Error(), "misp.example.net.yaml") {
		t.Fatalf("error %v should name the file and renderers.edl", err)
	}
}

func TestMappings(t *testing.T) {
	path := layout(t, originalConfig, nil)
	mappings := "types:\n  ipv4: [ip-dst]\noutput: [txt, json]\nfeeds: {}\nages: {1d: \"-1 day\"}\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "mappings.yaml"), []byte(mappings), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dt, _ := cfg.DataType("ipv4")
	if len(dt.MISPTypes) != 1 || dt.MISPTypes[0] != "ip-dst" {
		t.Errorf("mappings not applied: %v", dt.MISPTypes)
	}
	if dt, _ := cfg.DataType("domain"); dt.MISPTypes[0] != "domain" {
		t.Errorf("unmapped type changed: %v", dt.MISPTypes)
	}
}

// A reload that finds no site file at all (the directory emptied while a
// deployment replaces its files) keeps the sites loaded and says so:
// dropping them would refuse every device at once.
func TestReloadOfAnEmptySitesDirKeepsTheSites(t *testing.T) {
	cfg, sites := loadLayout(t, originalConfig, map[string]string{"a.example.yaml": originalSite, "b.example.yaml": originalSite})
	for _, name := range []string{"a.example.yaml", "b.example.yaml"} {
		if err := os.Remove(filepath.Join(cfg.SitesDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	errs := sites.Reload()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "holds no site file: keeping the 2 sites loaded") {
		t.Fatalf("reload errors %v", errs)
	}
	if len(sites.All()) != 2 {
		t.Fatalf("%d sites after reloading an empty directory, want the 2 loaded", len(sites.All()))
	}
}
