package ioc

import (
	"context"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// IPReasons are the drop reasons of IPList.
type IPReasons struct {
	NotIP     string // an indicator that is not an address or net
	IPv6      string // an IPv6 address or net when ipv6 is false
	Duplicate string // the same prefix twice
	Covered   string // inside a listed net, when the list is over the cap
	Cap       string // past the entry cap
}

// IPList returns the addresses and nets of c in numeric order (IPv4
// first), de-duplicated, without IPv6 unless ipv6 is set, cut to the max
// newest (max ≤ 0: no cap). A list over the cap first loses the entries
// inside a listed net, which block nothing more (feedlist.Uncovered).
// What it leaves out is counted in d.
func IPList(c *feedlist.Collector, ipv6 bool, max int, d feedlist.Drops, r IPReasons) []feedlist.IP {
	d.Add(r.NotIP, c.Outside(feedlist.KindIP))
	ips := c.IPs
	if !ipv6 {
		ips = make([]feedlist.IP, 0, len(c.IPs))
		for _, ip := range c.IPs {
			if ip.P.Addr().Is4() {
				ips = append(ips, ip)
			}
		}
		d.Add(r.IPv6, len(c.IPs)-len(ips))
	}
	ips = feedlist.SortIPs(ips, d, r.Duplicate)
	if max > 0 && len(ips) > max {
		ips = feedlist.Uncovered(ips, d, r.Covered)
	}
	ips, n := Newest(ips, max, func(ip feedlist.IP) int64 { return ip.TS })
	d.Add(r.Cap, n)
	return ips
}

// The options every address list has.
const (
	OptIPv6       = "ipv6"
	OptMaxEntries = "max_entries"
)

// IPListOptions declares OptIPv6 and OptMaxEntries; max describes the
// cap in the renderer's terms.
func IPListOptions(max string) []renderers.Option {
	return []renderers.Option{
		{Name: OptIPv6, Default: "true", Description: "false leaves IPv6 addresses and nets out (and reports them)", Kind: renderers.KindBool},
		{Name: OptMaxEntries, Default: "0", Description: max, Kind: renderers.KindInt},
	}
}

// ReadIPOptions reads OptIPv6 and OptMaxEntries.
func ReadIPOptions(o renderers.Options) IPOptions {
	return IPOptions{IPv6: o.Bool(OptIPv6), MaxEntries: o.Int(OptMaxEntries)}
}

// IPOptions are the options every address list has. A renderer's
// configuration embeds them, which makes it an IPConfig.
type IPOptions struct {
	IPv6       bool // keep IPv6 addresses and nets
	MaxEntries int  // the line cap; 0: none
}

// IPListOptions returns o.
func (o IPOptions) IPListOptions() IPOptions { return o }

// IPConfig is the configuration of an address list renderer.
type IPConfig interface{ IPListOptions() IPOptions }

// RenderIPList renders an address list in feedlist.Render's frame: the
// IPList of the whole input as the configuration parse reads says, then
// what line appends for each address or net to an emptied buffer.
func RenderIPList[C IPConfig](ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name string,
	parse func(opts map[string]string) (C, error), r IPReasons, line func(b []byte, c C, ip feedlist.IP) []byte) error {
	return feedlist.Render(ctx, w, req, in, name, parse, func(o *renderers.Out, c C, col *feedlist.Collector, d feedlist.Drops) {
		opts := c.IPListOptions()
		feedlist.WriteEach(o, IPList(col, opts.IPv6, opts.MaxEntries, d, r), func(b []byte, ip feedlist.IP) []byte {
			return line(b, c, ip)
		})
	})
}
