package f5

import (
	"context"
	"io"
	"iter"
	"regexp"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "f5"

// ContentType is the media type of the output.
const ContentType = "text/plain; charset=utf-8"

// Option names.
const (
	OptListType   = "list_type"
	OptCategory   = "category"
	OptIPv6       = ioc.OptIPv6
	OptMaxEntries = ioc.OptMaxEntries
)

// Reasons passed to Request.Drop; each count is in lines.
const (
	DropDuplicate = "f5 duplicate entry"
	DropIPv6      = "f5 IPv6 (ipv6 option off)"
	DropCovered   = "f5 address or net inside a listed net, over the cap"
	DropCap       = "f5 entry cap"
	DropNotIP     = "f5 not an IP address or net"
)

// reasons are the address list's drop reasons.
var reasons = ioc.IPReasons{NotIP: DropNotIP, IPv6: DropIPv6, Duplicate: DropDuplicate, Covered: DropCovered, Cap: DropCap}

// categoryRE is a BIG-IP object name usable as a category.
var categoryRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,62}$`)

// Renderer renders IP Intelligence feed files. The zero value is ready to
// use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "F5 BIG-IP IP Intelligence feed list file (address, prefix length, list type, category)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types:       []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net},
	Options: append([]renderers.Option{
		{Name: OptListType, Default: "bl", Description: "bl (blacklist) or wl (whitelist) on every line; none leaves the field empty so the feed list's default applies", Kind: renderers.KindEnum, Values: []string{"bl", "wl", "none"}},
		{Name: OptCategory, Default: "", Description: "blacklist category on every line (a predefined one such as botnets, or one created on the BIG-IP); empty: the feed list's default category"},
	}, ioc.IPListOptions("line cap (0: none); the newest entries are kept, the rest reported")...),
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	listType, category string
	ioc.IPOptions
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{listType: o.Enum(OptListType), category: o.String(OptCategory), IPOptions: ioc.ReadIPOptions(o)}
	if c.listType == "none" {
		c.listType = ""
	}
	if c.category != "" && !categoryRE.MatchString(c.category) {
		return config{}, renderers.OptionError(Name, OptCategory, "a category name (letters, digits, _ . -; at most 63 characters, not starting with a digit, '.' or '-')", c.category)
	}
	return c, nil
}

// Render writes one line per address or net. The whole input is read
// before the first line: ordering, de-duplication and the cap need it.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return ioc.RenderIPList(ctx, w, req, in, Name, r.Parse, reasons, func(b []byte, c config, ip feedlist.IP) []byte {
		b = ip.P.Addr().AppendTo(b)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(ip.P.Bits()), 10)
		b = append(b, ',')
		b = append(b, c.listType...)
		b = append(b, ',')
		b = append(b, c.category...)
		return append(b, '\n')
	})
}
