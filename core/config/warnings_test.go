package config

import (
	"errors"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The original's example site file lists "empty" as a revoked token: it
// loads, the entry revokes only the token "empty" would be, and the
// warning names file and line.
func TestOriginalExampleSiteLoads(t *testing.T) {
	tests := []struct {
		name, tokens string
		warn         []string
		revoked      int
	}{
		{"placeholder entry", "blacklisted_api_tokens:\n  - \"empty\"\n", []string{`misp.example.net.yaml:21: blacklisted_api_tokens: "empty" is not a sha256 hex digest`}, 1},
		{"null list", "blacklisted_api_tokens:\n", nil, 0},
		{"mixed", "blacklisted_api_tokens:\n  - 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n  - nope\n", []string{`misp.example.net.yaml:22: blacklisted_api_tokens: "nope"`}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := originalSite[:strings.Index(originalSite, "blacklisted_api_tokens:")] + tc.tokens
			path := layout(t, originalConfig, map[string]string{"misp.example.net.yaml": site})
			s, err := LoadSite(filepath.Join(filepath.Dir(filepath.Dir(path)), "sites", "misp.example.net.yaml"), nil)
			if err != nil {
				t.Fatalf("the original's site file is refused: %v", err)
			}
			if len(s.Warnings) != len(tc.warn) {
				t.Fatalf("warnings %q, want %d", s.Warnings, len(tc.warn))
			}
			for i, w := range tc.warn {
				if !strings.Contains(s.Warnings[i], w) {
					t.Errorf("warning %q, want it to contain %q", s.Warnings[i], w)
				}
			}
			if len(s.revoked) != tc.revoked {
				t.Errorf("%d revoked digests, want %d", len(s.revoked), tc.revoked)
			}
		})
	}
}

// Renderer option errors point at the renderer's line.
func TestRendererOptionErrorLine(t *testing.T) {
	site := originalSite + "renderers:\n  edl:\n    max_entries: \"50\"\n  rpz:\n    policy: maybe\n"
	cfg := loadSite(t, site)
	check := func(name string, opts map[string]string) error {
		if name == "rpz" {
			return errors.New(`option policy "maybe": want nxdomain, nodata, drop or passthru`)
		}
		return nil
	}
	_, err := LoadSites(cfg.SitesDir, check)
	if err == nil || !strings.Contains(err.Error(), "misp.example.net.yaml:25: renderers.rpz: option policy") {
		t.Fatalf("error %v, want it at line 25", err)
	}
}

func TestWeakSecrets(t *testing.T) {
	strong := "9c1f6b0e4d2a8f7351c6e9b2a4d08f3e7c5b1a9d2e6f4c8b0a7d3e5f1c9b2a6d"
	tests := []struct {
		key, salt string
		want      []string
	}{
		{strong, "f3a91c07e5d24b68a0c7e19d53b2f846", nil},
		{"x", "f3a91c07e5d24b68a0c7e19d53b2f846", []string{"encryption_key has 1 characters"}},
		{"<GENERATE ME>", "<GENERATE ME>", []string{"encryption_key is a placeholder", "salt is a placeholder"}},
		{"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef", []string{"encryption_key is an example value", "salt is an example value"}},
		{strings.Repeat("ab", 32), "f3a91c07e5d24b68a0c7e19d53b2f846", []string{"only 2 distinct characters"}},
	}
	for _, tc := range tests {
		c := &Config{EncryptionKey: tc.key, Salt: tc.salt}
		got := c.Warnings()
		if len(got) != len(tc.want) {
			t.Errorf("key %q salt %q: warnings %q, want %q", tc.key, tc.salt, got, tc.want)
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tc.want[i]) {
				t.Errorf("warning %q, want %q", got[i], tc.want[i])
			}
		}
	}
}

// A warning about a secret never carries its value: serve logs the
// warnings.
func TestWeakSecretNotLogged(t *testing.T) {
	key := "9c1f6b0e4d2a8f7351c6e9b2a4d<8f3e7c5b1a9d2e6f4c8b0a7d3e5f1c9b2a6d"
	salt := "f3a91c07e5d2changeme19d53b2f846x"
	got := (&Config{EncryptionKey: key, Salt: salt}).Warnings()
	if len(got) != 2 {
		t.Fatalf("warnings %q, want two", got)
	}
	for _, w := range got {
		if strings.Contains(w, key) || strings.Contains(w, salt) {
			t.Errorf("warning %q carries the secret", w)
		}
	}
}

func TestProxyWarnings(t *testing.T) {
	strong := "9c1f6b0e4d2a8f7351c6e9b2a4d08f3e7c5b1a9d2e6f4c8b0a7d3e5f1c9b2a6d"
	salt := "f3a91c07e5d24b68a0c7e19d53b2f846"
	loop := Prefixes{mustParse(t, "127.0.0.1/32")}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"loopback allowed, no trusted proxies", Config{AlwaysAllowedIPs: loop}, "allways_allowed_ips holds 127.0.0.1/32 and trusted_proxies is empty"},
		{"reverse_proxy without trusted proxies", Config{ReverseProxy: true}, "reverse_proxy is true but trusted_proxies is empty"},
		{"trusted proxy listed", Config{AlwaysAllowedIPs: loop, TrustedProxies: loop, ReverseProxy: true}, ""},
		{"no loopback", Config{AlwaysAllowedIPs: Prefixes{mustParse(t, "192.0.2.0/24")}}, ""},
		{"Forwarded from a trusted proxy", Config{TrustedProxies: loop, ReverseProxyHeader: "Forwarded"}, "reverse_proxy_header is Forwarded, which is not read (RFC 7239's for=...): every request a trusted proxy forwards with it is refused with 400"},
		{"forwarded in lower case", Config{TrustedProxies: loop, ReverseProxyHeader: "forwarded"}, "reverse_proxy_header is forwarded, which is not read"},
		{"X-Real-IP from a trusted proxy", Config{TrustedProxies: loop, ReverseProxyHeader: "X-Real-IP"}, ""},
	}
	for _, tc := range tests {
		tc.cfg.EncryptionKey, tc.cfg.Salt = strong, salt
		got := tc.cfg.Warnings()
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("%s: warnings %q, want none", tc.name, got)
			}
			continue
		}
		if len(got) != 1 || !strings.Contains(got[0], tc.want) {
			t.Errorf("%s: warnings %q, want %q", tc.name, got, tc.want)
		}
	}
	site := &Site{Path: "sites/a.yaml", AllowedIPs: loop}
	if got := (&Config{}).ProxyWarnings([]*Site{site}); len(got) != 1 || !strings.Contains(got[0], "sites/a.yaml: allowed_ips holds 127.0.0.1/32") {
		t.Errorf("site proxy warnings %q", got)
	}
	open := &Site{Path: "sites/b.yaml"}
	if got := SiteWarnings(&Config{}, open); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "no address may read this site") }) {
		t.Errorf("site without allow-list: %q", got)
	}
}

// TestMappingWarnings: a mapped MISP type that gives its data type
// nothing is named; the types it reads are not.
func TestMappingWarnings(t *testing.T) {
	c := Config{EncryptionKey: strings.Repeat("0123456789abcdeF", 4), Salt: "0123456789abcdeFghijklmnopqrstuv",
		Mappings: map[string][]string{"url": {"url", "link"}, "ipv4": {"ip_dst", "ip-dst", "domain|ip"}, "domain": {"domain", "hostname"}}}
	want := []string{
		`mappings.yaml: ipv4: MISP type "ip_dst" gives no ipv4 indicator; its attributes are left out`,
		`mappings.yaml: url: MISP type "link" gives no url indicator; its attributes are left out`,
	}
	if got := c.Warnings(); !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}

func mustParse(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMemcachedHalfAddress: memcached_host without memcached_port names
// no server, and says so; a port without a host is how the examples
// leave memcached off.
func TestMemcachedHalfAddress(t *testing.T) {
	tests := []struct {
		host       string
		port, want string
	}{
		{"10.0.0.21", "", "memcached_host is set without memcached_port"},
		{"", "11211", ""},
		{"10.0.0.21", "11211", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		cfg := Config{EncryptionKey: "9c1f6b0e4d2a8f7351c6e9b2a4d08f3e7c5b1a9d2e6f4c8b0a7d3e5f1c9b2a6d", Salt: "f3a91c07e5d24b68a0c7e19d53b2f846",
			MemcachedHost: tc.host, MemcachedPort: PortString(tc.port)}
		got := strings.Join(cfg.Warnings(), "\n")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("host %q port %q: warnings %q, want %q", tc.host, tc.port, got, tc.want)
		}
	}
}

// TestIgnoreToIDsNames: a name in ignore_to_ids that is neither a data
// type nor one of their MISP types (a typo) changes nothing, and is named.
func TestIgnoreToIDsNames(t *testing.T) {
	site := &Site{Path: "sites/a.yaml", AllowedIPs: Prefixes{mustParse(t, "192.0.2.0/24")},
		IgnoreToIDs: []string{"snort", "snrot", "ip-dst", "domain", "ip-dts"}}
	got := SiteWarnings(&Config{}, site)
	want := []string{
		`sites/a.yaml: ignore_to_ids: "snrot" is neither a data type nor one of their MISP types: to_ids stays required`,
		`sites/a.yaml: ignore_to_ids: "ip-dts" is neither a data type nor one of their MISP types: to_ids stays required`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}
