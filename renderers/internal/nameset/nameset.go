// Package nameset holds what the DNS-name block lists (unbound, dnsmasq,
// haproxy) share: every name, Domain or Hostname, stands for itself and
// all of its subdomains, as those programs match it; names that are not
// plain DNS names or that are public suffixes are refused, duplicates and
// names under a listed parent are left out, each with a reason the
// renderer reports. UnderAny, the test for a listed parent, also serves
// squid's dstdomain lists.
package nameset

import "github.com/cratos-project/cratos/renderers/internal/feedlist"

// Limits of a plain DNS name in presentation form (RFC 1035 §2.3.4).
const (
	MaxName  = 253 // octets, without a final dot
	MaxLabel = 63  // octets
)

// Why a name is refused by Check.
const (
	ReasonSyntax = "name with characters other than a-z 0-9 - _ and dots or with an empty label"
	ReasonLabel  = "name with a label longer than 63 octets"
	ReasonLength = "name longer than 253 octets"
	ReasonSingle = "single-label name (a whole top-level domain)"
	ReasonSuffix = "name that is a public suffix (co.uk: it would block a whole registry)"
)

// Check returns "" when s is a plain lower-case DNS name of at least two
// labels: labels of 1-63 octets of a-z, 0-9, '-' and '_', not starting or
// ending with '-', at most 253 octets in all; otherwise the reason it is
// refused. Such a name cannot carry a quote, a space, a '/', a '#' or a
// line end into the file of any consumer.
func Check(s string) string {
	if len(s) > MaxName {
		return ReasonLength
	}
	labels, start := 1, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return ReasonSyntax
			}
			continue
		}
		n := i - start
		switch {
		case n == 0 || s[start] == '-' || s[i-1] == '-':
			return ReasonSyntax
		case n > MaxLabel:
			return ReasonLabel
		}
		if i < len(s) {
			labels++
		}
		start = i + 1
	}
	if labels < 2 {
		return ReasonSingle
	}
	return ""
}

// Reasons under which Set.Names counts left-out names.
const (
	ReasonDuplicate = "name listed twice (as a domain and a hostname)"
	ReasonCovered   = "name under a listed parent name (covered by it)"
)

// Set collects names in input order.
type Set struct {
	names []string
	seen  map[string]struct{}
}

// Add adds one name, or counts it under its reason in d when Check
// refuses it or it is an ICANN public suffix, which stands for every
// name registered under it. prefix names the format in the reason
// ("unbound").
func (s *Set) Add(name string, d feedlist.Drops, prefix string) {
	if r := Check(name); r != "" {
		d.Add(prefix+" "+r, 1)
		return
	}
	if !feedlist.WildcardAllowed(name) {
		d.Add(prefix+" "+ReasonSuffix, 1)
		return
	}
	s.names = append(s.names, name)
}

// Names returns the added names in input order, each once and without
// those under another added name, counting the others in d: no two names
// returned overlap.
func (s *Set) Names(d feedlist.Drops, prefix string) []string {
	seen := make(map[string]struct{}, len(s.names))
	out := s.names[:0]
	for _, n := range s.names {
		if _, dup := seen[n]; dup {
			d.Add(prefix+" "+ReasonDuplicate, 1)
			continue
		}
		seen[n] = struct{}{}
		out = append(out, n)
	}
	s.seen = seen
	kept := out[:0]
	for _, n := range out {
		if s.covered(n) {
			d.Add(prefix+" "+ReasonCovered, 1)
			continue
		}
		kept = append(kept, n)
	}
	s.names = kept
	return kept
}

// covered reports whether a proper parent of v was added.
func (s *Set) covered(v string) bool { return UnderAny(s.seen, v) }

// UnderAny reports whether a proper parent of the name v is one of names:
// "b.example" or "example" for "a.b.example".
func UnderAny(names map[string]struct{}, v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			if _, ok := names[v[i+1:]]; ok {
				return true
			}
		}
	}
	return false
}
