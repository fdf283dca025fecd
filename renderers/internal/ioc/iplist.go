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
	Cap       string // past the entry cap
}

// IPList returns the addresses and nets of c in numeric order (IPv4
// first), de-duplicated, without IPv6 unless ipv6 is set, cut to the max
// newest (max ≤ 0: no cap). What it leaves out is counted in d.
func IPList(c *feedlist.Collector, ipv6 bool, max int, d feedlist.Drops, r IPReasons) []feedlist.IP {
	d.Add(r.NotIP, c.NotIP())
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
	ips, n := Newest(ips, max, func(ip feedlist.IP) int64 { return ip.TS })
	d.Add(r.Cap, n)
	return ips
}

// RenderIPList renders an address list in feedlist.Render's frame: the
// IPList of the whole input, then what line appends for each address or
// net to an emptied buffer.
func RenderIPList(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name string, ipv6 bool, max int, r IPReasons, line func(b []byte, ip feedlist.IP) []byte) error {
	return feedlist.Render(ctx, w, req, in, name, func(o *renderers.Out, col *feedlist.Collector, d feedlist.Drops) {
		feedlist.WriteEach(o, IPList(col, ipv6, max, d, r), line)
	})
}
