package guard

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// Rule names: the reason a value was kept out, as counted in
// X-Cratos-Dropped ("guard: <rule>"), metrics and the lookup.
const (
	RuleWidePrefix   = "min_prefix"
	RuleReserved     = "reserved"
	RuleNeverBlock   = "never_block"
	RuleMISPHost     = "misp_host"
	RuleWarninglist  = "warninglist"
	RuleSnortAction  = "snort_action"
	RulePublicSuffix = "public_suffix"
)

// DropReason is the reason key under which a value kept out by rule is
// counted in an artifact's dropped values.
func DropReason(rule string) string { return "guard: " + rule }

// Verdict says why a value was kept out.
type Verdict struct {
	// Rule is one of the Rule* names.
	Rule string `json:"rule"`
	// Detail names what the value hit: "10.0.0.0/8 private (RFC 1918)",
	// "warninglist 3 List of known IPv4 public DNS resolvers", ...
	Detail string `json:"detail"`
}

// protectedURL is a never_block URL prefix as devices match URLs: by
// host and path, whatever the scheme, user info or port.
type protectedURL struct {
	url, host, path string
}

type namedPrefix struct {
	p      netip.Prefix
	rule   string
	detail string
}

// Policy is one site's guard, for one MISP base URL. It is immutable and
// safe for concurrent use.
type Policy struct {
	minV4, minV6 int
	reserved     bool
	nets         []namedPrefix
	names        map[string]Verdict // protected name -> why
	urls         []protectedURL
	urlNets      []namedPrefix // the addresses protected URLs are on
	snort        []string
	wl           *Warninglists
}

// New returns the policy of site, with the never-block lists of
// config.yaml (global) and the hosts of the MISP base URLs given (the
// site's misp_url and the one a token names) protected too.
func New(site *config.Site, global config.NeverBlock, mispURLs ...string) *Policy {
	g := site.Guard
	p := &Policy{
		minV4:    max(g.MinPrefixV4, 1),
		minV6:    max(g.MinPrefixV6, 1),
		reserved: !g.AllowReserved,
		names:    map[string]Verdict{},
		snort:    g.SnortActions,
	}
	if g.MinPrefixV4 == 0 {
		p.minV4 = config.DefaultMinPrefixV4
	}
	if g.MinPrefixV6 == 0 {
		p.minV6 = config.DefaultMinPrefixV6
	}
	if len(p.snort) == 0 {
		p.snort = []string{"alert"}
	}
	for _, nb := range []config.NeverBlock{global, g.NeverBlock} {
		for _, c := range nb.CIDRs {
			if pr, err := config.ParseNeverBlockCIDR(c); err == nil {
				p.nets = append(p.nets, namedPrefix{pr, RuleNeverBlock, pr.String()})
			}
		}
		for _, d := range nb.Domains {
			if n, err := indicator.CanonicalHost(d); err == nil {
				p.names[n] = Verdict{RuleNeverBlock, n}
			}
		}
		for _, u := range nb.URLs {
			if c, err := indicator.CanonicalURL(u); err == nil {
				host, path := urlParts(c)
				p.urls = append(p.urls, protectedURL{c, host, path})
				if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
					a = a.Unmap()
					p.urlNets = append(p.urlNets, namedPrefix{netip.PrefixFrom(a, a.BitLen()), RuleNeverBlock, c})
				}
			}
		}
	}
	for _, raw := range mispURLs {
		p.protectMISP(raw)
	}
	return p
}

func (p *Policy) protectMISP(raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return
	}
	h := u.Hostname()
	if a, err := netip.ParseAddr(h); err == nil {
		a = a.Unmap().WithZone("")
		p.nets = append(p.nets, namedPrefix{netip.PrefixFrom(a, a.BitLen()), RuleMISPHost, a.String()})
		return
	}
	if n, err := indicator.CanonicalName(h); err == nil {
		if _, ok := p.names[n]; !ok {
			p.names[n] = Verdict{RuleMISPHost, n}
		}
	}
}

// WithWarninglists returns a copy of p that also keeps out what w
// matches.
func (p *Policy) WithWarninglists(w *Warninglists) *Policy {
	c := *p
	c.wl = w
	return &c
}

// allOfIPv4 are the IPv6 prefixes that hold every IPv4 address: a net
// covering one blocks all of IPv4 where IPv4 is seen through it (a
// dual-stack proxy, a NAT64 network).
var allOfIPv4 = []namedPrefix{
	{p: netip.MustParsePrefix("::ffff:0:0/96"), detail: "::ffff:0:0/96 IPv4-mapped"},
	{p: netip.MustParsePrefix("64:ff9b::/96"), detail: "64:ff9b::/96 NAT64"},
}

// Check returns why in must not reach a device, or ok true when it may.
func (p *Policy) Check(in indicator.Indicator) (v Verdict, ok bool) {
	// An IP value is parsed once, here, for every rule that reads it.
	pr, good := in.Prefix()
	switch {
	case in.Type.IsIP():
		if good {
			if v, bad := p.checkPrefix(pr); bad {
				return v, false
			}
		}
	case in.Type.IsName():
		// A domain blocks every subdomain; so does a hostname on the
		// resolvers that match names by suffix (dnsmasq, Unbound, HAProxy).
		if v, bad := publicSuffix(in.Value); bad {
			return v, false
		}
		if v, bad := p.checkName(in.Value, true); bad {
			return v, false
		}
		if v, bad := p.checkURLHost(in.Value); bad {
			return v, false
		}
	case in.Type == indicator.URL:
		if v, bad := p.checkURL(in.Value); bad {
			return v, false
		}
	case in.Type == indicator.Snort:
		if v, bad := p.checkSnort(in.Value); bad {
			return v, false
		}
	}
	if p.wl != nil {
		if v, hit := p.wl.match(in, pr, good); hit {
			return v, false
		}
	}
	return Verdict{}, true
}

// CheckPrefix applies the address rules (minimum prefix, never-block
// networks, the MISP host, reserved space) to pr; ok is true when it may
// be listed. Warninglists are not consulted.
func (p *Policy) CheckPrefix(pr netip.Prefix) (v Verdict, ok bool) {
	v, bad := p.checkPrefix(pr)
	return v, !bad
}

func (p *Policy) checkPrefix(pr netip.Prefix) (Verdict, bool) {
	if v4, ok := nat64Embedded(pr); ok {
		if v, bad := p.checkPrefix(v4); bad {
			v.Detail += " (" + v4.String() + " through NAT64 64:ff9b::/96)"
			return v, true
		}
	}
	min := p.minV4
	if pr.Addr().Is6() {
		min = p.minV6
	}
	if pr.Bits() == 0 || pr.Bits() < min {
		return Verdict{RuleWidePrefix, fmt.Sprintf("/%d is shorter than /%d", pr.Bits(), max(min, 1))}, true
	}
	for _, all := range allOfIPv4 {
		if pr.Bits() <= all.p.Bits() && pr.Contains(all.p.Addr()) {
			return Verdict{RuleWidePrefix, "covers all of IPv4 (" + all.detail + ")"}, true
		}
	}
	for _, nets := range [][]namedPrefix{p.nets, p.urlNets} {
		for _, n := range nets {
			if n.p.Overlaps(pr) {
				return Verdict{n.rule, n.detail}, true
			}
		}
	}
	if p.reserved {
		if name, r, bad := reservedOverlap(pr); bad {
			return Verdict{RuleReserved, r.String() + " " + name}, true
		}
	}
	return Verdict{}, false
}

// checkName refuses a name that is protected or under a protected name,
// and, when it blocks its subdomains too, a name above one.
func (p *Policy) checkName(n string, subdomains bool) (Verdict, bool) {
	if len(p.names) == 0 {
		return Verdict{}, false
	}
	for s := n; ; {
		if v, ok := p.names[s]; ok {
			return v, true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	if subdomains {
		for name, v := range p.names {
			if strings.HasSuffix(name, "."+n) {
				return v, true
			}
		}
	}
	return Verdict{}, false
}

// checkURL refuses a URL on a protected name or address or on reserved
// space, and a URL on a protected URL's host whose path is one of that
// URL's or leads to it: URL lists and Squid drop the scheme, user info
// and port, and match a URL as a prefix.
func (p *Policy) checkURL(u string) (Verdict, bool) {
	host, path := urlParts(u)
	for _, q := range p.urls {
		if host == q.host && (strings.HasPrefix(path, q.path) || strings.HasPrefix(q.path, path)) {
			return Verdict{RuleNeverBlock, q.url}, true
		}
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		a = a.Unmap()
		via, _ := nat64Embedded(netip.PrefixFrom(a, a.BitLen())) // what it reaches through NAT64
		for _, n := range p.nets {
			if n.p.Contains(a) || via.IsValid() && n.p.Contains(via.Addr()) {
				return Verdict{n.rule, n.detail}, true
			}
		}
		return p.checkURLAddr(a, via)
	}
	return p.checkName(host, false)
}

// checkURLAddr refuses a URL on reserved space, a, or the IPv4 address
// via that a reaches through NAT64, as the reserved rule refuses the
// address itself: a proxy blocking http://10.1.2.3/ or the cloud
// metadata address cuts a site off from its own services.
func (p *Policy) checkURLAddr(a netip.Addr, via netip.Prefix) (Verdict, bool) {
	if !p.reserved {
		return Verdict{}, false
	}
	if name, r, bad := reservedOverlap(netip.PrefixFrom(a, a.BitLen())); bad {
		return Verdict{RuleReserved, r.String() + " " + name}, true
	}
	if name, r, bad := reservedOverlap(via); via.IsValid() && bad {
		return Verdict{RuleReserved, r.String() + " " + name + " (" + via.String() + " through NAT64 64:ff9b::/96)"}, true
	}
	return Verdict{}, false
}

// checkURLHost refuses a name a protected URL is on or under: blocking
// the name blocks the URL.
func (p *Policy) checkURLHost(n string) (Verdict, bool) {
	for _, q := range p.urls {
		if q.host == n || strings.HasSuffix(q.host, "."+n) {
			return Verdict{RuleNeverBlock, q.url}, true
		}
	}
	return Verdict{}, false
}

// urlParts returns the host of a canonical URL (without user info or
// port) and its path and query ("/" when empty).
func urlParts(u string) (host, path string) {
	_, rest := splitScheme(u)
	host = urlHost(rest)
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		path = rest[i:]
	}
	if path == "" || path[0] == '?' {
		path = "/" + path
	}
	return host, path
}

// urlHost returns the host of a canonical URL without its scheme.
func urlHost(rest string) string {
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			return rest[:i+1]
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// checkSnort refuses a rule whose action is not allowed: "pass" never
// is, "drop" and "reject" only when the site allows them; nor a rule on
// a never-block or MISP address (checkRuleHeader), nor one with an option
// that acts on the sensor or its traffic (checkRuleOptions). Every line
// is a rule, wherever some line reader breaks it (indicator.LineBreaks).
func (p *Policy) checkSnort(rule string) (Verdict, bool) {
	lines := strings.FieldsFunc(rule, func(r rune) bool { return strings.ContainsRune(indicator.LineBreaks, r) })
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		action := strings.ToLower(strings.Fields(line)[0])
		if action == "pass" || !slices.Contains(p.snort, action) {
			return Verdict{RuleSnortAction, fmt.Sprintf("action %q is not allowed (allowed: %s)", action, strings.Join(p.snort, ", "))}, true
		}
		if v, bad := p.checkRuleHeader(line); bad {
			return v, true
		}
		if v, bad := p.checkRuleOptions(line); bad {
			return v, true
		}
	}
	return Verdict{}, false
}

// splitScheme splits "scheme://rest"; scheme is "" when u has none.
func splitScheme(u string) (scheme, rest string) {
	if s, r, ok := strings.Cut(u, "://"); ok && !strings.ContainsAny(s, "/?#") {
		return s, r
	}
	return "", u
}
