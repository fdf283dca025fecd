package ipset

import (
	"context"
	"io"
	"iter"
	"math/bits"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "ipset"

// Option names.
const (
	OptSetPrefix = "set_prefix"
	OptMaxElem   = "maxelem"
)

// Reasons passed to Request.Drop, each counted in entries.
const (
	DropDuplicate = "ipset duplicate address or net"
	DropZero      = "ipset prefix length 0 (hash:net cannot hold it)"
	DropCovered   = "ipset address or net inside a listed net, over maxelem"
	DropMaxElem   = "ipset maxelem cap"
	DropNotIP     = "ipset value that is not an IP address or net"
	DropFamily    = "ipset address of a family the data type does not carry"
)

// Limits.
const (
	// MaxSetName is the longest set name ipset takes (IPSET_MAXNAMELEN
	// is 32 with the final NUL).
	MaxSetName = 31
	// MaxPrefix is the longest set_prefix: "-v6-new" must still fit.
	MaxPrefix = MaxSetName - len("-v6-new")
	// DefaultMaxElem is the default maxelem: far above ipset's own
	// default of 65,536, and only a cap, which costs no memory.
	DefaultMaxElem = 1 << 20
	// minHashSize is ipset's default hashsize, the smallest written.
	minHashSize = 1024
)

// Renderer renders ipset restore input. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Description: "ipset restore input: hash:net sets per address family, filled under a temporary name and swapped in",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".ipset",
	Types:       []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net},
	Options: []renderers.Option{
		{Name: OptSetPrefix, Default: "", Description: "set names are <prefix>-v4 and <prefix>-v6 (at most 24 characters); empty: cratos-<feed> (cratos when the feed name does not fit)"},
		{Name: OptMaxElem, Default: strconv.Itoa(DefaultMaxElem), Description: "maxelem of every set, the most entries it holds; the newest entries are kept", Kind: renderers.KindInt, Min: 1, Max: 1<<31 - 1},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	prefix  string
	maxElem int
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{prefix: o.String(OptSetPrefix), maxElem: o.Int(OptMaxElem)}
	if c.prefix != "" && !prefixOK(c.prefix) {
		return config{}, renderers.OptionError(Name, OptSetPrefix, "a name of a-z, 0-9, '-' and '_' starting with a letter, at most 24 characters", c.prefix)
	}
	return c, nil
}

// prefixOK reports whether s is a set name prefix this renderer writes:
// at most MaxPrefix characters (see feedlist.Ident).
func prefixOK(s string) bool { return feedlist.Ident(s, MaxPrefix) }

// SetPrefix returns the set name prefix for a feed when the option is
// empty: "cratos-<feed>" for a feed name of at most 16 characters of
// a-z, 0-9, '-' and '_', else "cratos".
func SetPrefix(feed string) string { return feedlist.SetPrefix(feed) }

// Families reports which address families a route data type carries:
// IPv4 for ipv4, ipv4ext and cidr4, IPv6 for ipv6, both for any other
// (or no) data type. A list replaces only the sets of its families.
func Families(dataType string) (v4, v6 bool) { return feedlist.Families(dataType) }

// Render writes the restore input.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	prefix := func(c config) string { return c.prefix }
	return feedlist.RenderSets(ctx, w, req, in, Name, DropNotIP, r.Parse, prefix, func(o *renderers.Out, c config, sets feedlist.Sets, d feedlist.Drops) {
		var v4, v6 []feedlist.IP
		for _, ip := range feedlist.SortIPs(sets.IPs, d, DropDuplicate) {
			switch {
			case ip.P.Bits() == 0:
				d.Add(DropZero, 1)
			case ip.P.Addr().Is4():
				v4 = append(v4, ip)
			default:
				v6 = append(v6, ip)
			}
		}
		o.WriteString("# Cratos block list: load with ipset restore.\n")
		for _, s := range []struct {
			want   bool
			es     []feedlist.IP
			suffix string
			family string
		}{{sets.Want4, v4, "-v4", "inet"}, {sets.Want6, v6, "-v6", "inet6"}} {
			if !s.want {
				d.Add(DropFamily, len(s.es))
				continue
			}
			if len(s.es) > c.maxElem {
				s.es = feedlist.Uncovered(s.es, d, DropCovered)
			}
			es, n := ioc.Newest(s.es, c.maxElem, func(ip feedlist.IP) int64 { return ip.TS })
			d.Add(DropMaxElem, n)
			writeSet(o, sets.Prefix+s.suffix, s.family, c.maxElem, es)
		}
	})
}

// writeSet fills name-new and swaps it with name, creating name first
// when it is missing.
func writeSet(o *renderers.Out, name, family string, maxElem int, es []feedlist.IP) {
	tmp := name + "-new"
	create := " hash:net family " + family + " hashsize " + strconv.Itoa(HashSize(len(es))) + " maxelem " + strconv.Itoa(maxElem) + " -exist\n"
	o.WriteString("create " + tmp + create)
	o.WriteString("flush " + tmp + "\n")
	line := []byte("add " + tmp + " ")
	n := len(line)
	for _, e := range es {
		if o.Next() != nil {
			return
		}
		if e.P.IsSingleIP() {
			line = e.P.Addr().AppendTo(line[:n])
		} else {
			line = e.P.AppendTo(line[:n])
		}
		line = append(line, '\n')
		_, _ = o.Write(line)
	}
	o.WriteString("create " + name + create)
	o.WriteString("swap " + tmp + " " + name + "\n")
	o.WriteString("destroy " + tmp + "\n")
}

// HashSize is the hashsize written for n entries: the smallest power of
// two holding n, at least ipset's default of 1024. The kernel ignores
// hashsize when it compares an existing set with a create -exist, and
// grows a hash by itself; a fitting size only spares it the resizing.
func HashSize(n int) int {
	if n <= minHashSize {
		return minHashSize
	}
	return 1 << bits.Len(uint(n-1))
}
