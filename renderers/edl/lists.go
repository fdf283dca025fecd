package edl

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// ipList builds an IP list: prefixes in numeric order (IPv4 first),
// duplicates merged, collapsed when asked, else without the prefixes
// inside a listed net when over the cap. Names and URLs are dropped.
func ipList(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongList, c.Outside(feedlist.KindIP))
	ips := feedlist.SortIPs(c.IPs, d, DropDuplicate)
	switch {
	case cfg.collapse:
		ips = collapse(ips)
	case cfg.maxEntries > 0 && len(ips) > cfg.maxEntries:
		ips = feedlist.Uncovered(ips, d, DropCovered)
	}
	return feedlist.IPEntries(ips)
}

// collapse returns the minimal set of prefixes of length 1 or more
// covering exactly the addresses of ps, which must be masked, sorted by
// address then length, and free of duplicates: two /1 halves stay apart,
// so that no /0, which the guard never lets through, reaches a device. A
// merged prefix carries the newest timestamp of the prefixes it replaces.
// ps is reused for the result.
func collapse(ps []feedlist.IP) []feedlist.IP {
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].P.Bits() <= p.P.Bits() && out[n-1].P.Contains(p.P.Addr()) {
			out[n-1].TS = max(out[n-1].TS, p.TS)
			continue
		}
		out = append(out, p)
		// Merge the two last prefixes while they are the halves of one.
		for n := len(out); n >= 2; n = len(out) {
			a, b := out[n-2].P, out[n-1].P
			if a.Bits() != b.Bits() || a.Bits() <= 1 {
				break
			}
			parent := netip.PrefixFrom(a.Addr(), a.Bits()-1).Masked()
			if parent.Addr() != a.Addr() || !parent.Contains(b.Addr()) {
				break
			}
			out[n-2] = feedlist.IP{P: parent, TS: max(out[n-2].TS, out[n-1].TS)}
			out = out[:n-1]
		}
	}
	return out
}

// sortDedup drops entries longer than MaxEntryLen, then sorts the rest
// and merges duplicates (feedlist.SortDedup).
func sortDedup(es []feedlist.Entry, d feedlist.Drops) []feedlist.Entry {
	es = dropLong(es, d)
	return feedlist.SortDedup(es, d, DropDuplicate)
}

// dropLong drops and counts entries longer than MaxEntryLen.
func dropLong(es []feedlist.Entry, d feedlist.Drops) []feedlist.Entry {
	out := es[:0]
	for _, e := range es {
		if len(e.Text()) > MaxEntryLen {
			d.Add(DropTooLong, 1)
			continue
		}
		out = append(out, e)
	}
	return out
}

// domainList builds a domain list from Domains and Hostnames.
func domainList(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongList, c.Outside(feedlist.KindName))
	es := feedlist.AddNames(make([]feedlist.Entry, 0, 2*len(c.Names)), c.Names, "", cfg.pair, d, DropSuffixWildcard)
	return sortDedup(es, d)
}

// urlList builds a URL list from URLs, names and IPv4 addresses.
func urlList(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongList, c.Other+len(c.Hashes)) // what no list takes
	es := make([]feedlist.Entry, 0, len(c.URLs)+2*len(c.Names)+len(c.IPs))
	es = feedlist.AddURLs(es, c.URLs, d, func(v string) (string, string) { return urlEntry(v, cfg.stripPorts) })
	es = feedlist.AddNames(es, c.Names, "/", cfg.pair, d, DropSuffixWildcard)
	for _, ip := range c.IPs {
		if ip.P.Addr().Is4() && ip.P.IsSingleIP() {
			es = append(es, feedlist.Entry{Key: ip.P.Addr().String() + "/", TS: ip.TS})
		} else {
			d.Add(DropWrongList, 1)
		}
	}
	return foldCase(sortDedup(es, d), d)
}

// foldCase merges the URL entries PAN-OS reads as one: it matches
// entries without regard to case, so "a.example/Login" and
// "a.example/login" would take two entries of the list's capacity (and
// of max_entries) for one pattern. The first spelling in list order is
// kept, with the newest timestamp; the others are counted as duplicates.
// es is reused for the result.
func foldCase(es []feedlist.Entry, d feedlist.Drops) []feedlist.Entry {
	if !slices.ContainsFunc(es, func(e feedlist.Entry) bool { return hasUpper(e.Key) }) {
		return es
	}
	kept := make(map[string]int, len(es))
	out := es[:0]
	for _, e := range es {
		k := strings.ToLower(e.Text())
		if i, ok := kept[k]; ok {
			out[i].TS = max(out[i].TS, e.TS)
			d.Add(DropDuplicate, 1)
			continue
		}
		kept[k] = len(out)
		out = append(out, e)
	}
	return out
}

// hasUpper reports whether s holds an ASCII upper-case letter: a URL
// entry's other bytes are ASCII (feedlist.Path escapes the rest).
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-'A' < 26 {
			return true
		}
	}
	return false
}

// urlEntry turns a canonical URL into a PAN-OS URL list entry: scheme and
// user info removed, host lower-cased, path as feedlist.Path writes it.
// It returns the reason instead when the URL cannot be listed.
func urlEntry(v string, stripPorts bool) (string, string) {
	_, rest := indicator.SplitScheme(v)
	host, tail := feedlist.SplitHost(rest)
	if strings.HasPrefix(host, "[") {
		return "", DropIPv6Host
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		if !stripPorts {
			return "", DropPort
		}
		host = host[:i]
	}
	if strings.ContainsAny(tail, "*^") || strings.ContainsAny(host, "*^") {
		return "", DropWildcardChar
	}
	return strings.ToLower(host) + feedlist.Path(tail), ""
}
