package fortinet

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"golang.org/x/net/publicsuffix"
)

// addressFeed lists addresses and prefixes in numeric order.
func (c *collector) addressFeed(d drops) []entry {
	d.add(DropWrongFeed, len(c.names)+len(c.urls)+len(c.hashes)+c.other)
	ips := slices.Clone(c.ips)
	slices.SortFunc(ips, func(a, b ipIn) int {
		if c := a.p.Addr().Compare(b.p.Addr()); c != 0 {
			return c
		}
		return a.p.Bits() - b.p.Bits()
	})
	es := make([]entry, 0, len(ips))
	var last netip.Prefix
	for i, ip := range ips {
		if i > 0 && ip.p == last {
			es[len(es)-1].ts = max(es[len(es)-1].ts, ip.ts)
			d.add(DropDuplicate, 1)
			continue
		}
		last = ip.p
		text := ip.p.String()
		if ip.p.IsSingleIP() {
			text = ip.p.Addr().String()
		}
		es = append(es, entry{key: text, ts: ip.ts})
	}
	return es
}

// domainFeed lists Domains as "d" and "*.d" (or "d" alone) and Hostnames
// as "d".
func (c *collector) domainFeed(cfg config, d drops) []entry {
	d.add(DropWrongFeed, len(c.ips)+len(c.urls)+len(c.hashes)+c.other)
	es := make([]entry, 0, 2*len(c.names))
	for _, n := range c.names {
		es = append(es, entry{key: n.name, ts: n.ts})
		if n.domain && cfg.pair {
			if suffix, icann := publicsuffix.PublicSuffix(n.name); icann && suffix == n.name {
				d.add(DropSuffixWildcard, 1)
				continue
			}
			es = append(es, entry{key: n.name, wild: true, ts: n.ts})
		}
	}
	return sortDedup(es, d)
}

// categoryFeed lists URLs for a web-filter category.
func (c *collector) categoryFeed(cfg config, d drops) []entry {
	d.add(DropWrongFeed, len(c.ips)+len(c.names)+len(c.hashes)+c.other)
	es := make([]entry, 0, len(c.urls))
	for _, u := range c.urls {
		key, reason := urlEntry(u.value, cfg.stripScheme)
		if reason != "" {
			d.add(reason, 1)
			continue
		}
		es = append(es, entry{key: key, ts: u.ts})
	}
	return sortDedup(es, d)
}

// malwareFeed lists the hashes of one type: hash_type, or else the most
// frequent (ties: the longer hash).
func (c *collector) malwareFeed(cfg config, d drops) []entry {
	d.add(DropWrongFeed, len(c.ips)+len(c.names)+len(c.urls)+c.other)
	want := cfg.hashType
	if want == indicator.Invalid {
		counts := map[indicator.Type]int{}
		for _, h := range c.hashes {
			counts[h.typ]++
		}
		want = indicator.SHA256
		for _, t := range []indicator.Type{indicator.SHA1, indicator.MD5} {
			if counts[t] > counts[want] {
				want = t
			}
		}
	}
	es := make([]entry, 0, len(c.hashes))
	for _, h := range c.hashes {
		if h.typ != want {
			d.add(DropHashType, 1)
			continue
		}
		es = append(es, entry{key: strings.ToLower(h.value), ts: h.ts})
	}
	return sortDedup(es, d)
}

// sortDedup sorts entries by key, the bare entry before its wildcard, and
// merges duplicates, keeping the newest timestamp.
func sortDedup(es []entry, d drops) []entry {
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		switch {
		case a.wild == b.wild:
			return 0
		case a.wild:
			return 1
		}
		return -1
	})
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && out[n-1].key == e.key && out[n-1].wild == e.wild {
			out[n-1].ts = max(out[n-1].ts, e.ts)
			d.add(DropDuplicate, 1)
			continue
		}
		out = append(out, e)
	}
	return out
}

// urlEntry turns a canonical URL into a category feed entry: user info
// removed, an http or https scheme kept unless strip is set (any other
// scheme removed), non-ASCII bytes percent-encoded. A URL holding '*',
// which FortiOS would read as a wildcard, is refused.
func urlEntry(v string, strip bool) (string, string) {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		scheme, rest = "", v
	}
	if strings.Contains(rest, "*") {
		return "", DropWildcardChar
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	auth, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	var b strings.Builder
	if !strip && (scheme == "http" || scheme == "https") {
		b.WriteString(scheme)
		b.WriteString("://")
	}
	b.WriteString(strings.ToLower(auth))
	if tail == "" || tail[0] == '?' {
		b.WriteByte('/')
	}
	for i := 0; i < len(tail); i++ {
		if c := tail[i]; c <= ' ' || c >= 0x7f {
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}
