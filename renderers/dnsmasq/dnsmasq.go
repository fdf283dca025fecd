package dnsmasq

import (
	"context"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// Name is the renderer's URL segment.
const Name = "dnsmasq"

// Option names.
const (
	OptMode = "mode"
	OptA    = nameset.OptA
	OptAAAA = nameset.OptAAAA
)

// Modes, the values of the mode option.
const (
	NXDomain = "nxdomain" // address=/d/
	Sinkhole = "sinkhole" // address=/d/<sinkhole_a> and address=/d/<sinkhole_aaaa>
	Local    = "local"    // local=/d/
)

// DropNotName is the reason passed to Request.Drop for an indicator that
// is not a name. Others come from nameset, prefixed with "dnsmasq".
const DropNotName = Name + " " + nameset.NotName

// Renderer renders dnsmasq configuration files. The zero value is ready
// to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, nameset.Answer]

func init() { renderers.Register(Renderer{}) }

var info = nameset.Info(Name,
	"dnsmasq and Pi-hole configuration: address=/d/ (NXDOMAIN), a sinkhole address or local=/d/ per name, for the name and its subdomains",
	renderers.Option{Name: OptMode, Default: NXDomain, Description: "nxdomain (address=/d/), sinkhole (address=/d/ with the sinkhole addresses) or local (local=/d/)", Kind: renderers.KindEnum, Values: []string{NXDomain, Sinkhole, Local}},
	"sinkhole: the IPv4 answer; empty: none", "sinkhole: the IPv6 answer; empty: none")

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Config reads the options.
func (def) Config(o renderers.Options) (nameset.Answer, error) {
	return nameset.ReadMode(o, OptMode, Sinkhole)
}

// Render writes the configuration file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return nameset.Render(ctx, w, req, in, Name, "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n", r.Parse, appendLines)
}

// appendLines appends the lines that block name as c says.
func appendLines(b []byte, name string, c nameset.Answer) []byte {
	switch c.Mode {
	case NXDomain:
		return appendLine(b, "address=/", name, "")
	case Local:
		return appendLine(b, "local=/", name, "")
	}
	if c.A != "" {
		b = appendLine(b, "address=/", name, c.A)
	}
	if c.AAAA != "" {
		b = appendLine(b, "address=/", name, c.AAAA)
	}
	return b
}

func appendLine(b []byte, key, name, addr string) []byte {
	b = append(b, key...)
	b = append(b, name...)
	b = append(b, '/')
	b = append(b, addr...)
	return append(b, '\n')
}
