package fortinet

import (
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// addressFeed lists addresses and prefixes in numeric order, without
// those inside a listed net when the feed is over caps.
func addressFeed(c *feedlist.Collector, caps feedlist.Caps, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongFeed, c.Outside(feedlist.KindIP))
	ips := feedlist.SortIPs(c.IPs, d, DropDuplicate)
	es := feedlist.IPEntries(ips)
	if !caps.Fit(es) {
		es = feedlist.IPEntries(feedlist.Uncovered(ips, d, DropCovered))
	}
	return es
}

// domainFeed lists Domains as "d" and "*.d" (or "d" alone) and Hostnames
// as "d".
func domainFeed(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongFeed, c.Outside(feedlist.KindName))
	es := feedlist.AddNames(make([]feedlist.Entry, 0, 2*len(c.Names)), c.Names, "", cfg.pair, d, DropSuffixWildcard)
	return feedlist.SortDedup(es, d, DropDuplicate)
}

// categoryFeed lists URLs for a web-filter category.
func categoryFeed(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongFeed, c.Outside(feedlist.KindURL))
	es := feedlist.AddURLs(make([]feedlist.Entry, 0, len(c.URLs)), c.URLs, d, func(v string) (string, string) {
		e, reason := urlEntry(v, cfg.stripScheme)
		if reason == "" && len(e)+1 > MaxLineLen {
			return "", DropTooLong
		}
		return e, reason
	})
	return feedlist.SortDedup(es, d, DropDuplicate)
}

// malwareFeed lists the hashes of one type: hash_type, or else the most
// frequent (ties: the longer hash).
func malwareFeed(c *feedlist.Collector, cfg config, d feedlist.Drops) []feedlist.Entry {
	d.Add(DropWrongFeed, c.Outside(feedlist.KindHash))
	want := cfg.hashType
	if want == indicator.Invalid {
		counts := map[indicator.Type]int{}
		for _, h := range c.Hashes {
			counts[h.Type]++
		}
		want = indicator.SHA256
		for _, t := range []indicator.Type{indicator.SHA1, indicator.MD5} {
			if counts[t] > counts[want] {
				want = t
			}
		}
	}
	es := make([]feedlist.Entry, 0, len(c.Hashes))
	for _, h := range c.Hashes {
		if h.Type != want {
			d.Add(DropHashType, 1)
			continue
		}
		es = append(es, feedlist.Entry{Key: strings.ToLower(h.Value), TS: h.TS})
	}
	return feedlist.SortDedup(es, d, DropDuplicate)
}

// urlEntry turns a canonical URL into a category feed entry: user info
// removed, an http or https scheme kept unless strip is set (any other
// scheme removed), host lower-cased, path as feedlist.Path writes it. A
// URL whose entry would hold '*', which FortiOS would read as a
// wildcard, is refused; a '*' in the user info removed is no reason.
func urlEntry(v string, strip bool) (string, string) {
	scheme, rest := indicator.SplitScheme(v)
	host, tail := feedlist.SplitHost(rest)
	if strings.Contains(host, "*") || strings.Contains(tail, "*") {
		return "", DropWildcardChar
	}
	if strip || scheme != "http" && scheme != "https" {
		scheme = ""
	} else {
		scheme += "://"
	}
	return scheme + strings.ToLower(host) + feedlist.Path(tail), ""
}
