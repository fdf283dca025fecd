package fortinet

import (
	"context"
	"io"
	"iter"
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
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
	DropCovered        = "fortinet address or net inside a listed net, over the cap"
	DropWildcardChar   = "fortinet URL holding '*'"
	DropSuffixWildcard = "fortinet wildcard over a public suffix"
	DropTooLong        = "fortinet entry longer than 4095 characters"
)

// MaxLineLen is the longest line FortiOS reads from a feed, its line end
// included (4K characters); a longer one is not the entry it holds.
const MaxLineLen = 4096

// Caps before FortiOS 7.4.4, per feed.
const (
	Pre744MaxEntries = 131072
	Pre744MaxBytes   = 10 << 20
)

// Renderer renders FortiGate threat feeds. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "FortiGate external threat feed (address, domain, URL category or malware hash)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
	},
	Options: []renderers.Option{
		{Name: OptFeed, Default: "auto", Description: "auto (from the data type, else the most frequent kind), address, domain, category or malware", Kind: renderers.KindEnum, Values: feedNames},
		{Name: OptDomainWildcards, Default: "pair", Description: "pair: a domain gives d and *.d; exact: d only", Kind: renderers.KindEnum, Values: []string{"pair", "exact"}},
		{Name: OptURLScheme, Default: "keep", Description: "category feed: keep the http/https scheme or strip it", Kind: renderers.KindEnum, Values: []string{"keep", "strip"}},
		{Name: OptHashType, Default: "auto", Description: "malware feed: auto (the most frequent), md5, sha1 or sha256; other hashes are left out", Kind: renderers.KindEnum, Values: []string{"auto", "md5", "sha1", "sha256"}},
		{Name: OptFortiOS, Default: "7.4.4+", Description: "7.4.4+ (global caps: only max_entries applies) or pre-7.4.4 (131,072 entries and 10 MiB per feed)", Kind: renderers.KindEnum, Values: []string{"7.4.4+", "pre-7.4.4"}},
		{Name: OptMaxEntries, Default: "0", Description: "entry cap (0: none); the newest entries are kept, the rest reported", Kind: renderers.KindInt},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

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

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{
		feed:        Feed(slices.Index(feedNames, o.Enum(OptFeed))),
		pair:        o.Enum(OptDomainWildcards) == "pair",
		stripScheme: o.Enum(OptURLScheme) == "strip",
		hashType:    hashNames[o.Enum(OptHashType)],
		maxEntries:  o.Int(OptMaxEntries),
	}
	if o.Enum(OptFortiOS) == "pre-7.4.4" {
		if c.maxEntries == 0 || c.maxEntries > Pre744MaxEntries {
			c.maxEntries = Pre744MaxEntries
		}
		c.maxBytes = Pre744MaxBytes
	}
	return c, nil
}

// Render writes the feed. The whole input is read before the first line
// is written: the feed type, de-duplication and the caps need all of it.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Render(ctx, w, req, in, Name, r.Parse, func(o *renderers.Out, c config, col *feedlist.Collector, d feedlist.Drops) {
		feed := c.feed
		if feed == FeedAuto {
			feed = feedFor(req.DataType, col)
		}
		caps := feedlist.Caps{MaxEntries: c.maxEntries, MaxBytes: c.maxBytes, Entries: DropCap, Bytes: DropSizeCap}
		var entries []feedlist.Entry
		switch feed {
		case FeedAddress:
			entries = addressFeed(col, caps, d)
		case FeedDomain:
			entries = domainFeed(col, c, d)
		case FeedCategory:
			entries = categoryFeed(col, c, d)
		default:
			entries = malwareFeed(col, c, d)
		}
		entries = feedlist.Newest(entries, caps, d)
		feedlist.Write(o, entries)
	})
}

// feedFor picks the feed type from the data type, or else the kind with
// the most indicators (ties: address, domain, category, malware).
func feedFor(dataType string, col *feedlist.Collector) Feed {
	switch feedlist.KindOf(dataType) {
	case feedlist.KindURL:
		return FeedCategory
	case feedlist.KindName:
		return FeedDomain
	case feedlist.KindIP:
		return FeedAddress
	case feedlist.KindHash:
		return FeedMalware
	}
	counts := []int{0, len(col.IPs), len(col.Names), len(col.URLs), len(col.Hashes)}
	best := FeedAddress
	for f := FeedDomain; f <= FeedMalware; f++ {
		if counts[f] > counts[best] {
			best = f
		}
	}
	return best
}
