package feedlist

import (
	"cmp"
	"iter"
	"maps"
	"net/netip"
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Drops counts left-out entries per reason.
type Drops map[string]int

// Add counts n entries under reason; n ≤ 0 counts nothing.
func (d Drops) Add(reason string, n int) {
	if n > 0 {
		d[reason] += n
	}
}

// Report passes every count to req.Drop, in reason order.
func (d Drops) Report(req renderers.Request) {
	for _, k := range slices.Sorted(maps.Keys(d)) {
		req.Drop(k, d[k])
	}
}

// Entry is one output line: Key, prefixed by "*." when Wild.
type Entry struct {
	Key  string
	Wild bool
	TS   int64 // newest timestamp of the indicators behind the line
}

// Text is the line without its newline.
func (e Entry) Text() string {
	if e.Wild {
		return "*." + e.Key
	}
	return e.Key
}

// Size is the length of the line with its newline.
func (e Entry) Size() int {
	n := len(e.Key) + 1
	if e.Wild {
		n += 2
	}
	return n
}

// IP is an address or masked prefix of the input.
type IP struct {
	P  netip.Prefix
	TS int64
}

// Name is a Domain or Hostname of the input.
type Name struct {
	Name   string
	Domain bool // Domain (name and subdomains) rather than Hostname
	TS     int64
}

// Value is a URL or hash of the input.
type Value struct {
	Value string
	Type  indicator.Type
	TS    int64
}

// Collector sorts the input by kind, in input order.
type Collector struct {
	IPs    []IP
	Names  []Name
	URLs   []Value
	Hashes []Value // MD5, SHA1 and SHA256
	Other  int     // indicators of no kind above, or IPs without a prefix
}

// Add files one indicator under its kind.
func (c *Collector) Add(in indicator.Indicator) {
	switch in.Type {
	case indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net:
		if p, ok := in.Prefix(); ok {
			c.IPs = append(c.IPs, IP{p.Masked(), in.Timestamp})
		} else {
			c.Other++
		}
	case indicator.Domain, indicator.Hostname:
		c.Names = append(c.Names, Name{in.Value, in.Type == indicator.Domain, in.Timestamp})
	case indicator.URL:
		c.URLs = append(c.URLs, Value{in.Value, in.Type, in.Timestamp})
	case indicator.MD5, indicator.SHA1, indicator.SHA256:
		c.Hashes = append(c.Hashes, Value{in.Value, in.Type, in.Timestamp})
	default:
		c.Other++
	}
}

// Collect reads the whole input into a Collector, stopping when o
// reports cancellation or a write error; it returns o.Err().
func Collect(o *renderers.Out, in iter.Seq[indicator.Indicator]) (*Collector, error) {
	var c Collector
	for ind := range in {
		if o.Next() != nil {
			break
		}
		c.Add(ind)
	}
	return &c, o.Err()
}

// Kind is the kind of list a route data type asks for.
type Kind uint8

// The kinds, in the order KindOf tries them.
const (
	KindNone Kind = iota // unknown data type, or one of no kind below
	KindURL
	KindName
	KindIP
	KindHash
)

// KindOf returns the first kind the named data type yields, trying URLs,
// then names, IPs and hashes.
func KindOf(dataType string) Kind {
	dt, ok := indicator.LookupDataType(dataType)
	switch {
	case !ok:
		return KindNone
	case dt.Yields.Has(indicator.URL):
		return KindURL
	case dt.Yields.Has(indicator.Domain), dt.Yields.Has(indicator.Hostname):
		return KindName
	case dt.Yields&indicator.SetOf(indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net) != 0:
		return KindIP
	case dt.Yields&indicator.SetOf(indicator.MD5, indicator.SHA1, indicator.SHA256) != 0:
		return KindHash
	}
	return KindNone
}

// SortIPs returns the IPs sorted by address then prefix length (IPv4
// first), each prefix once with the newest timestamp; every merged
// duplicate is counted under dupReason. ips is not modified.
func SortIPs(ips []IP, d Drops, dupReason string) []IP {
	out := slices.Clone(ips)
	slices.SortFunc(out, func(a, b IP) int { return ComparePrefix(a.P, b.P) })
	n := 0
	for _, ip := range out {
		if n > 0 && out[n-1].P == ip.P {
			out[n-1].TS = max(out[n-1].TS, ip.TS)
			d.Add(dupReason, 1)
			continue
		}
		out[n] = ip
		n++
	}
	return out[:n]
}

// Uncovered returns ips, sorted as SortIPs returns them, without the
// prefixes inside an earlier one, each counted under reason. A net takes
// the newest timestamp of the prefixes it covers, so that a cap keeps it
// whenever it would have kept one of them. ips is reused for the result.
func Uncovered(ips []IP, d Drops, reason string) []IP {
	out := ips[:0]
	for _, ip := range ips {
		if n := len(out); n > 0 && out[n-1].P.Bits() <= ip.P.Bits() && out[n-1].P.Contains(ip.P.Addr()) {
			out[n-1].TS = max(out[n-1].TS, ip.TS)
			d.Add(reason, 1)
			continue
		}
		out = append(out, ip)
	}
	return out
}

// ComparePrefix orders prefixes by address (IPv4 first), then length.
func ComparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// IPEntries returns one entry per IP, its prefix as PrefixText writes it.
func IPEntries(ips []IP) []Entry {
	es := make([]Entry, len(ips))
	for i, ip := range ips {
		es[i] = Entry{Key: PrefixText(ip.P), TS: ip.TS}
	}
	return es
}

// PrefixText writes a full-length prefix as a bare address.
func PrefixText(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// compareEntries orders entries by key, the bare name before its wildcard.
func compareEntries(a, b Entry) int {
	if c := cmp.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	switch {
	case a.Wild == b.Wild:
		return 0
	case a.Wild:
		return 1
	}
	return -1
}

// sortEntries sorts es. Entries made from a canonical list arrive as a
// few sorted runs (one per indicator kind), which are merged in linear
// time; anything else is sorted.
func sortEntries(es []Entry) []Entry {
	var starts []int
	for i := 1; i < len(es); i++ {
		if compareEntries(es[i-1], es[i]) > 0 {
			starts = append(starts, i)
			if len(starts) > 4 {
				slices.SortFunc(es, compareEntries)
				return es
			}
		}
	}
	if len(starts) == 0 {
		return es
	}
	runs := make([][]Entry, 0, len(starts)+1)
	prev := 0
	for _, s := range append(starts, len(es)) {
		runs = append(runs, es[prev:s])
		prev = s
	}
	for len(runs) > 1 {
		runs = append(runs[2:], mergeEntries(runs[0], runs[1]))
	}
	return runs[0]
}

// mergeEntries merges two sorted runs into a new slice; equal entries keep
// a before b.
func mergeEntries(a, b []Entry) []Entry {
	out := make([]Entry, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compareEntries(b[0], a[0]) < 0 {
			out = append(out, b[0])
			b = b[1:]
		} else {
			out = append(out, a[0])
			a = a[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// SortDedup sorts entries by key, the bare entry before its wildcard, and
// merges duplicates, keeping the newest timestamp and counting each
// merged line under dupReason. es is reused for the result.
func SortDedup(es []Entry, d Drops, dupReason string) []Entry {
	es = sortEntries(es)
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && out[n-1].Key == e.Key && out[n-1].Wild == e.Wild {
			out[n-1].TS = max(out[n-1].TS, e.TS)
			d.Add(dupReason, 1)
			continue
		}
		out = append(out, e)
	}
	return out
}

// Caps limits a list; a zero field is no limit. Entries and Bytes name
// the drop reasons of each cap.
type Caps struct {
	MaxEntries, MaxBytes int
	Entries, Bytes       string
}

// Fit reports whether es is within the caps.
func (c Caps) Fit(es []Entry) bool {
	total := 0
	for _, e := range es {
		total += e.Size()
	}
	return (c.MaxEntries <= 0 || len(es) <= c.MaxEntries) && (c.MaxBytes <= 0 || total <= c.MaxBytes)
}

// Newest keeps the newest entries (ties: the earlier line) that fit
// within the caps, in their original order, and counts the rest under
// the reason of the cap that left them out.
func Newest(es []Entry, c Caps, d Drops) []Entry {
	if c.Fit(es) {
		return es
	}
	idx := NewestFirst(len(es), func(i int) int64 { return es[i].TS })
	keep := make([]bool, len(es))
	n, size := 0, 0
	for k, i := range idx {
		if c.MaxEntries > 0 && n == c.MaxEntries {
			d.Add(c.Entries, len(idx)-k)
			break
		}
		if c.MaxBytes > 0 && size+es[i].Size() > c.MaxBytes {
			d.Add(c.Bytes, len(idx)-k)
			break
		}
		keep[i] = true
		n++
		size += es[i].Size()
	}
	out := make([]Entry, 0, n)
	for i, e := range es {
		if keep[i] {
			out = append(out, e)
		}
	}
	return out
}

// NewestFirst returns the indexes of n items, newest first by ts, items
// as new as each other in index order: the order in which the caps of a
// list keep them.
func NewestFirst(n int, ts func(i int) int64) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ts(b), ts(a)) })
	return idx
}

// Write writes one line per entry, stopping when o reports cancellation
// or a write error.
func Write(o *renderers.Out, es []Entry) {
	for _, e := range es {
		if o.Next() != nil {
			break
		}
		if e.Wild {
			o.WriteString("*.")
		}
		o.WriteString(e.Key)
		o.WriteByte('\n')
	}
}
