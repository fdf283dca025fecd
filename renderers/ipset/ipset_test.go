package ipset

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func request(feed, dataType string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example", Feed: feed, DataType: dataType, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Options: opts}
}

var ind = rendertest.Ind

func TestRender(t *testing.T) {
	v4 := func(adds string) string {
		return "create cratos-block-v4-new hash:net family inet hashsize 1024 maxelem 1048576 -exist\nflush cratos-block-v4-new\n" + adds +
			"create cratos-block-v4 hash:net family inet hashsize 1024 maxelem 1048576 -exist\nswap cratos-block-v4-new cratos-block-v4\ndestroy cratos-block-v4-new\n"
	}
	rendertest.TypedRows(t, Renderer{}, func(dataType string, opts map[string]string) renderers.Request {
		return request("block", dataType, opts)
	}, rendertest.PrefixedTyped("# Cratos block list: load with ipset restore.\n", []rendertest.TypedRow{
		{"order, nets kept inside nets", "ipv4ext", nil, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.IPv4Net, "10.1.0.0/16", 0), ind(indicator.IPv4Net, "10.0.0.0/8", 0)},
			v4("add cratos-block-v4-new 10.0.0.0/8\nadd cratos-block-v4-new 10.1.0.0/16\nadd cratos-block-v4-new 198.51.100.7\n"), nil},
		{"zero prefix and duplicate", "ipv4ext", nil, []indicator.Indicator{
			ind(indicator.IPv4Net, "0.0.0.0/0", 0), ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv4, "192.0.2.1", 0)},
			v4("add cratos-block-v4-new 192.0.2.1\n"), map[string]int{DropZero: 1, DropDuplicate: 1}},
		{"other family", "ipv4", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv6, "2001:db8::1", 0)},
			v4("add cratos-block-v4-new 192.0.2.1\n"), map[string]int{DropFamily: 1}},
		{"maxelem keeps the newest", "ipv4", map[string]string{"maxelem": "1"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.1", 1), ind(indicator.IPv4, "192.0.2.2", 2)},
			"create cratos-block-v4-new hash:net family inet hashsize 1024 maxelem 1 -exist\nflush cratos-block-v4-new\nadd cratos-block-v4-new 192.0.2.2\n" +
				"create cratos-block-v4 hash:net family inet hashsize 1024 maxelem 1 -exist\nswap cratos-block-v4-new cratos-block-v4\ndestroy cratos-block-v4-new\n",
			map[string]int{DropMaxElem: 1}},
		{"over maxelem, a net first loses what it covers", "ipv4ext", map[string]string{"maxelem": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2), ind(indicator.IPv4, "198.51.100.9", 3)},
			"create cratos-block-v4-new hash:net family inet hashsize 1024 maxelem 2 -exist\nflush cratos-block-v4-new\n" +
				"add cratos-block-v4-new 192.0.2.7\nadd cratos-block-v4-new 198.51.100.0/24\n" +
				"create cratos-block-v4 hash:net family inet hashsize 1024 maxelem 2 -exist\nswap cratos-block-v4-new cratos-block-v4\ndestroy cratos-block-v4-new\n",
			map[string]int{DropCovered: 1}},
		{"not an ip", "ipv4", nil, []indicator.Indicator{ind(indicator.Hostname, "bad.example", 0)}, v4(""), map[string]int{DropNotIP: 1}},
	}), nil)
}

func TestHashSize(t *testing.T) {
	for n, want := range map[int]int{0: 1024, 1024: 1024, 1025: 2048, 65536: 65536, 65537: 131072, 1 << 20: 1 << 20} {
		if got := HashSize(n); got != want {
			t.Errorf("HashSize(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestSetPrefix(t *testing.T) {
	for feed, want := range map[string]string{
		"block": "cratos-block", "cust5": "cratos-cust5", "42": "cratos-42", "": "cratos", "Block": "cratos",
		"org:5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d": "cratos", strings.Repeat("a", 17): "cratos", strings.Repeat("a", 16): "cratos-" + strings.Repeat("a", 16),
	} {
		got := SetPrefix(feed)
		if got != want || len(got+"-v6-new") > MaxSetName {
			t.Errorf("SetPrefix(%q) = %q, want %q of at most %d characters with -v6-new", feed, got, want, MaxSetName)
		}
	}
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"set_prefix": "ti-misp", "maxelem": "65536"},
		Unknown: "hashsize",
		Bad: map[string][]string{
			"set_prefix": {strings.Repeat("p", 25), "x\ndestroy", "TI"},
			"maxelem":    {"0", "lots", "4294967296"},
		},
		More: []rendertest.OptionCase{
			{Name: "longest prefix", Options: map[string]string{"set_prefix": strings.Repeat("p", 24)}},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("block", "", nil)) }

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"set_prefix": "ti"},
	{"maxelem": "3"},
}

// FuzzRender checks that every output reads under checkRestore (only the
// commands this renderer writes, entries valid for hash:net, none twice,
// none past maxelem) and that every input is an entry or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, func(_ renderers.Request, out []byte) (int, error) {
		sets, err := checkRestore(string(out))
		return total(sets), err
	})
}

var (
	createRE = regexp.MustCompile(`^create ([a-z][a-z0-9_-]{0,30}) hash:net family (inet6?) hashsize ([0-9]+) maxelem ([0-9]+) -exist$`)
	setName  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,30}$`)
)

// checkRestore reads restore input the way this renderer writes it and
// ipset restore reads it: comment lines, then per set "create NAME-new …
// -exist", "flush NAME-new", one "add NAME-new ENTRY" per entry (an
// address or masked prefix of the set's family, length > 0, listed once,
// no more than maxelem), "create NAME …" with the same parameters,
// "swap NAME-new NAME" and "destroy NAME-new". Any other line is an
// error, so no value can have added a command. It returns the entries
// per live set name.
func checkRestore(text string) (map[string][]netip.Prefix, error) {
	out := map[string][]netip.Prefix{}
	lines, i, err := rendertest.CommentedLines(text)
	if err != nil {
		return nil, err
	}
	for i < len(lines) {
		m := createRE.FindStringSubmatch(lines[i])
		if m == nil || !strings.HasSuffix(m[1], "-new") {
			return nil, fmt.Errorf("line %d: %q, want the create of a -new set", i+1, lines[i])
		}
		tmp, family := m[1], m[2]
		name := strings.TrimSuffix(tmp, "-new")
		hs, _ := strconv.Atoi(m[3])
		maxElem, _ := strconv.Atoi(m[4])
		if hs < 1024 || hs&(hs-1) != 0 || maxElem < 1 || !setName.MatchString(name) {
			return nil, fmt.Errorf("line %d: %q: bad hashsize, maxelem or name", i+1, lines[i])
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("line %d: set %s filled twice", i+1, name)
		}
		i++
		if i >= len(lines) || lines[i] != "flush "+tmp {
			return nil, fmt.Errorf("line %d: want flush %s", i+1, tmp)
		}
		i++
		seen := map[netip.Prefix]bool{}
		var es []netip.Prefix
		for ; i < len(lines) && strings.HasPrefix(lines[i], "add "); i++ {
			v, ok := strings.CutPrefix(lines[i], "add "+tmp+" ")
			if !ok {
				return nil, fmt.Errorf("line %d: %q adds to another set", i+1, lines[i])
			}
			p, err := rendertest.ListEntry(v, 1)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
			if p.Addr().Is4() != (family == "inet") || seen[p] {
				return nil, fmt.Errorf("line %d: %s of the wrong family or listed twice", i+1, v)
			}
			seen[p] = true
			es = append(es, p)
		}
		if len(es) > maxElem {
			return nil, fmt.Errorf("set %s: %d entries, maxelem %d", name, len(es), maxElem)
		}
		want := []string{
			strings.Replace(lines[i-len(es)-2], tmp, name, 1),
			"swap " + tmp + " " + name,
			"destroy " + tmp,
		}
		for _, w := range want {
			if i >= len(lines) || lines[i] != w {
				return nil, fmt.Errorf("line %d: want %q", i+1, w)
			}
			i++
		}
		out[name] = es
	}
	return out, nil
}

func total(sets map[string][]netip.Prefix) int {
	n := 0
	for _, es := range sets {
		n += len(es)
	}
	return n
}

// tricky holds the edges of both address spaces, nets inside nets and
// whole-space prefixes.
func tricky() []indicator.Indicator {
	return rendertest.IPs("0.0.0.0", "255.255.255.255", "0.0.0.0/0", "0.0.0.0/1", "10.0.0.0/8", "10.1.0.0/16", "198.51.100.7",
		"::", "::/0", "8000::/1", "2001:db8::/32", "2001:db8::1", "fe80::/10")
}

// TestRealTool feeds each list to a real ipset restore twice (a first
// load, then a reload over full sets) in a network namespace of its own,
// and checks that only the live sets remain, each holding one entry per
// indicator of its family minus the reported drops.
func TestRealTool(t *testing.T) {
	real, _ := rendertest.RealData(t)
	cases := []struct {
		name, dataType string
		in             []indicator.Indicator
		opts           map[string]string
	}{
		{"sample", "", rendertest.Sample(), nil},
		{"tricky", "", tricky(), nil},
		{"tricky, maxelem", "", tricky(), map[string]string{"maxelem": "3", "set_prefix": "ti"}},
		{"real data", "", real, nil},
		{"real data, ipv4ext", "ipv4ext", real, nil},
		{"real data, ipv6, ipset's default maxelem", "ipv6", real, map[string]string{"maxelem": "65536"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := rendertest.OfTypes(tc.in, info.Types...)
			got := rendertest.Render(t, Renderer{}, request("block", tc.dataType, tc.opts), in)
			written, err := checkRestore(string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := realtools.IpsetRestore(t, string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for name, es := range written {
				want[name] = len(es)
			}
			if !maps.Equal(loaded, want) {
				t.Errorf("sets after two loads %v, want %v", loaded, want)
			}
			rendertest.Accounted(t, "entries", total(written), in, got)
			t.Logf("%d indicators, loaded %v, drops %v", len(in), loaded, got.Drops)
		})
	}
}
