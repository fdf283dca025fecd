package haproxy

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

var ind = rendertest.Of

func TestRender(t *testing.T) {
	rendertest.TypedRows(t, Renderer{}, rendertest.Request, []rendertest.TypedRow{
		{"ip", "ipv4ext", nil, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4Net, "10.0.0.0/8"), ind(indicator.IPv4, "10.1.2.3"),
			ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv6Net, "2001:db8::/32"), ind(indicator.Domain, "bad.example")},
			"10.0.0.0/8\n10.1.2.3\n198.51.100.7\n2001:db8::/32\n", map[string]int{DropDuplicate: 1, DropWrongList: 1}},
		{"dom", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"), ind(indicator.Hostname, "notbad.example"),
			ind(indicator.IPv4, "192.0.2.1")},
			"bad.example\nnotbad.example\n", map[string]int{"haproxy " + nameset.ReasonCovered: 1, DropWrongList: 1}},
		{"end", "hostname", map[string]string{"list": "end"}, []indicator.Indicator{ind(indicator.Hostname, "_dmarc.bad.example")},
			"._dmarc.bad.example\n", nil},
		{"auto from the first indicator", "", nil, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::1"), ind(indicator.Domain, "bad.example")},
			"2001:db8::1\n", map[string]int{DropWrongList: 1}},
		{"injection refused", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "#bad.example"), ind(indicator.Domain, " bad.example"), ind(indicator.Domain, "bad.example\nx.example"),
			ind(indicator.Domain, "bad.example\\")},
			"", map[string]int{"haproxy " + nameset.ReasonSyntax: 4}},
		{"public suffix refused", "domain", map[string]string{"list": "end"}, []indicator.Indicator{
			ind(indicator.Domain, "co.uk"), ind(indicator.Hostname, "com.br"), ind(indicator.Domain, "bad.co.uk")},
			".bad.co.uk\n", map[string]int{"haproxy " + nameset.ReasonSuffix: 2}},
		{"empty", "domain", nil, nil, "", nil},
	}, nil)
}

func TestForDataType(t *testing.T) {
	for dt, want := range map[string]string{"ipv4": ListIP, "ipv4ext": ListIP, "cidr4": ListIP, "ipv6": ListIP, "domain": ListDom, "hostname": ListDom, "url": "", "": ""} {
		if got := ForDataType(dt); got != want {
			t.Errorf("ForDataType(%q) = %q, want %q", dt, got, want)
		}
	}
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"list": "end"},
		Unknown: "match",
		Bad:     map[string][]string{"list": {"reg", ""}},
		More:    []rendertest.OptionCase{{Name: "auto", Options: map[string]string{"list": "auto"}}},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(dataType string) renderers.Request { return rendertest.Request(dataType, nil) }, []rendertest.BenchCase{
		{"ip", "ipv4ext", rendertest.IPTypes},
		{"dom", "domain", rendertest.NameTypes},
	})
}

// FuzzRender checks that every output reads under checkPatterns for its
// list kind (one pattern a line, nothing HAProxy would skip or trim) and
// that every input is a pattern or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzKinds(f, Renderer{}, "list", []string{"end", "ip", "dom"}, ForDataType, func(t *testing.T, kind string, ins []indicator.Indicator, got rendertest.Rendered) {
		ps, err := checkPatterns(kind, string(got.Out))
		rendertest.AddsUp(t, len(ps), err, ins, got)
	})
}

// checkPatterns reads a pattern file the way this renderer writes it and
// HAProxy reads it (one pattern a line; blank lines and lines starting
// with '#' are skipped, surrounding blanks trimmed): for ip, addresses or
// masked prefixes in increasing order, none twice, no IPv6 net holding
// the IPv4-mapped block; for dom, plain DNS names (nameset.Check); for
// end, the same with a '.' in front; no name twice or under another
// listed name. A line HAProxy would skip or trim
// is an error, so every line is exactly one pattern. It returns the
// patterns.
func checkPatterns(kind, text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	seen := rendertest.NameSet{}
	var last netip.Prefix
	for i, l := range lines {
		if l == "" || l[0] == '#' || strings.TrimSpace(l) != l {
			return nil, fmt.Errorf("line %d: %q would be skipped or trimmed", i+1, l)
		}
		switch kind {
		case ListIP:
			p, err := netip.ParsePrefix(l)
			if err != nil {
				a, aerr := netip.ParseAddr(l)
				if aerr != nil || a.Zone() != "" {
					return nil, fmt.Errorf("line %d: %q is not an address or net", i+1, l)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			} else if p.Masked() != p || p.IsSingleIP() {
				return nil, fmt.Errorf("line %d: %q is not masked or is a single address", i+1, l)
			} else if feedlist.HoldsIPv4Mapped(p) {
				return nil, fmt.Errorf("line %d: %q holds ::ffff:0:0/96 and matches every IPv4 client", i+1, l)
			}
			if last.IsValid() && (last.Addr().Compare(p.Addr()) > 0 || last.Addr() == p.Addr() && last.Bits() >= p.Bits()) {
				return nil, fmt.Errorf("line %d: %s not after %s", i+1, p, last)
			}
			last = p
		case ListDom, ListEnd:
			name := l
			if kind == ListEnd {
				var ok bool
				if name, ok = strings.CutPrefix(l, "."); !ok {
					return nil, fmt.Errorf("line %d: %q does not start with '.'", i+1, l)
				}
			}
			if r := nameset.Check(name); r != "" {
				return nil, fmt.Errorf("line %d: %q: %s", i+1, l, r)
			}
			if err := seen.Add(name); err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
		default:
			return nil, fmt.Errorf("unknown kind %q", kind)
		}
	}
	if err := seen.Nested(); err != nil {
		return nil, err
	}
	return lines, nil
}

// tricky holds the longest names and labels, underscores, nested names,
// the edges of both address spaces and whole-space nets.
func tricky() []indicator.Indicator {
	l63 := strings.Repeat("a", 63)
	in := []indicator.Indicator{
		ind(indicator.Domain, l63+"."+l63+"."+l63+"."+strings.Repeat("b", 61)), // 253 octets
		ind(indicator.Domain, "_dmarc.mail.example"), ind(indicator.Hostname, "1-2.3.example"),
		ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"),
		ind(indicator.Domain, "xn--bcher-kva.example"),
		ind(indicator.IPv4, "0.0.0.0"), ind(indicator.IPv4, "255.255.255.255"), ind(indicator.IPv4Net, "0.0.0.0/0"),
		ind(indicator.IPv4Net, "10.0.0.0/8"), ind(indicator.IPv4, "10.1.2.3"), ind(indicator.IPv6, "::"),
		ind(indicator.IPv6Net, "::/0"), ind(indicator.IPv6, "64:ff9b::c000:221"), ind(indicator.IPv6Net, "2001:db8::/32"),
	}
	return indicator.Normalize(in)
}

// TestRealTool checks each pattern file with haproxy -c in a configuration
// whose ACL reads it, runs a real haproxy with it, compares the entries
// haproxy loaded (show acl on its admin socket) with the patterns written
// and the indicators minus the reported drops, and, for name lists, sends
// requests whose Host is a listed name (also in upper case with a final
// dot), a subdomain of it, or a name that only ends like it.
func TestRealTool(t *testing.T) {
	real, _ := rendertest.RealData(t)
	rendertest.Kinds(t, Renderer{}, rendertest.WithOptions, "list", []rendertest.Kind{
		{ListIP, rendertest.IPTypes}, {ListDom, rendertest.NameTypes}, {ListEnd, rendertest.NameTypes},
	}, []rendertest.Case{
		{"sample", rendertest.Sample(), nil}, {"tricky", tricky(), nil}, {"real data", real, nil},
	}, func(t *testing.T, kind string, in []indicator.Indicator, got rendertest.Rendered) {
		ps, err := checkPatterns(kind, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(in)-got.DropTotal() || len(ps) == 0 {
			t.Fatalf("%d patterns, want %d indicators minus %d dropped (%v)", len(ps), len(in), got.DropTotal(), got.Drops)
		}
		h, err := realtools.StartHAProxy(t, kind, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		n, err := h.Entries()
		if err != nil {
			t.Fatal(err)
		}
		if n != len(ps) {
			t.Errorf("haproxy loaded %d patterns, the file holds %d", n, len(ps))
		}
		if kind != ListIP {
			for _, k := range []int{0, len(ps) / 2, len(ps) - 1} {
				name := strings.TrimPrefix(ps[k], ".")
				expect(t, h, name, 403)
				expect(t, h, strings.ToUpper(name)+".", 403) // an absolute name
				if len(name) < 240 {
					expect(t, h, "www."+name+":8443", 403)
					expect(t, h, "x"+name, 200)
				}
			}
			expect(t, h, "not-listed.cratos-test.internal", 200)
		}
		t.Logf("%d indicators, %d patterns loaded, drops %v", len(in), n, got.Drops)
	})
}

func expect(t *testing.T, h *realtools.HAProxy, host string, want int) {
	t.Helper()
	got, err := h.Status(host)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Host %s: status %d, want %d", host, got, want)
	}
}

// TestRealToolRefusesBadPatterns shows that the check can fail: haproxy -c
// refuses an address list holding a value that is not an address.
func TestRealToolRefusesBadPatterns(t *testing.T) {
	for _, bad := range []string{"not-an-ip", "198.51.100.300", "2001:db8::/129"} {
		_, err := realtools.StartHAProxy(t, ListIP, "198.51.100.7\n"+bad+"\n")
		if err == nil {
			t.Errorf("haproxy -c accepted %q in a src list", bad)
			continue
		}
		if !strings.Contains(err.Error(), bad) {
			t.Errorf("haproxy -c refused the list without naming %q: %v", bad, err)
		}
	}
}
