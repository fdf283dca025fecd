package dnsmasq

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// Name is the renderer's URL segment.
const Name = "dnsmasq"

// Option names.
const (
	OptMode = "mode"
	OptA    = "sinkhole_a"
	OptAAAA = "sinkhole_aaaa"
)

// Modes, the values of the mode option.
const (
	NXDomain = "nxdomain" // address=/d/
	Sinkhole = "sinkhole" // address=/d/<sinkhole_a> and address=/d/<sinkhole_aaaa>
	Local    = "local"    // local=/d/
)

// DropNotName is the reason passed to Request.Drop for an indicator that
// is not a name. Others come from nameset, prefixed with "dnsmasq".
const DropNotName = "dnsmasq value that is not a DNS name"

// Renderer renders dnsmasq configuration files. The zero value is ready
// to use.
type Renderer struct{}

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue,
	Description: "dnsmasq and Pi-hole configuration: address=/d/ (NXDOMAIN), a sinkhole address or local=/d/ per name, for the name and its subdomains",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".conf",
	Types:       []indicator.Type{indicator.Domain, indicator.Hostname},
	Options: []renderers.Option{
		{Name: OptMode, Default: NXDomain, Description: "nxdomain (address=/d/), sinkhole (address=/d/ with the sinkhole addresses) or local (local=/d/)", Kind: renderers.KindEnum, Values: []string{NXDomain, Sinkhole, Local}},
		{Name: OptA, Default: "0.0.0.0", Description: "sinkhole: the IPv4 answer; empty: none"},
		{Name: OptAAAA, Default: "::", Description: "sinkhole: the IPv6 answer; empty: none"},
	},
}

// Info describes the renderer.
func (Renderer) Info() renderers.Info { return info.Clone() }

var _ renderers.OptionValidator = Renderer{}

// ValidateOptions rejects unknown option names and bad values.
func (Renderer) ValidateOptions(opts map[string]string) error {
	_, err := parseOptions(opts)
	return err
}

type config struct {
	mode    string
	a, aaaa string // canonical text, "" for none
}

func parseOptions(opts map[string]string) (config, error) {
	o, err := renderers.ParseOptions(info, opts)
	if err != nil {
		return config{}, err
	}
	c := config{mode: o.Enum(OptMode)}
	if c.a, err = o.Address(OptA, false); err != nil {
		return config{}, err
	}
	if c.aaaa, err = o.Address(OptAAAA, true); err != nil {
		return config{}, err
	}
	if c.mode == Sinkhole && c.a == "" && c.aaaa == "" {
		return config{}, fmt.Errorf("renderer %s: mode sinkhole needs %s or %s", Name, OptA, OptAAAA)
	}
	return c, nil
}

// Render writes the configuration file.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	c, err := parseOptions(req.Options)
	if err != nil {
		return fmt.Errorf("dnsmasq: render: %w", err)
	}
	o := renderers.NewOut(ctx, w)
	d := feedlist.Drops{}
	set := nameset.Collect(o, in, d, Name, DropNotName)
	if err := o.Err(); err != nil {
		return fmt.Errorf("dnsmasq: render: %w", err)
	}
	o.WriteString("# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n")
	var b []byte
	for _, n := range set.Names(d, Name) {
		if o.Next() != nil {
			break
		}
		b = b[:0]
		switch c.mode {
		case NXDomain:
			b = appendLine(b, "address=/", n, "")
		case Local:
			b = appendLine(b, "local=/", n, "")
		default:
			if c.a != "" {
				b = appendLine(b, "address=/", n, c.a)
			}
			if c.aaaa != "" {
				b = appendLine(b, "address=/", n, c.aaaa)
			}
		}
		_, _ = o.Write(b)
	}
	d.Report(req)
	if err := o.Close(); err != nil {
		return fmt.Errorf("dnsmasq: render: %w", err)
	}
	return nil
}

func appendLine(b []byte, key, name, addr string) []byte {
	b = append(b, key...)
	b = append(b, name...)
	b = append(b, '/')
	b = append(b, addr...)
	return append(b, '\n')
}
