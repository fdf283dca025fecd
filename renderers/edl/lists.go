package edl

import (
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// ipList builds an IP list: prefixes in numeric order (IPv4 first),
// duplicates merged, collapsed when asked. Names and URLs are dropped.
func (c *collector) ipList(cfg config, d drops) []entry {
	d.add(DropWrongList, len(c.names)+len(c.urls)+c.other)
	ips := slices.Clone(c.ips)
	slices.SortFunc(ips, func(a, b ipIn) int { return comparePrefix(a.p, b.p) })
	out := ips[:0]
	for _, ip := range ips {
		if n := len(out); n > 0 && out[n-1].p == ip.p {
			out[n-1].ts = max(out[n-1].ts, ip.ts)
			d.add(DropDuplicate, 1)
			continue
		}
		out = append(out, ip)
	}
	if cfg.collapse {
		out = collapse(out)
	}
	es := make([]entry, len(out))
	for i, ip := range out {
		es[i] = entry{key: prefixText(ip.p), ts: ip.ts}
	}
	return es
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// prefixText writes a full-length prefix as a bare address.
func prefixText(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// collapse returns the minimal set of prefixes covering exactly the
// addresses of ps, which must be masked, sorted by address then length,
// and free of duplicates. A merged prefix carries the newest timestamp of
// the prefixes it replaces. ps is reused for the result.
func collapse(ps []ipIn) []ipIn {
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].p.Bits() <= p.p.Bits() && out[n-1].p.Contains(p.p.Addr()) {
			out[n-1].ts = max(out[n-1].ts, p.ts)
			continue
		}
		out = append(out, p)
		// Merge the two last prefixes while they are the halves of one.
		for n := len(out); n >= 2; n = len(out) {
			a, b := out[n-2].p, out[n-1].p
			if a.Bits() != b.Bits() || a.Bits() == 0 {
				break
			}
			parent := netip.PrefixFrom(a.Addr(), a.Bits()-1).Masked()
			if parent.Addr() != a.Addr() || !parent.Contains(b.Addr()) {
				break
			}
			out[n-2] = ipIn{parent, max(out[n-2].ts, out[n-1].ts)}
			out = out[:n-1]
		}
	}
	return out
}

// wildcardAllowed reports whether "*.name" may be written: not when name
// is itself an ICANN public suffix ("co.uk"), which would match whole
// registries.
func wildcardAllowed(name string) bool {
	suffix, icann := publicsuffix.PublicSuffix(name)
	return !(icann && suffix == name)
}

// addName adds the entries of one Domain or Hostname, with key suffix
// appended to the name ("" in domain lists, "/" in URL lists).
func addName(es []entry, n nameIn, suffix string, pair bool, d drops) []entry {
	es = append(es, entry{key: n.name + suffix, ts: n.ts})
	if n.domain && pair {
		if wildcardAllowed(n.name) {
			es = append(es, entry{key: n.name + suffix, wild: true, ts: n.ts})
		} else {
			d.add(DropSuffixWildcard, 1)
		}
	}
	return es
}

// domainList builds a domain list from Domains and Hostnames.
func (c *collector) domainList(cfg config, d drops) []entry {
	d.add(DropWrongList, len(c.ips)+len(c.urls)+c.other)
	es := make([]entry, 0, 2*len(c.names))
	for _, n := range c.names {
		es = addName(es, n, "", cfg.pair, d)
	}
	return sortDedup(es, d)
}

// urlList builds a URL list from URLs, names and IPv4 addresses.
func (c *collector) urlList(cfg config, d drops) []entry {
	d.add(DropWrongList, c.other)
	es := make([]entry, 0, len(c.urls)+2*len(c.names)+len(c.ips))
	for _, u := range c.urls {
		key, reason := urlEntry(u.value, cfg.stripPorts)
		if reason != "" {
			d.add(reason, 1)
			continue
		}
		es = append(es, entry{key: key, ts: u.ts})
	}
	for _, n := range c.names {
		es = addName(es, n, "/", cfg.pair, d)
	}
	for _, ip := range c.ips {
		if ip.p.Addr().Is4() && ip.p.IsSingleIP() {
			es = append(es, entry{key: ip.p.Addr().String() + "/", ts: ip.ts})
		} else {
			d.add(DropWrongList, 1)
		}
	}
	return sortDedup(es, d)
}

// urlEntry turns a canonical URL into a PAN-OS URL list entry: scheme and
// user info removed, host lower-cased, "/" before a bare host's end or
// query, non-ASCII bytes percent-encoded. It returns the reason instead
// when the URL cannot be listed.
func urlEntry(v string, stripPorts bool) (string, string) {
	rest := v
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	if strings.HasPrefix(auth, "[") {
		return "", DropIPv6Host
	}
	if i := strings.LastIndexByte(auth, ':'); i >= 0 {
		if !stripPorts {
			return "", DropPort
		}
		auth = auth[:i]
	}
	if strings.ContainsAny(tail, "*^") || strings.ContainsAny(auth, "*^") {
		return "", DropWildcardChar
	}
	switch {
	case tail == "":
		tail = "/"
	case tail[0] == '?':
		tail = "/" + tail
	}
	return strings.ToLower(auth) + escapeNonASCII(tail), ""
}

const upperHex = "0123456789ABCDEF"

// escapeNonASCII percent-encodes bytes outside printable ASCII, as a
// client sends them on the wire.
func escapeNonASCII(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			b = append(b, '%', upperHex[c>>4], upperHex[c&0xf])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
