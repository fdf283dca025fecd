package edl

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"iter"
	"net/netip"
	"slices"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Name is the renderer's URL segment.
const Name = "edl"

// ContentType is the media type of the output.
const ContentType = "text/plain; charset=utf-8"

// Option names.
const (
	OptListType        = "list_type"
	OptCollapse        = "collapse"
	OptDomainWildcards = "domain_wildcards"
	OptURLPorts        = "url_ports"
	OptMaxEntries      = "max_entries"
	OptEmptySentinel   = "empty_sentinel"
)

// Reasons passed to Request.Drop; each count is in list entries (lines).
const (
	DropCap            = "edl entry cap"
	DropWrongList      = "edl entry not of this list type"
	DropDuplicate      = "edl duplicate entry"
	DropTooLong        = "edl entry longer than 255 characters"
	DropPort           = "edl URL with a port"
	DropIPv6Host       = "edl URL with an IPv6 host"
	DropWildcardChar   = "edl URL holding '*' or '^'"
	DropSuffixWildcard = "edl wildcard over a public suffix"
)

// Sentinel entries written in place of an empty list, which PAN-OS would
// not refresh: a TEST-NET-1 address and a name under the reserved
// .invalid top-level domain.
const (
	SentinelIP     = "192.0.2.255"
	SentinelDomain = "empty-list.cratos.invalid"
	SentinelURL    = "empty-list.cratos.invalid/"
)

// MaxEntryLen is the longest domain or URL entry PAN-OS accepts.
const MaxEntryLen = 255

// Renderer renders Palo Alto EDLs. The zero value is ready to use.
type Renderer struct{}

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Description: "Palo Alto Networks external dynamic list (IP, domain or URL list)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
	},
	Options: []renderers.Option{
		{Name: OptListType, Default: "auto", Description: "auto (from the data type, else the input), ip, domain or url"},
		{Name: OptCollapse, Default: "true", Description: "IP list: merge adjacent and contained prefixes into the minimal CIDR set"},
		{Name: OptDomainWildcards, Default: "pair", Description: "pair: a domain gives d and *.d; exact: d only (PAN-OS 8.1 and older, or lists set to expand to subdomains)"},
		{Name: OptURLPorts, Default: "drop", Description: "URL list: drop (and report) URLs with a port, or strip the port"},
		{Name: OptMaxEntries, Default: "0", Description: "entry cap (0: none); the newest entries are kept, the rest reported"},
		{Name: OptEmptySentinel, Default: "true", Description: "write one harmless entry instead of an empty list, which PAN-OS would not refresh"},
	},
}

// Info describes the renderer.
func (Renderer) Info() renderers.Info {
	i := info
	i.Types = slices.Clone(info.Types)
	i.Options = slices.Clone(info.Options)
	return i
}

// ValidateOptions rejects unknown option names and bad values.
func (Renderer) ValidateOptions(opts map[string]string) error {
	_, err := parseOptions(opts)
	return err
}

// ListType is a PAN-OS list type.
type ListType uint8

// The list types; ListAuto picks one per request.
const (
	ListAuto ListType = iota
	ListIP
	ListDomain
	ListURL
)

var listNames = []string{"auto", "ip", "domain", "url"}

func (l ListType) String() string { return listNames[l] }

type config struct {
	list       ListType
	collapse   bool
	pair       bool
	stripPorts bool
	maxEntries int
	sentinel   bool
}

func parseOptions(opts map[string]string) (config, error) {
	if err := renderers.CheckOptionNames(info, opts); err != nil {
		return config{}, err
	}
	c := config{collapse: true, pair: true, sentinel: true}
	bad := func(key, v, want string) error {
		return fmt.Errorf("renderer %s: option %s: %q is not %s", Name, key, v, want)
	}
	for k, v := range opts {
		switch k {
		case OptListType:
			i := slices.Index(listNames, v)
			if i < 0 {
				return config{}, bad(k, v, "auto, ip, domain or url")
			}
			c.list = ListType(i)
		case OptCollapse, OptEmptySentinel:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return config{}, bad(k, v, "true or false")
			}
			if k == OptCollapse {
				c.collapse = b
			} else {
				c.sentinel = b
			}
		case OptDomainWildcards:
			if v != "pair" && v != "exact" {
				return config{}, bad(k, v, "pair or exact")
			}
			c.pair = v == "pair"
		case OptURLPorts:
			if v != "drop" && v != "strip" {
				return config{}, bad(k, v, "drop or strip")
			}
			c.stripPorts = v == "strip"
		case OptMaxEntries:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return config{}, bad(k, v, "a whole number ≥ 0")
			}
			c.maxEntries = n
		}
	}
	return c, nil
}

// Render writes the list. The whole input is read before the first line
// is written: the list type, de-duplication and the cap need all of it.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	c, err := parseOptions(req.Options)
	if err != nil {
		return fmt.Errorf("edl: render: %w", err)
	}
	o := renderers.NewOut(ctx, w)
	var col collector
	for ind := range in {
		if o.Next() != nil {
			break
		}
		col.add(ind)
	}
	if o.Err() != nil {
		return fmt.Errorf("edl: render: %w", o.Err())
	}
	list := c.list
	if list == ListAuto {
		list = listFor(req.DataType, &col)
	}
	d := drops{}
	var entries []entry
	switch list {
	case ListIP:
		entries = col.ipList(c, d)
	case ListDomain:
		entries = col.domainList(c, d)
	default:
		entries = col.urlList(c, d)
	}
	entries = keepNewest(entries, c.maxEntries, d)
	if len(entries) == 0 && c.sentinel {
		o.WriteString(sentinel(list))
		o.WriteString("\n")
	}
	for _, e := range entries {
		if o.Next() != nil {
			break
		}
		if e.wild {
			o.WriteString("*.")
		}
		o.WriteString(e.key)
		o.WriteByte('\n')
	}
	d.report(req)
	if err := o.Close(); err != nil {
		return fmt.Errorf("edl: render: %w", err)
	}
	return nil
}

func sentinel(l ListType) string {
	switch l {
	case ListDomain:
		return SentinelDomain
	case ListURL:
		return SentinelURL
	}
	return SentinelIP
}

// listFor picks the list type from the data type, or from the input when
// the data type names none.
func listFor(dataType string, col *collector) ListType {
	if dt, ok := indicator.LookupDataType(dataType); ok {
		switch {
		case dt.Yields.Has(indicator.URL):
			return ListURL
		case dt.Yields.Has(indicator.Domain), dt.Yields.Has(indicator.Hostname):
			return ListDomain
		case dt.Yields&indicator.SetOf(indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net) != 0:
			return ListIP
		}
	}
	switch {
	case len(col.urls) > 0:
		return ListURL
	case len(col.names) > 0:
		return ListDomain
	}
	return ListIP
}

// drops counts left-out entries per reason.
type drops map[string]int

func (d drops) add(reason string, n int) {
	if n > 0 {
		d[reason] += n
	}
}

func (d drops) report(req renderers.Request) {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		req.Drop(k, d[k])
	}
}

// entry is one output line: key, prefixed by "*." when wild.
type entry struct {
	key  string
	wild bool
	ts   int64 // newest timestamp of the indicators behind the line
}

func (e entry) text() string {
	if e.wild {
		return "*." + e.key
	}
	return e.key
}

type ipIn struct {
	p  netip.Prefix
	ts int64
}

type nameIn struct {
	name   string
	domain bool // Domain (name and subdomains) rather than Hostname
	ts     int64
}

type urlIn struct {
	value string
	ts    int64
}

// collector sorts the input by kind.
type collector struct {
	ips   []ipIn
	names []nameIn
	urls  []urlIn
	other int // indicators of types the renderer does not take
}

func (c *collector) add(in indicator.Indicator) {
	switch {
	case in.Type.IsIP():
		if p, ok := in.Prefix(); ok {
			c.ips = append(c.ips, ipIn{p.Masked(), in.Timestamp})
		} else {
			c.other++
		}
	case in.Type.IsName():
		c.names = append(c.names, nameIn{in.Value, in.Type == indicator.Domain, in.Timestamp})
	case in.Type == indicator.URL:
		c.urls = append(c.urls, urlIn{in.Value, in.Timestamp})
	default:
		c.other++
	}
}

// sortDedup sorts name or URL entries by key, the bare entry before its
// wildcard, and merges duplicates (keeping the newest timestamp), counting
// each merged line as a duplicate. Entries longer than MaxEntryLen are
// dropped.
func sortDedup(es []entry, d drops) []entry {
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.wild == b.wild {
			return 0
		}
		if a.wild {
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
		if len(e.text()) > MaxEntryLen {
			d.add(DropTooLong, 1)
			continue
		}
		out = append(out, e)
	}
	return out
}

// keepNewest keeps the max newest entries (ties: the earlier line), in
// their original order, and reports the rest. max 0 keeps all.
func keepNewest(es []entry, limit int, d drops) []entry {
	if limit <= 0 || len(es) <= limit {
		return es
	}
	idx := make([]int, len(es))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(es[b].ts, es[a].ts) })
	keep := make([]bool, len(es))
	for _, i := range idx[:limit] {
		keep[i] = true
	}
	out := make([]entry, 0, limit)
	for i, e := range es {
		if keep[i] {
			out = append(out, e)
		}
	}
	d.add(DropCap, len(es)-limit)
	return out
}
