package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// NeverBlock lists values that no list may carry: the operator's own
// networks, names and services. It appears in config.yaml (for every
// site) and in a site file's guard: section.
type NeverBlock struct {
	// CIDRs are addresses or prefixes; an indicator that overlaps one is
	// kept out.
	CIDRs []string `yaml:"cidrs"`
	// Domains protect the name and every subdomain.
	Domains []string `yaml:"domains"`
	// URLs are URL prefixes; a URL indicator on the same host that
	// starts with one or leads to one is kept out, whatever its scheme,
	// user info or port, and so is the name or address it is on.
	URLs []string `yaml:"urls"`
}

// Guard is a site file's guard: section. Every rule is on by default;
// the zero value is the defaults.
type Guard struct {
	// MinPrefixV4 is the shortest IPv4 prefix a list may carry (default
	// 8, range 1-32). /0 is always refused.
	MinPrefixV4 int `yaml:"min_prefix_v4"`
	// MinPrefixV6 is the shortest IPv6 prefix a list may carry (default
	// 19, range 1-128).
	MinPrefixV6 int `yaml:"min_prefix_v6"`
	// AllowReserved lets reserved address space (loopback, RFC 1918,
	// link-local, multicast, ...) through (default false).
	AllowReserved bool `yaml:"allow_reserved"`
	// Warninglists applies MISP's enabled warninglists again to the
	// canonical values, for feeds that ask MISP to enforce them (default
	// true).
	Warninglists *bool `yaml:"warninglists"`
	// SnortActions are the rule actions a Snort/Suricata rule from MISP
	// may have (default [alert]; drop and reject may be added for IPS
	// sensors; pass never).
	SnortActions []string `yaml:"snort_actions"`
	// NeverBlock adds to config.yaml's never_block.
	NeverBlock NeverBlock `yaml:"never_block"`
	// CircuitBreaker holds a rebuilt list that lost too much (default
	// true).
	CircuitBreaker *bool `yaml:"circuit_breaker"`
	// HoldDropPercent: a list that lost more than this share of its
	// entries is held (default 50, range 1-100).
	HoldDropPercent int `yaml:"hold_drop_percent"`
	// HoldMinEntries: the share rule applies when the last good list had
	// at least this many entries (default 100). An empty list replacing a
	// non-empty one is always held.
	HoldMinEntries int `yaml:"hold_min_entries"`
}

// Guard defaults.
const (
	DefaultMinPrefixV4     = 8
	DefaultMinPrefixV6     = 19
	DefaultHoldDropPercent = 50
	DefaultHoldMinEntries  = 100
)

// SnortActionsAllowed are the values snort_actions may hold.
var SnortActionsAllowed = []string{"alert", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth"}

// WarninglistsOn reports whether warninglists are applied locally.
func (g *Guard) WarninglistsOn() bool { return g.Warninglists == nil || *g.Warninglists }

// BreakerOn reports whether the circuit breaker is on.
func (g *Guard) BreakerOn() bool { return g.CircuitBreaker == nil || *g.CircuitBreaker }

// setDefaults fills in the zero values and returns what is wrong.
func (g *Guard) setDefaults() []error {
	setDefault(&g.MinPrefixV4, DefaultMinPrefixV4)
	setDefault(&g.MinPrefixV6, DefaultMinPrefixV6)
	setDefault(&g.HoldDropPercent, DefaultHoldDropPercent)
	setDefault(&g.HoldMinEntries, DefaultHoldMinEntries)
	if len(g.SnortActions) == 0 {
		g.SnortActions = []string{"alert"}
	}
	var errs []error
	errs = checkRange(errs, "guard.min_prefix_v4", g.MinPrefixV4, 1, 32)
	errs = checkRange(errs, "guard.min_prefix_v6", g.MinPrefixV6, 1, 128)
	errs = checkRange(errs, "guard.hold_drop_percent", g.HoldDropPercent, 1, 100)
	if g.HoldMinEntries < 1 {
		errs = append(errs, fmt.Errorf("guard.hold_min_entries %d: want 1 or more", g.HoldMinEntries))
	}
	for i, a := range g.SnortActions {
		a = strings.ToLower(strings.TrimSpace(a))
		g.SnortActions[i] = a
		if !slices.Contains(SnortActionsAllowed, a) {
			errs = append(errs, fmt.Errorf("guard.snort_actions %q: want some of %s (pass is never allowed)", a, strings.Join(SnortActionsAllowed, ", ")))
		}
	}
	return append(errs, g.NeverBlock.validate("guard.never_block")...)
}

// validate checks every entry of n; key names n in errors.
func (n *NeverBlock) validate(key string) []error {
	var errs []error
	for _, c := range n.CIDRs {
		if _, err := ParseNeverBlockCIDR(c); err != nil {
			errs = append(errs, fmt.Errorf("%s.cidrs %q: not an address or prefix", key, c))
		}
	}
	for _, d := range n.Domains {
		if _, err := indicator.CanonicalHost(d); err != nil {
			errs = append(errs, fmt.Errorf("%s.domains %q: not a domain name", key, d))
		}
	}
	for _, u := range n.URLs {
		if _, err := indicator.CanonicalURL(u); err != nil {
			errs = append(errs, fmt.Errorf("%s.urls %q: not a URL", key, u))
		}
	}
	return errs
}

// ParseNeverBlockCIDR reads a never_block cidrs entry: an address or a
// prefix, as ParsePrefix does (host bits are cleared, IPv4-mapped IPv6
// is unmapped, so that it protects those IPv4 addresses).
func ParseNeverBlockCIDR(s string) (netip.Prefix, error) { return ParsePrefix(s) }

// GuardDigest names the settings of the site that decide which values its
// lists may carry: its guard: section, its misp_url, whose host is
// protected, and what selects its attributes (tag, custom_feeds,
// ignore_to_ids). It changes when one of them does, so that a list or
// feed read made under other settings is never taken for one made under
// these.
func (s *Site) GuardDigest() string {
	if s.guardDigest != "" {
		return s.guardDigest
	}
	return s.digestGuard()
}

func (s *Site) digestGuard() string {
	return digest(struct {
		Guard     Guard
		MISPURL   string
		Selection string
	}{s.Guard, s.MISPURL, s.SelectionDigest()})
}

// SelectionDigest names the settings of the site that select its
// attributes in MISP (tag, custom_feeds, ignore_to_ids): a feed read
// made under others is never taken for one made under these. The guard
// is left out: it applies to what was read, and a change of it needs no
// new read of MISP.
func (s *Site) SelectionDigest() string {
	if s.selectionDigest != "" {
		return s.selectionDigest
	}
	return s.digestSelection()
}

func (s *Site) digestSelection() string {
	return digest(struct {
		Tag         string
		CustomFeeds CustomFeeds
		IgnoreToIDs []string
	}{s.Tag, s.CustomFeeds, s.IgnoreToIDs})
}

// digest is a short hash of v's JSON.
func digest(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
