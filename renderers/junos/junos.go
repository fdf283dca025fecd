package junos

import (
	"context"
	"io"
	"iter"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "junos"

// ContentType is the media type of the output.
const ContentType = "text/plain; charset=utf-8"

// Option names.
const (
	OptIPv6       = ioc.OptIPv6
	OptMaxEntries = ioc.OptMaxEntries
)

// Reasons passed to Request.Drop; each count is in lines.
const (
	DropDuplicate = "junos duplicate entry"
	DropIPv6      = "junos IPv6 (ipv6 option off)"
	DropCovered   = "junos address or net inside a listed net, over the cap"
	DropCap       = "junos entry cap"
	DropNotIP     = "junos not an IP address or net"
)

// reasons are the address list's drop reasons.
var reasons = ioc.IPReasons{NotIP: DropNotIP, IPv6: DropIPv6, Duplicate: DropDuplicate, Covered: DropCovered, Cap: DropCap}

// Renderer renders SRX dynamic address feed files. The zero value is
// ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "Juniper SRX dynamic-address feed file (one CIDR prefix per line, hosts as /32 and /128)",
	ContentType: ContentType,
	Extension:   ".txt",
	Types:       []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net},
	Options:     ioc.IPListOptions("line cap (0: none), e.g. the platform's dynamic address capacity; the newest entries are kept, the rest reported"),
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct{ ioc.IPOptions }

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	return config{ioc.ReadIPOptions(o)}, nil
}

// Render writes one CIDR prefix per line, an address as a host prefix
// (/32, /128): the one form every SRX feed source we found accepts. The
// whole input is read before the first line: ordering, de-duplication and
// the cap need it.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return ioc.RenderIPList(ctx, w, req, in, Name, r.Parse, reasons, func(b []byte, _ config, ip feedlist.IP) []byte {
		b = ip.P.Addr().AppendTo(b)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(ip.P.Bits()), 10)
		return append(b, '\n')
	})
}
