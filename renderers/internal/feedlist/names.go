package feedlist

import (
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/cratos-project/cratos/core/indicator"
)

// WildcardAllowed reports whether "*.name" may be written: not when name
// is itself an ICANN public suffix ("co.uk"), which would match whole
// registries.
func WildcardAllowed(name string) bool {
	suffix, icann := publicsuffix.PublicSuffix(name)
	return !(icann && suffix == name)
}

// AddName appends the entries of one Domain or Hostname, with suffix
// appended to the name: the name itself and, for a Domain when pair is
// set, its wildcard, unless WildcardAllowed refuses it, which is counted
// under suffixReason.
func AddName(es []Entry, n Name, suffix string, pair bool, d Drops, suffixReason string) []Entry {
	es = append(es, Entry{Key: n.Name + suffix, TS: n.TS})
	if n.Domain && pair {
		if WildcardAllowed(n.Name) {
			es = append(es, Entry{Key: n.Name + suffix, Wild: true, TS: n.TS})
		} else {
			d.Add(suffixReason, 1)
		}
	}
	return es
}

// AddNames appends the entries of names as AddName does for each.
func AddNames(es []Entry, names []Name, suffix string, pair bool, d Drops, suffixReason string) []Entry {
	for _, n := range names {
		es = AddName(es, n, suffix, pair, d, suffixReason)
	}
	return es
}

// AddURLs appends the entry that entry makes of each URL's value, with
// the URL's timestamp, or counts the URL in d under the reason entry
// gives instead.
func AddURLs(es []Entry, urls []Value, d Drops, entry func(v string) (key, reason string)) []Entry {
	for _, u := range urls {
		key, reason := entry(u.Value)
		if reason != "" {
			d.Add(reason, 1)
			continue
		}
		es = append(es, Entry{Key: key, TS: u.TS})
	}
	return es
}

// SplitHost splits a URL without its scheme into the host (with any
// port, without user info) and the tail: path, query and fragment, ""
// or starting with '/' or '?'.
func SplitHost(rest string) (host, tail string) {
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	host, tail = rest[:end], rest[end:]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	return host, tail
}

// Path turns a URL tail from SplitHost into a list entry's path: "/"
// for an empty tail, "/" before a bare query, and bytes outside
// printable ASCII percent-encoded, as a client sends them on the wire.
func Path(tail string) string {
	switch {
	case tail == "":
		return "/"
	case tail[0] == '?':
		tail = "/" + tail
	}
	return escapeNonASCII(tail)
}

// URIPath is Path for formats whose importers parse each entry as an
// RFC 3986 URL: a '%' that does not start a percent-encoding is written
// %25, so "/a%zz" becomes "/a%25zz", the same path spelled validly.
func URIPath(tail string) string {
	p := Path(tail)
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && !(i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// URIValue turns a canonical URL into the value of an importer that
// parses it as an RFC 3986 URL: its scheme kept, user info removed, and
// its path as URIPath writes it.
func URIValue(v string) string {
	scheme, rest := indicator.SplitScheme(v)
	if scheme != "" {
		scheme += "://"
	}
	host, tail := SplitHost(rest)
	return scheme + host + URIPath(tail)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

const upperHex = "0123456789ABCDEF"

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
