package feedlist

import (
	"context"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Ident reports whether s is a firewall set or table name of at most max
// characters: a lower-case letter, then a-z, 0-9, '-' and '_'. Such a
// name is one word to nft and ipset and cannot carry a space or a line
// end into their files.
func Ident(s string, max int) bool {
	if s == "" || len(s) > max || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// SetPrefix is the set name prefix of a feed when none is configured:
// "cratos-<feed>" for a feed name of at most 16 characters of a-z, 0-9,
// '-' and '_', else "cratos".
func SetPrefix(feed string) string {
	if feed != "" && len(feed) <= 16 && Ident("f"+feed, 17) {
		return "cratos-" + feed
	}
	return "cratos"
}

// Sets is what a firewall set renderer (ipset, nftables) fills its sets
// from.
type Sets struct {
	Prefix       string // set name prefix: the option, else SetPrefix of the feed
	IPs          []IP   // the input's addresses and nets, in input order
	Want4, Want6 bool   // the families the route's data type carries (Families)
}

// RenderSets is the frame of a firewall set renderer: Render, with the
// indicators that are not addresses or nets counted under notIP, and
// write given the Sets of the request; prefix returns the configured set
// name prefix, "" for the feed's.
func RenderSets[C any](ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], name, notIP string,
	parse func(opts map[string]string) (C, error), prefix func(C) string, write func(o *renderers.Out, c C, s Sets, d Drops)) error {
	want4, want6 := Families(req.DataType)
	return Render(ctx, w, req, in, name, parse, func(o *renderers.Out, c C, col *Collector, d Drops) {
		d.Add(notIP, col.Outside(KindIP))
		p := prefix(c)
		if p == "" {
			p = SetPrefix(req.Feed)
		}
		write(o, c, Sets{Prefix: p, IPs: col.IPs, Want4: want4, Want6: want6}, d)
	})
}
