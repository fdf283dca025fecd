package nftables

import (
	"context"
	"io"
	"iter"
	"net/netip"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// Name is the renderer's URL segment.
const Name = "nftables"

// Option names.
const (
	OptTable     = "table"
	OptSetPrefix = "set_prefix"
	OptSize      = "size"
)

// Reasons passed to Request.Drop, each counted in elements.
const (
	DropDuplicate = "nftables duplicate address or net"
	DropCovered   = "nftables address or net inside a listed net"
	DropSize      = "nftables set size cap"
	DropNotIP     = "nftables value that is not an IP address or net"
	DropFamily    = "nftables address of a family the data type does not carry"
)

// MaxIdent is the longest table name or set name prefix accepted.
const MaxIdent = 64

// MaxSize is the largest size accepted: nft keeps a set's size in 32
// bits and loads a larger one cut to its low bits (2^32+3 as 3), so the
// kernel would refuse the whole list as soon as it held more elements.
const MaxSize = 1<<31 - 1

// chunk is the most elements written in one add element statement.
const chunk = 4096

// Renderer renders nftables scripts. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "nftables script for nft -f: inet table with an IPv4 and an IPv6 interval set, flushed and refilled in one transaction",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".nft",
	Types:       []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net},
	Options: []renderers.Option{
		{Name: OptTable, Default: "cratos", Description: "name of the inet table holding the sets"},
		{Name: OptSetPrefix, Default: "", Description: "set names are <prefix>-v4 and <prefix>-v6; empty: cratos-<feed> (cratos when the feed name does not fit)"},
		{Name: OptSize, Default: "0", Description: "maximum elements per set, written as the set's size (0: no size, no cap); the newest elements are kept", Kind: renderers.KindInt, Max: MaxSize},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	table, prefix string
	size          int
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{table: o.String(OptTable), prefix: o.String(OptSetPrefix), size: o.Int(OptSize)}
	const ident = "a name of a-z, 0-9, '-' and '_' starting with a letter, at most 64 characters"
	if !Ident(c.table) {
		return config{}, renderers.OptionError(Name, OptTable, ident, c.table)
	}
	if keywords[c.table] {
		return config{}, renderers.OptionError(Name, OptTable, "a name nft does not read as a keyword", c.table)
	}
	if c.prefix != "" && !Ident(c.prefix) {
		return config{}, renderers.OptionError(Name, OptSetPrefix, ident, c.prefix)
	}
	return c, nil
}

// Ident reports whether s is a table or set name this renderer writes:
// a lower-case letter, then letters, digits, '-' and '_', at most
// MaxIdent characters. nft reads such a name as one identifier.
func Ident(s string) bool { return feedlist.Ident(s, MaxIdent) }

// SetPrefix returns the set name prefix for a feed when the option is
// empty: "cratos-<feed>" for a short feed name nft can carry, else
// "cratos".
func SetPrefix(feed string) string { return feedlist.SetPrefix(feed) }

// Render writes the script.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	prefix := func(c config) string { return c.prefix }
	return feedlist.RenderSets(ctx, w, req, in, Name, DropNotIP, r.Parse, prefix, func(o *renderers.Out, c config, sets feedlist.Sets, d feedlist.Drops) {
		v4, v6 := Elements(sets.IPs, d)
		caps := feedlist.Caps{MaxEntries: c.size, Entries: DropSize}
		v4 = feedlist.Newest(v4, caps, d)
		v6 = feedlist.Newest(v6, caps, d)

		if !sets.Want4 {
			d.Add(DropFamily, len(v4))
			v4 = nil
		}
		if !sets.Want6 {
			d.Add(DropFamily, len(v6))
			v6 = nil
		}

		set4, set6 := sets.Prefix+"-v4", sets.Prefix+"-v6"
		o.WriteString("#!/usr/sbin/nft -f\n# Cratos block list: load with nft -f, one transaction.\n")
		o.WriteString("table inet " + c.table + " {\n")
		declare(o, set4, "ipv4_addr", c.size)
		declare(o, set6, "ipv6_addr", c.size)
		o.WriteString("}\n")
		if sets.Want4 {
			o.WriteString("flush set inet " + c.table + " " + set4 + "\n")
		}
		if sets.Want6 {
			o.WriteString("flush set inet " + c.table + " " + set6 + "\n")
		}
		add(o, c.table, set4, v4)
		add(o, c.table, set6, v6)
	})
}

// Families reports which address families a route data type carries:
// IPv4 for ipv4, ipv4ext and cidr4, IPv6 for ipv6, both for any other
// (or no) data type. A script replaces only the sets of its families, so
// the lists of two data types can fill the two sets of one prefix.
func Families(dataType string) (v4, v6 bool) { return feedlist.Families(dataType) }

func declare(o *renderers.Out, name, typ string, size int) {
	o.WriteString("\tset " + name + " {\n\t\ttype " + typ + "\n\t\tflags interval\n")
	if size > 0 {
		o.WriteString("\t\tsize " + strconv.Itoa(size) + "\n")
	}
	o.WriteString("\t}\n")
}

// add writes the elements in add element statements of at most chunk
// elements each, nothing when es is empty (nft refuses an empty list).
func add(o *renderers.Out, table, set string, es []feedlist.Entry) {
	for len(es) > 0 {
		n := min(len(es), chunk)
		o.WriteString("add element inet " + table + " " + set + " {\n")
		for _, e := range es[:n] {
			if o.Next() != nil {
				return
			}
			o.WriteByte('\t')
			o.WriteString(e.Key)
			o.WriteString(",\n")
		}
		o.WriteString("}\n")
		es = es[n:]
	}
}

// Elements returns the IPv4 and IPv6 elements of ips in numeric order,
// without duplicates and without prefixes inside an earlier one (an
// interval set refuses overlapping elements), counting those in d. A net
// carries the newest timestamp of the prefixes it covers, so the size cap
// keeps it whenever it keeps one of them.
func Elements(ips []feedlist.IP, d feedlist.Drops) (v4, v6 []feedlist.Entry) {
	sorted := feedlist.SortIPs(ips, d, DropDuplicate)
	var last netip.Prefix
	var lastEntry *feedlist.Entry
	for _, ip := range sorted {
		if last.IsValid() && last.Addr().Is4() == ip.P.Addr().Is4() && last.Bits() <= ip.P.Bits() && last.Contains(ip.P.Addr()) {
			d.Add(DropCovered, 1)
			lastEntry.TS = max(lastEntry.TS, ip.TS)
			continue
		}
		last = ip.P
		e := feedlist.Entry{Key: feedlist.PrefixText(ip.P), TS: ip.TS}
		if ip.P.Addr().Is4() {
			v4 = append(v4, e)
			lastEntry = &v4[len(v4)-1]
		} else {
			v6 = append(v6, e)
			lastEntry = &v6[len(v6)-1]
		}
	}
	return v4, v6
}
