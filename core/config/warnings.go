package config

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// Placeholder secrets: the values shipped in examples (this repository's
// and the original's) and the demo's. A deployment using one has a token
// key anyone can read.
var placeholderSecrets = []string{
	"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	"0123456789abcdef0123456789abcdef",
	"5C1D3AD4E3B6A1F0C9E8D7B6A5F4E3D2C1B0A9F8E7D6C5B4A3F2E1D0C9B8A7F6",
	"cratos-demo-salt-0123456789abcde",
}

// WeakSecret says why an encryption_key or salt value is weak or a
// placeholder, or returns "" when it is acceptable. The original requires
// 64 characters for the key and 32 for the salt.
func WeakSecret(name, v string, minLen int) string {
	lv := strings.ToLower(v)
	switch {
	case strings.Contains(lv, "generate") || strings.Contains(v, "<") || strings.Contains(lv, "changeme") || strings.Contains(lv, "change me"):
		return fmt.Sprintf("%s is a placeholder (it holds <, generate or changeme): generate one, e.g. with cratos init or openssl rand -hex %d", name, minLen/2)
	case isPlaceholder(v):
		return fmt.Sprintf("%s is an example value published with Cratos: anyone can mint tokens for this server; generate one (openssl rand -hex %d)", name, minLen/2)
	case len(v) < minLen:
		return fmt.Sprintf("%s has %d characters: want at least %d random ones (openssl rand -hex %d)", name, len(v), minLen, minLen/2)
	case distinct(v) < 8:
		return fmt.Sprintf("%s uses only %d distinct characters: it is not random", name, distinct(v))
	}
	return ""
}

func isPlaceholder(v string) bool {
	for _, p := range placeholderSecrets {
		if v == p {
			return true
		}
	}
	return false
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// Warnings lists what in the configuration is accepted but unsafe or
// without effect: weak or placeholder secrets, mappings that leave
// attributes out, a memcached host without its port, allow-lists a local
// reverse proxy would open to everyone, and a forwarding header that is
// not read.
func (c *Config) Warnings() []string {
	var out []string
	if w := WeakSecret("encryption_key", c.EncryptionKey, 64); w != "" {
		out = append(out, w)
	}
	if w := WeakSecret("salt", c.Salt, 32); w != "" {
		out = append(out, w)
	}
	out = append(out, c.mappingWarnings()...)
	// A port without a host is how the examples leave memcached off.
	if c.MemcachedHost != "" && c.MemcachedPort == "" {
		out = append(out, "memcached_host is set without memcached_port: that server is not used; set both, or list it in memcached_servers as host:port")
	}
	if len(c.TrustedProxies) == 0 {
		for _, p := range c.AlwaysAllowedIPs {
			if p.Addr().IsLoopback() || p.Contains(netip.MustParseAddr("127.0.0.1")) || p.Contains(netip.IPv6Loopback()) {
				out = append(out, fmt.Sprintf("allways_allowed_ips holds %s and trusted_proxies is empty: behind a reverse proxy on this host every client appears as the proxy's address and passes every allow-list; list the proxy in trusted_proxies, or remove %s", p, p))
				break
			}
		}
		if c.ReverseProxy {
			out = append(out, "reverse_proxy is true but trusted_proxies is empty: the forwarding header is ignored and every client behind the proxy appears as the proxy's address; list the proxy in trusted_proxies")
		}
	} else if strings.EqualFold(c.ReverseProxyHeader, "Forwarded") {
		out = append(out, "reverse_proxy_header is "+c.ReverseProxyHeader+", which is not read (RFC 7239's for=...): every request a trusted proxy forwards with it is refused with 400; have the proxy send X-Forwarded-For and set reverse_proxy_header to it")
	}
	return out
}

// mappingWarnings lists the MISP types of mappings.yaml that give their
// data type nothing (misspelt, or of another kind): their attributes are
// queried and left out.
func (c *Config) mappingWarnings() []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(c.Mappings)) {
		dt, _ := indicator.LookupDataType(name)
		for _, m := range c.Mappings[name] {
			if !dt.Reads(m) {
				out = append(out, fmt.Sprintf("mappings.yaml: %s: MISP type %q gives no %s indicator; its attributes are left out", name, m, name))
			}
		}
	}
	return out
}

// ProxyWarnings lists the sites that would let every client behind a local
// reverse proxy in: their allowed_ips hold loopback while trusted_proxies
// is empty.
func (c *Config) ProxyWarnings(sites []*Site) []string {
	if len(c.TrustedProxies) > 0 {
		return nil
	}
	var out []string
	for _, s := range sites {
		for _, p := range s.AllowedIPs {
			if p.Contains(netip.MustParseAddr("127.0.0.1")) || p.Contains(netip.IPv6Loopback()) {
				out = append(out, fmt.Sprintf("%s: allowed_ips holds %s and trusted_proxies is empty: behind a reverse proxy on this host every client passes", s.Path, p))
				break
			}
		}
	}
	return out
}

// SiteWarnings lists what in a site file is accepted but worth a look: no
// allow-list (only allways_allowed_ips may read it), names in
// ignore_to_ids that are neither a data type nor one of their MISP types
// (they change nothing), and the warnings found while loading it.
func SiteWarnings(c *Config, s *Site) []string {
	out := append([]string(nil), s.Warnings...)
	for _, name := range s.IgnoreToIDs {
		if !c.namesDataOrMISPType(name) {
			out = append(out, fmt.Sprintf("%s: ignore_to_ids: %q is neither a data type nor one of their MISP types: to_ids stays required", s.Path, name))
		}
	}
	if len(s.AllowedIPs) == 0 {
		if len(c.AlwaysAllowedIPs) == 0 {
			out = append(out, fmt.Sprintf("%s: allowed_ips is empty and so is allways_allowed_ips: no address may read this site", s.Path))
		} else {
			out = append(out, fmt.Sprintf("%s: allowed_ips is empty: only allways_allowed_ips may read this site", s.Path))
		}
	}
	return out
}

// quoteEntry quotes an entry for a message, cut short when it is long
// enough to be a token (a credential) pasted in place of its fingerprint.
func quoteEntry(s string) string {
	if len(s) <= 16 {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:8]+"…") + fmt.Sprintf(" (%d characters)", len(s))
}

// namesDataOrMISPType reports whether name is a data type or a MISP type
// of one (mappings.yaml applied), as ignore_to_ids reads it.
func (c *Config) namesDataOrMISPType(name string) bool {
	if _, ok := indicator.LookupDataType(name); ok {
		return true
	}
	for _, dt := range indicator.DataTypes() {
		if dt, _ = c.DataType(dt.Name); slices.Contains(dt.MISPTypes, name) {
			return true
		}
	}
	return false
}
