package haproxy

import (
	"cmp"
	"context"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/listkind"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// Name is the renderer's URL segment.
const Name = "haproxy"

// OptList is the option naming the list kind.
const OptList = "list"

// List kinds, the values of the list option besides "auto".
const (
	ListIP  = "ip"
	ListDom = "dom"
	ListEnd = "end"
)

// Reasons passed to Request.Drop, counted in indicators. Name reasons
// come from nameset, prefixed with "haproxy".
const (
	DropDuplicate = "haproxy duplicate address or net"
	DropWrongList = "haproxy value not of this list kind"
	// DropMappedNet is an IPv6 net holding the IPv4-mapped block
	// (feedlist.HoldsIPv4Mapped: ::/8, ::/0). HAProxy looks an IPv4
	// address that no IPv4 pattern matches up among the IPv6 patterns as
	// an IPv4-mapped one, so such a net matches every IPv4 client.
	DropMappedNet = "haproxy IPv6 net holding the IPv4-mapped block ::ffff:0:0/96 (it matches every IPv4 client)"
)

// Renderer renders HAProxy pattern files. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, string]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue,
	Description: "HAProxy ACL pattern file: addresses and nets for src -f, or names for -m dom / -m end on the Host header or SNI",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".lst",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname,
	},
	Options: []renderers.Option{{
		Name:        OptList,
		Default:     "auto",
		Description: "auto (ip for IP data types, dom for domain and hostname, else from the first indicator), ip, dom (d, for -m dom) or end (.d, for -m end on a dot-prefixed host)",
		Kind:        renderers.KindEnum,
		Values:      []string{"auto", ListIP, ListDom, ListEnd},
	}},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Config returns the list kind the options name, "" for auto.
func (def) Config(o renderers.Options) (string, error) {
	v := o.Enum(OptList)
	if v == "auto" {
		v = ""
	}
	return v, nil
}

// ForDataType returns the list kind for a route data type, or "" when
// the data type does not decide it.
func ForDataType(dataType string) string {
	switch feedlist.KindOf(dataType) {
	case feedlist.KindIP:
		return ListIP
	case feedlist.KindName:
		return ListDom
	}
	return ""
}

// forType returns the list kind for a first indicator of type t.
func forType(t indicator.Type) string {
	if t.IsIP() {
		return ListIP
	}
	return ListDom
}

// holds maps each list kind to the types its file holds.
var holds = map[string]indicator.TypeSet{ListIP: listkind.IPs, ListDom: listkind.Names, ListEnd: listkind.Names}

// Render writes the pattern file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, kind string, d feedlist.Drops) error {
		list := listkind.Choice{Kind: cmp.Or(kind, ForDataType(req.DataType)), ForType: forType, Holds: holds}
		var (
			ips   []feedlist.IP
			names nameset.Set
		)
		for x := range in {
			if o.Next() != nil {
				break
			}
			if !list.Take(x.Type) {
				d.Add(DropWrongList, 1)
				continue
			}
			if list.Kind != ListIP {
				names.Add(x.Value, d, Name)
				continue
			}
			if p, ok := x.Prefix(); ok {
				if feedlist.HoldsIPv4Mapped(p) {
					d.Add(DropMappedNet, 1)
					continue
				}
				ips = append(ips, feedlist.IP{P: p.Masked()})
				continue
			}
			d.Add(DropWrongList, 1)
		}
		if err := o.Err(); err != nil {
			return err
		}
		if list.Kind == ListIP {
			feedlist.WriteEach(o, feedlist.SortIPs(ips, d, DropDuplicate), func(b []byte, ip feedlist.IP) []byte {
				if ip.P.IsSingleIP() {
					b = ip.P.Addr().AppendTo(b)
				} else {
					b = ip.P.AppendTo(b)
				}
				return append(b, '\n')
			})
		} else {
			feedlist.WriteEach(o, names.Names(d, Name), func(b []byte, n string) []byte {
				if list.Kind == ListEnd {
					b = append(b, '.')
				}
				return append(append(b, n...), '\n')
			})
		}
		return nil
	})
}
