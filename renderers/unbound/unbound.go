package unbound

import (
	"context"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// Name is the renderer's URL segment.
const Name = "unbound"

// Option names.
const (
	OptPolicy = "policy"
	OptA      = nameset.OptA
	OptAAAA   = nameset.OptAAAA
)

// Policies, the values of the policy option: Unbound local-zone types.
const (
	NXDomain = "always_nxdomain"
	Refuse   = "always_refuse"
	Redirect = "redirect"
)

// Reasons passed to Request.Drop, counted in names. Others come from
// nameset, prefixed with "unbound".
const DropNotName = Name + " " + nameset.NotName

// Renderer renders Unbound local-zone files. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, nameset.Answer]

func init() { renderers.Register(Renderer{}) }

var info = nameset.Info(Name,
	"Unbound include file: one local-zone per name (the name and its subdomains), always_nxdomain, always_refuse or redirect to a sinkhole",
	renderers.Option{Name: OptPolicy, Default: NXDomain, Description: "always_nxdomain, always_refuse, or redirect (answer A/AAAA with the sinkhole addresses)", Kind: renderers.KindEnum, Values: []string{NXDomain, Refuse, Redirect}},
	"redirect: the IPv4 address of the A answer; empty: no A record (NODATA)", "redirect: the IPv6 address of the AAAA answer; empty: no AAAA record (NODATA)")

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Config reads the options.
func (def) Config(o renderers.Options) (nameset.Answer, error) {
	return nameset.ReadMode(o, OptPolicy, Redirect)
}

// Render writes the include file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return nameset.Render(ctx, w, req, in, Name, "# Cratos block list for Unbound: include: it from unbound.conf.\nserver:\n", r.Parse, appendZone)
}

// appendZone appends the local-zone of name and, for Redirect, its
// local-data answers.
func appendZone(b []byte, name string, c nameset.Answer) []byte {
	b = append(b, `local-zone: "`...)
	b = append(b, name...)
	b = append(b, `." `...)
	b = append(b, c.Mode...)
	b = append(b, '\n')
	if c.Mode == Redirect {
		b = appendData(b, name, "A", c.A)
		b = appendData(b, name, "AAAA", c.AAAA)
	}
	return b
}

func appendData(b []byte, name, typ, addr string) []byte {
	if addr == "" {
		return b
	}
	b = append(b, `local-data: "`...)
	b = append(b, name...)
	b = append(b, ". "...)
	b = append(b, typ...)
	b = append(b, ' ')
	b = append(b, addr...)
	return append(b, "\"\n"...)
}
