package nftables

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func request(feed string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example", Feed: feed, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Options: opts}
}

var ind = rendertest.Ind

func TestRender(t *testing.T) {
	head := "#!/usr/sbin/nft -f\n# Cratos block list: load with nft -f, one transaction.\n" +
		"table inet cratos {\n\tset cratos-block-v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}\n" +
		"\tset cratos-block-v6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t}\n}\n" +
		"flush set inet cratos cratos-block-v4\nflush set inet cratos cratos-block-v6\n"
	tests := []struct {
		name  string
		opts  map[string]string
		in    []indicator.Indicator
		want  string
		drops map[string]int
	}{
		{"families in order", nil, []indicator.Indicator{
			ind(indicator.IPv6, "2001:db8::1", 0), ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.IPv4Net, "10.0.0.0/8", 0)},
			head + "add element inet cratos cratos-block-v4 {\n\t10.0.0.0/8,\n\t198.51.100.7,\n}\n" +
				"add element inet cratos cratos-block-v6 {\n\t2001:db8::1,\n}\n", nil},
		{"covered and duplicate", nil, []indicator.Indicator{
			ind(indicator.IPv4Net, "10.0.0.0/8", 0), ind(indicator.IPv4Net, "10.1.0.0/16", 0), ind(indicator.IPv4, "10.1.2.3", 0),
			ind(indicator.IPv4, "11.0.0.1", 0), ind(indicator.IPv4, "11.0.0.1", 0), ind(indicator.IPv4, "11.0.0.2", 0)},
			head + "add element inet cratos cratos-block-v4 {\n\t10.0.0.0/8,\n\t11.0.0.1,\n\t11.0.0.2,\n}\n",
			map[string]int{DropCovered: 2, DropDuplicate: 1}},
		{"size keeps the newest", map[string]string{"size": "1"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.1", 5), ind(indicator.IPv4, "192.0.2.2", 9), ind(indicator.IPv6, "2001:db8::1", 1)},
			"", map[string]int{DropSize: 1}},
		{"size keeps a net covering a newer address", map[string]string{"size": "2"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "10.0.0.0/8", 1), ind(indicator.IPv4, "10.1.2.3", 9),
			ind(indicator.IPv4, "192.0.2.1", 5), ind(indicator.IPv4, "192.0.2.2", 5)},
			strings.Replace(head, "flags interval\n", "flags interval\n\t\tsize 2\n", 2) +
				"add element inet cratos cratos-block-v4 {\n\t10.0.0.0/8,\n\t192.0.2.1,\n}\n",
			map[string]int{DropCovered: 1, DropSize: 1}},
		{"not an ip", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0)}, head, map[string]int{DropNotIP: 1}},
		{"empty", nil, nil, head, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rendertest.Render(t, Renderer{}, request("block", tt.opts), tt.in)
			if tt.want != "" && string(got.Out) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got.Out, tt.want)
			}
			if _, err := checkScript(string(got.Out), "cratos"); err != nil {
				t.Errorf("checkScript: %v", err)
			}
			rendertest.ExpectDrops(t, got.Drops, tt.drops)
		})
	}
}

func TestFamilies(t *testing.T) {
	tests := []struct {
		dataType string
		v4, v6   bool
	}{{"ipv4", true, false}, {"ipv4ext", true, false}, {"cidr4", true, false}, {"ipv6", false, true}, {"", true, true}, {"domain", true, true}}
	for _, tt := range tests {
		if v4, v6 := Families(tt.dataType); v4 != tt.v4 || v6 != tt.v6 {
			t.Errorf("Families(%q) = %v, %v; want %v, %v", tt.dataType, v4, v6, tt.v4, tt.v6)
		}
	}
	// An ipv4 list replaces only the IPv4 set.
	got := rendertest.Render(t, Renderer{}, renderers.Request{Feed: "block", DataType: "ipv4"}, []indicator.Indicator{
		ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv6, "2001:db8::1", 0)})
	if strings.Contains(string(got.Out), "flush set inet cratos cratos-block-v6") || strings.Contains(string(got.Out), "2001:db8::1") {
		t.Errorf("ipv4 list touches the IPv6 set:\n%s", got.Out)
	}
	if got.Drops[DropFamily] != 1 {
		t.Errorf("drops %v, want one %q", got.Drops, DropFamily)
	}
}

func TestSetPrefix(t *testing.T) {
	for feed, want := range map[string]string{
		"block": "cratos-block", "cust1": "cratos-cust1", "42": "cratos-42", "": "cratos",
		"org:5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d": "cratos", "a-very-long-feed-name": "cratos", "Block": "cratos",
	} {
		if got := SetPrefix(feed); got != want {
			t.Errorf("SetPrefix(%q) = %q, want %q", feed, got, want)
		}
	}
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"table": "filter", "set_prefix": "ti_misp", "size": "65536"},
		Unknown: "family",
		Bad: map[string][]string{
			"table":      {"", "a b", "x {\nflush ruleset", "set", "saddr"},
			"set_prefix": {"1ti"},
			"size":       {"-1", "1k", "2147483648", "4294967299"},
		},
		More: []rendertest.OptionCase{
			{Name: "empty prefix", Options: map[string]string{"set_prefix": ""}},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("block", nil)) }

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"table": "fw", "set_prefix": "ti"},
	{"size": "3"},
}

// FuzzRender checks that every output reads under checkScript (only the
// statements this renderer writes, elements in order and disjoint) and
// that every input is either an element or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, func(req renderers.Request, out []byte) (int, error) {
		table := "cratos"
		if req.Options["table"] != "" {
			table = req.Options["table"]
		}
		p, err := checkScript(string(out), table)
		if err == nil && len(p.sets) != 2 {
			err = fmt.Errorf("%d sets, want 2", len(p.sets))
		}
		return p.count(), err
	})
}

// parsed is what checkScript read from a script.
type parsed struct {
	sets  map[string]string         // set name -> type
	elems map[string][]netip.Prefix // set name -> elements in file order
}

// checkScript reads a script the way this renderer writes it and nft
// reads it: comment lines, one "table inet T { set … }" block declaring
// interval sets, a flush of one or more of them, then add element blocks
// for flushed sets only, of one address
// or masked prefix per line, of the set's family, in increasing order
// and none overlapping another. Any other line is an error, so no value
// can have added a statement.
func checkScript(text, table string) (parsed, error) {
	p := parsed{sets: map[string]string{}, elems: map[string][]netip.Prefix{}}
	lines, i, err := rendertest.CommentedLines(text)
	if err != nil {
		return p, err
	}
	next := func() (string, bool) {
		if i >= len(lines) {
			return "", false
		}
		i++
		return lines[i-1], true
	}
	if l, _ := next(); l != "table inet "+table+" {" {
		return p, fmt.Errorf("line %d: %q, want the table", i, l)
	}
	var order []string
	for {
		l, ok := next()
		if !ok {
			return p, fmt.Errorf("table not closed")
		}
		if l == "}" {
			break
		}
		name, found := strings.CutPrefix(l, "\tset ")
		name, found2 := strings.CutSuffix(name, " {")
		if !found || !found2 || !Ident(name) {
			return p, fmt.Errorf("line %d: %q, want a set", i, l)
		}
		typ, _ := next()
		flags, _ := next()
		if typ != "\t\ttype ipv4_addr" && typ != "\t\ttype ipv6_addr" || flags != "\t\tflags interval" {
			return p, fmt.Errorf("set %s: %q %q", name, typ, flags)
		}
		l, _ = next()
		if strings.HasPrefix(l, "\t\tsize ") {
			l, _ = next()
		}
		if l != "\t}" {
			return p, fmt.Errorf("set %s not closed: %q", name, l)
		}
		p.sets[name] = strings.TrimPrefix(typ, "\t\ttype ")
		order = append(order, name)
	}
	flushed := map[string]bool{}
	for i < len(lines) && strings.HasPrefix(lines[i], "flush ") {
		l, _ := next()
		name, ok := strings.CutPrefix(l, "flush set inet "+table+" ")
		if !ok || p.sets[name] == "" || flushed[name] {
			return p, fmt.Errorf("line %d: %q, want the flush of a declared set", i, l)
		}
		flushed[name] = true
	}
	if len(flushed) == 0 {
		return p, fmt.Errorf("no set flushed")
	}
	_ = order
	for i < len(lines) {
		l, _ := next()
		rest, ok := strings.CutPrefix(l, "add element inet "+table+" ")
		name, ok2 := strings.CutSuffix(rest, " {")
		typ := p.sets[name]
		if !ok || !ok2 || !flushed[name] {
			return p, fmt.Errorf("line %d: %q, want add element", i, l)
		}
		n := 0
		for {
			l, ok := next()
			if !ok {
				return p, fmt.Errorf("add element block not closed")
			}
			if l == "}" {
				break
			}
			v, ok := strings.CutPrefix(l, "\t")
			v, ok2 := strings.CutSuffix(v, ",")
			if !ok || !ok2 {
				return p, fmt.Errorf("line %d: %q, want an element", i, l)
			}
			pr, err := rendertest.ListEntry(v, 0)
			if err != nil {
				return p, fmt.Errorf("line %d: %v", i, err)
			}
			if pr.Addr().Is4() != (typ == "ipv4_addr") {
				return p, fmt.Errorf("line %d: %s in a set of %s", i, v, typ)
			}
			es := p.elems[name]
			if k := len(es); k > 0 && (es[k-1].Overlaps(pr) || es[k-1].Addr().Compare(pr.Addr()) >= 0) {
				return p, fmt.Errorf("line %d: %s overlaps or is not after %s", i, pr, es[k-1])
			}
			p.elems[name] = append(es, pr)
			n++
		}
		if n == 0 {
			return p, fmt.Errorf("line %d: empty add element block", i)
		}
	}
	return p, nil
}

// count is the number of elements of every set.
func (p parsed) count() int {
	n := 0
	for _, es := range p.elems {
		n += len(es)
	}
	return n
}

// tricky holds the edges of both address spaces, nets inside nets,
// adjacent nets and whole-space prefixes.
func tricky() []indicator.Indicator {
	return rendertest.IPs("0.0.0.0", "255.255.255.255", "255.255.255.254/31", "0.0.0.0/1", "10.0.0.0/8", "10.1.0.0/16", "198.51.100.7", "198.51.100.6",
		"::", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::/1", "2001:db8::/32", "2001:db8::1", "64:ff9b::c000:221", "fe80::/10")
}

// TestRealTool loads each script into a real nftables ruleset twice (the
// second load is a reload over full sets) in a network namespace of its
// own, and checks that the sets hold one element per indicator minus the
// reported drops.
func TestRealTool(t *testing.T) {
	real, _ := rendertest.RealData(t)
	block := func(opts map[string]string) renderers.Request { return request("block", opts) }
	rendertest.Each(t, Renderer{}, block, []rendertest.Case{
		{"sample", rendertest.Sample(), nil},
		{"tricky", tricky(), nil},
		{"tricky, size", tricky(), map[string]string{"size": "3", "table": "filter_ti", "set_prefix": "ti"}},
		{"tricky, largest size", tricky(), map[string]string{"size": "2147483647"}},
		{"real data", real, nil},
	}, func(t *testing.T, opts map[string]string, in []indicator.Indicator, got rendertest.Rendered) {
		table, prefix := "cratos", "cratos-block"
		if opts["table"] != "" {
			table, prefix = opts["table"], opts["set_prefix"]
		}
		p, err := checkScript(string(got.Out), table)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := realtools.NftLoad(t, string(got.Out), table, prefix+"-v4", prefix+"-v6")
		if err != nil {
			t.Fatal(err)
		}
		for set, n := range counts {
			if n != len(p.elems[set]) {
				t.Errorf("set %s holds %d elements, the script %d", set, n, len(p.elems[set]))
			}
		}
		rendertest.Accounted(t, "elements loaded", counts[prefix+"-v4"]+counts[prefix+"-v6"], in, got)
		t.Logf("%d indicators, loaded %v, drops %v", len(in), counts, got.Drops)
	})
	// The ipv4ext and ipv6 lists each replace their own set: loaded one
	// after the other, both sets stay full.
	t.Run("real data, two data types", func(t *testing.T) {
		var script string
		want, dropped := 0, 0
		for _, dt := range []string{"ipv4ext", "ipv6"} {
			d, _ := indicator.LookupDataType(dt)
			in := rendertest.OfTypes(real, d.Yields.Types()...)
			req := request("block", nil)
			req.DataType = dt
			got := rendertest.Render(t, Renderer{}, req, in)
			script += string(got.Out)
			want += len(in)
			dropped += got.DropTotal()
		}
		counts, err := realtools.NftLoad(t, script, "cratos", "cratos-block-v4", "cratos-block-v6")
		if err != nil {
			t.Fatal(err)
		}
		if counts["cratos-block-v4"] == 0 || counts["cratos-block-v6"] == 0 || counts["cratos-block-v4"]+counts["cratos-block-v6"] != want-dropped {
			t.Errorf("loaded %v, want %d in all, both sets filled", counts, want-dropped)
		}
	})
}
