package fortinet

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
const Name = "fortinet"

// ContentType is the media type of the output.
const ContentType = "text/plain; charset=utf-8"

// Option names.
const (
	OptFeed            = "feed"
	OptDomainWildcards = "domain_wildcards"
	OptURLScheme       = "url_scheme"
	OptHashType        = "hash_type"
	OptFortiOS         = "fortios"
	OptMaxEntries      = "max_entries"
)

// Reasons passed to Request.Drop; each count is in feed entries (lines).
const (
	DropCap            = "fortinet entry cap"
	DropSizeCap        = "fortinet size cap"
	DropWrongFeed      = "fortinet entry not of this feed type"
	DropHashType       = "fortinet hash of another type"
	DropDuplicate      = "fortinet duplicate entry"
	DropWildcardChar   = "fortinet URL holding '*'"
	DropSuffixWildcard = "fortinet wildcard over a public suffix"
)

// Caps before FortiOS 7.4.4, per feed.
const (
	Pre744MaxEntries = 131072
	Pre744MaxBytes   = 10 << 20
)

// Renderer renders FortiGate threat feeds. The zero value is ready to use.
type Renderer struct{}

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Description: "FortiGate external threat feed (address, domain, URL category or malware hash)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
	},
	Options: []renderers.Option{
		{Name: OptFeed, Default: "auto", Description: "auto (from the data type, else the most frequent kind), address, domain, category or malware"},
		{Name: OptDomainWildcards, Default: "pair", Description: "pair: a domain gives d and *.d; exact: d only"},
		{Name: OptURLScheme, Default: "keep", Description: "category feed: keep the http/https scheme or strip it"},
		{Name: OptHashType, Default: "auto", Description: "malware feed: auto (the most frequent), md5, sha1 or sha256; other hashes are left out"},
		{Name: OptFortiOS, Default: "7.4.4+", Description: "7.4.4+ (global caps: only max_entries applies) or pre-7.4.4 (131,072 entries and 10 MiB per feed)"},
		{Name: OptMaxEntries, Default: "0", Description: "entry cap (0: none); the newest entries are kept, the rest reported"},
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

// Feed is a FortiGate threat feed type.
type Feed uint8

// The feed types; FeedAuto picks one per request.
const (
	FeedAuto Feed = iota
	FeedAddress
	FeedDomain
	FeedCategory
	FeedMalware
)

var feedNames = []string{"auto", "address", "domain", "category", "malware"}

func (f Feed) String() string { return feedNames[f] }

var hashNames = map[string]indicator.Type{"md5": indicator.MD5, "sha1": indicator.SHA1, "sha256": indicator.SHA256}

type config struct {
	feed        Feed
	pair        bool
	stripScheme bool
	hashType    indicator.Type // Invalid: auto
	maxEntries  int
	maxBytes    int
}

func parseOptions(opts map[string]string) (config, error) {
	if err := renderers.CheckOptionNames(info, opts); err != nil {
		return config{}, err
	}
	c := config{pair: true}
	bad := func(key, v, want string) error {
		return fmt.Errorf("renderer %s: option %s: %q is not %s", Name, key, v, want)
	}
	pre744 := false
	for k, v := range opts {
		switch k {
		case OptFeed:
			i := slices.Index(feedNames, v)
			if i < 0 {
				return config{}, bad(k, v, "auto, address, domain, category or malware")
			}
			c.feed = Feed(i)
		case OptDomainWildcards:
			if v != "pair" && v != "exact" {
				return config{}, bad(k, v, "pair or exact")
			}
			c.pair = v == "pair"
		case OptURLScheme:
			if v != "keep" && v != "strip" {
				return config{}, bad(k, v, "keep or strip")
			}
			c.stripScheme = v == "strip"
		case OptHashType:
			t, ok := hashNames[v]
			if !ok && v != "auto" {
				return config{}, bad(k, v, "auto, md5, sha1 or sha256")
			}
			c.hashType = t
		case OptFortiOS:
			if v != "7.4.4+" && v != "pre-7.4.4" {
				return config{}, bad(k, v, "7.4.4+ or pre-7.4.4")
			}
			pre744 = v == "pre-7.4.4"
		case OptMaxEntries:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return config{}, bad(k, v, "a whole number ≥ 0")
			}
			c.maxEntries = n
		}
	}
	if pre744 {
		if c.maxEntries == 0 || c.maxEntries > Pre744MaxEntries {
			c.maxEntries = Pre744MaxEntries
		}
		c.maxBytes = Pre744MaxBytes
	}
	return c, nil
}

// Render writes the feed. The whole input is read before the first line
// is written: the feed type, de-duplication and the caps need all of it.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	c, err := parseOptions(req.Options)
	if err != nil {
		return fmt.Errorf("fortinet: render: %w", err)
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
		return fmt.Errorf("fortinet: render: %w", o.Err())
	}
	feed := c.feed
	if feed == FeedAuto {
		feed = feedFor(req.DataType, &col)
	}
	d := drops{}
	var entries []entry
	switch feed {
	case FeedAddress:
		entries = col.addressFeed(d)
	case FeedDomain:
		entries = col.domainFeed(c, d)
	case FeedCategory:
		entries = col.categoryFeed(c, d)
	default:
		entries = col.malwareFeed(c, d)
	}
	entries = applyCaps(entries, c.maxEntries, c.maxBytes, d)
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
		return fmt.Errorf("fortinet: render: %w", err)
	}
	return nil
}

// feedFor picks the feed type from the data type, or else the kind with
// the most indicators (ties: address, domain, category, malware).
func feedFor(dataType string, col *collector) Feed {
	if dt, ok := indicator.LookupDataType(dataType); ok {
		switch {
		case dt.Yields.Has(indicator.URL):
			return FeedCategory
		case dt.Yields.Has(indicator.Domain), dt.Yields.Has(indicator.Hostname):
			return FeedDomain
		case dt.Yields&indicator.SetOf(indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net) != 0:
			return FeedAddress
		case dt.Yields&indicator.SetOf(indicator.MD5, indicator.SHA1, indicator.SHA256) != 0:
			return FeedMalware
		}
	}
	counts := []int{0, len(col.ips), len(col.names), len(col.urls), len(col.hashes)}
	best := FeedAddress
	for f := FeedDomain; f <= FeedMalware; f++ {
		if counts[f] > counts[best] {
			best = f
		}
	}
	return best
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
	ts   int64
}

func (e entry) size() int {
	n := len(e.key) + 1
	if e.wild {
		n += 2
	}
	return n
}

type ipIn struct {
	p  netip.Prefix
	ts int64
}

type nameIn struct {
	name   string
	domain bool
	ts     int64
}

type valueIn struct {
	value string
	typ   indicator.Type
	ts    int64
}

// collector sorts the input by kind.
type collector struct {
	ips    []ipIn
	names  []nameIn
	urls   []valueIn
	hashes []valueIn
	other  int
}

func (c *collector) add(in indicator.Indicator) {
	switch in.Type {
	case indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net:
		if p, ok := in.Prefix(); ok {
			c.ips = append(c.ips, ipIn{p.Masked(), in.Timestamp})
		} else {
			c.other++
		}
	case indicator.Domain, indicator.Hostname:
		c.names = append(c.names, nameIn{in.Value, in.Type == indicator.Domain, in.Timestamp})
	case indicator.URL:
		c.urls = append(c.urls, valueIn{in.Value, in.Type, in.Timestamp})
	case indicator.MD5, indicator.SHA1, indicator.SHA256:
		c.hashes = append(c.hashes, valueIn{in.Value, in.Type, in.Timestamp})
	default:
		c.other++
	}
}

// applyCaps keeps the newest entries (ties: the earlier line) that fit
// within maxEntries lines and maxBytes bytes (0: no cap), in their
// original order, and reports the rest.
func applyCaps(es []entry, maxEntries, maxBytes int, d drops) []entry {
	total := 0
	for _, e := range es {
		total += e.size()
	}
	if (maxEntries == 0 || len(es) <= maxEntries) && (maxBytes == 0 || total <= maxBytes) {
		return es
	}
	idx := make([]int, len(es))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(es[b].ts, es[a].ts) })
	keep := make([]bool, len(es))
	n, size := 0, 0
	for k, i := range idx {
		if maxEntries > 0 && n == maxEntries {
			d.add(DropCap, len(idx)-k)
			break
		}
		if maxBytes > 0 && size+es[i].size() > maxBytes {
			d.add(DropSizeCap, len(idx)-k)
			break
		}
		keep[i] = true
		n++
		size += es[i].size()
	}
	out := make([]entry, 0, n)
	for i, e := range es {
		if keep[i] {
			out = append(out, e)
		}
	}
	return out
}
