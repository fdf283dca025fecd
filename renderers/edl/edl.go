package edl

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
	DropCovered        = "edl address or net inside a listed net, over the cap"
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
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "Palo Alto Networks external dynamic list (IP, domain or URL list)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
	},
	Options: []renderers.Option{
		{Name: OptListType, Default: "auto", Description: "auto (from the data type, else the input), ip, domain or url", Kind: renderers.KindEnum, Values: listNames},
		{Name: OptCollapse, Default: "true", Description: "IP list: merge adjacent and contained prefixes into the minimal CIDR set", Kind: renderers.KindBool},
		{Name: OptDomainWildcards, Default: "pair", Description: "pair: a domain gives d and *.d; exact: d only (PAN-OS 8.1 and older, or lists set to expand to subdomains)", Kind: renderers.KindEnum, Values: []string{"pair", "exact"}},
		{Name: OptURLPorts, Default: "drop", Description: "URL list: drop (and report) URLs with a port, or strip the port", Kind: renderers.KindEnum, Values: []string{"drop", "strip"}},
		{Name: OptMaxEntries, Default: "0", Description: "entry cap (0: none); the newest entries are kept, the rest reported", Kind: renderers.KindInt},
		{Name: OptEmptySentinel, Default: "true", Description: "write one harmless entry instead of an empty list, which PAN-OS would not refresh", Kind: renderers.KindBool},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

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

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	return config{
		list:       ListType(slices.Index(listNames, o.Enum(OptListType))),
		collapse:   o.Bool(OptCollapse),
		pair:       o.Enum(OptDomainWildcards) == "pair",
		stripPorts: o.Enum(OptURLPorts) == "strip",
		maxEntries: o.Int(OptMaxEntries),
		sentinel:   o.Bool(OptEmptySentinel),
	}, nil
}

// Render writes the list. The whole input is read before the first line
// is written: the list type, de-duplication and the cap need all of it.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Render(ctx, w, req, in, Name, r.Parse, func(o *renderers.Out, c config, col *feedlist.Collector, d feedlist.Drops) {
		list := c.list
		if list == ListAuto {
			list = listFor(req.DataType, col)
		}
		var entries []feedlist.Entry
		switch list {
		case ListIP:
			entries = ipList(col, c, d)
		case ListDomain:
			entries = domainList(col, c, d)
		default:
			entries = urlList(col, c, d)
		}
		entries = feedlist.Newest(entries, feedlist.Caps{MaxEntries: c.maxEntries, Entries: DropCap}, d)
		if len(entries) == 0 && c.sentinel {
			o.WriteString(sentinel(list))
			o.WriteString("\n")
		}
		feedlist.Write(o, entries)
	})
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
func listFor(dataType string, col *feedlist.Collector) ListType {
	switch feedlist.KindOf(dataType) {
	case feedlist.KindURL:
		return ListURL
	case feedlist.KindName:
		return ListDomain
	case feedlist.KindIP:
		return ListIP
	}
	switch {
	case len(col.URLs) > 0:
		return ListURL
	case len(col.Names) > 0:
		return ListDomain
	}
	return ListIP
}
