package squid

import (
	"maps"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

var ind = rendertest.Of

func lines(out string) []string { return strings.Split(strings.TrimSuffix(out, "\n"), "\n") }

func TestRender(t *testing.T) {
	rendertest.BlockRows(t, Renderer{}, []rendertest.TypedRow{
		{"domains and hostnames", "", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Domain, "other.example"),
			ind(indicator.Hostname, "login.site.example"),
		}, ".bad.example\n.other.example\nlogin.site.example\n", nil},
		{"overlaps collapsed", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "a.bad.example"), ind(indicator.Domain, "bad.example"), ind(indicator.Domain, "www.a.bad.example"),
			ind(indicator.Hostname, "bad.example"), ind(indicator.Hostname, "x.y.bad.example"), ind(indicator.Hostname, "notbad.example"),
		}, ".bad.example\nnotbad.example\n", map[string]int{
			"domain covered by a listed parent domain": 2,
			"hostname covered by a listed domain":      2,
		}},
		{"public suffix domain refused", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.co.uk"), ind(indicator.Domain, "co.uk"), ind(indicator.Hostname, "co.uk"), ind(indicator.Hostname, "www.bad.co.uk"),
		}, ".bad.co.uk\nco.uk\n", map[string]int{
			DropSuffixDomain:                      1,
			"hostname covered by a listed domain": 1,
		}},
		{"CIDRs collapsed", "ipv4ext", nil, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4Net, "198.51.100.0/25"), ind(indicator.IPv4Net, "198.51.100.128/25"),
			ind(indicator.IPv4, "203.0.113.4"), ind(indicator.IPv4, "203.0.113.5"), ind(indicator.IPv4, "203.0.113.9"),
			ind(indicator.IPv6, "2001:db8::1"), ind(indicator.IPv6Net, "2001:db8::/64"), ind(indicator.IPv6, "2001:db8:1::"),
		}, "198.51.100.0/24\n203.0.113.4/31\n203.0.113.9\n2001:db8::/64\n2001:db8:1::\n", map[string]int{
			"address or net merged into a covering or adjacent prefix": 4,
		}},
		{"IPv6 net holding the IPv4-mapped block", "", map[string]string{"acl": "dst"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv6Net, "::/8"), ind(indicator.IPv6Net, "::/80"),
			ind(indicator.IPv6Net, "::/96"), ind(indicator.IPv6Net, "2001:db8::/32"),
		}, "198.51.100.0/24\n::/96\n2001:db8::/32\n", map[string]int{DropMappedNet: 2}},
		{"zero prefix", "ipv4ext", nil, []indicator.Indicator{ind(indicator.IPv4Net, "0.0.0.0/0")}, "",
			map[string]int{"prefix length 0 (it matches every address)": 1}},
		{"url regex", "url", nil, []indicator.Indicator{
			ind(indicator.URL, "http://bad.example/gate.php?id=1&x=(2)"),
			ind(indicator.URL, "https://bad.example:443/a+b*c[d]{e}$^|\\"),
			ind(indicator.URL, "http://bad.example:80"),
			ind(indicator.URL, "bad.example/no-scheme"),
			ind(indicator.URL, "bad.example/r?u=http://x.example/"),
			ind(indicator.URL, "http://user:pw@[2001:db8::1]:8080?q"),
			ind(indicator.URL, "ftp://files.example/x"),
		}, `^http://bad\.example/gate\.php\?id=1&x=\(2\)
^https://bad\.example/a\+b\*c\[d\]\{e\}\$\^\|\\
^http://bad\.example/
^https?://bad\.example/no-scheme
^https?://bad\.example/r\?u=http://x\.example/
^http://\[2001:db8::1\]:8080/\?q
^ftp://files\.example/x
`, nil},
		{"url regex decoded as squid decodes the URL", "url", nil, []indicator.Indicator{
			ind(indicator.URL, "http://bad.example/a%20b%2Ec%C3%BC%%41%00%zz%20"),
			ind(indicator.URL, "http://bad.example/a%20%23b"),
			ind(indicator.URL, "http://bad.example/x?%0d%0a"),
		}, "^http://bad\\.example/a[ ]b\\.c\xc3\xbc%41%00%zz[ ]\n^http://bad\\.example/a[ ]#b\n",
			map[string]int{"URL with an escaped line break (%0A, %0D), which an ACL file line cannot carry": 1}},
		{"url with a hash", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://bad.example/#x")}, "",
			map[string]int{"URL with a space, control character or '#', which an ACL file line cannot carry": 1}},
		{"url too long", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://bad.example/"+strings.Repeat("a", 2040))}, "",
			map[string]int{"URL pattern longer than a Squid ACL line (2046 bytes)": 1}},
		{"kind forced", "domain", map[string]string{"acl": "url_regex"}, []indicator.Indicator{ind(indicator.Domain, "bad.example")}, "",
			map[string]int{"domain value in a url_regex list": 1}},
		{"kind from the first indicator", "", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7"), ind(indicator.Domain, "bad.example")},
			"198.51.100.7\n", map[string]int{"domain value in a dst list": 1}},
		{"empty", "domain", nil, nil, "", nil},
	})
}

// TestCollapseProperty checks collapse against a brute-force set of
// addresses: the output covers exactly the input's addresses, with
// disjoint, masked prefixes that no merge could shorten.
func TestCollapseProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var ps []netip.Prefix
		want := map[uint32]bool{}
		for range 1 + r.IntN(20) {
			a := netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(4)), byte(r.IntN(256))})
			p := netip.PrefixFrom(a, 22+r.IntN(11)).Masked()
			ps = append(ps, p)
			for x := p.Addr(); p.Contains(x); x = x.Next() {
				want[addrNum(x)] = true
			}
		}
		got := collapse(ps, true)
		covered := map[uint32]bool{}
		for i, p := range got {
			if p != p.Masked() {
				t.Fatalf("round %d: %v not masked", round, p)
			}
			if i > 0 && got[i-1].Overlaps(p) {
				t.Fatalf("round %d: %v overlaps %v", round, got[i-1], p)
			}
			if i > 0 && p.Bits() == got[i-1].Bits() && p.Bits() > 0 {
				parent := netip.PrefixFrom(p.Addr(), p.Bits()-1).Masked()
				if parent.Contains(got[i-1].Addr()) {
					t.Fatalf("round %d: %v and %v could merge", round, got[i-1], p)
				}
			}
			for x := p.Addr(); p.Contains(x); x = x.Next() {
				covered[addrNum(x)] = true
			}
		}
		if !maps.Equal(covered, want) {
			t.Fatalf("round %d: %v collapsed to %v: covers %d addresses, want %d", round, ps, got, len(covered), len(want))
		}
	}
}

func addrNum(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func TestCollapseEdges(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		v4   bool
		want []string
	}{
		{"top of the IPv4 space", []string{"255.255.255.255/32", "255.255.255.254/32"}, true, []string{"255.255.255.254/31"}},
		{"whole IPv6 space stays two halves", []string{"::/1", "8000::/1"}, false, []string{"::/1", "8000::/1"}},
		{"whole IPv4 space stays two halves", []string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"}, true, []string{"0.0.0.0/1", "128.0.0.0/1"}},
		{"last IPv6 address", []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"}, false, []string{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"}},
		{"range needing several prefixes", []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"}, true, []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ps []netip.Prefix
			for _, s := range tc.in {
				ps = append(ps, netip.MustParsePrefix(s))
			}
			var got []string
			for _, p := range collapse(ps, tc.v4) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

func TestValidateOptions(t *testing.T) {
	rendertest.CheckOptionCases(t, Renderer{}, []rendertest.OptionCase{
		{Name: "none"},
		{Name: "empty", Options: map[string]string{"acl": ""}},
		{Name: "dst", Options: map[string]string{"acl": "dst"}},
		{Name: "bad kind", Options: map[string]string{"acl": "dstdom_regex"}, WantErr: `renderer squid: option acl: want one of dstdomain, dst, url_regex; got "dstdom_regex"`},
		{Name: "unknown", Options: map[string]string{"kind": "dst"}, WantErr: `unknown option "kind"`},
	})
}

// TestRealTool runs squid -k parse on each list kind for the sample and
// the real data, in input order and reversed (Squid up to 6 reacts to
// overlaps depending on order), and checks that the list holds one entry
// per indicator of its kind minus the reported drops.
// tricky holds overlapping names and nets and URLs full of regular
// expression metacharacters, for the real-tool run.
func tricky() []indicator.Indicator {
	in := []indicator.Indicator{
		ind(indicator.Domain, "bad.example"), ind(indicator.Domain, "a.bad.example"), ind(indicator.Domain, "b.a.bad.example"),
		ind(indicator.Hostname, "bad.example"), ind(indicator.Hostname, "www.bad.example"), ind(indicator.Hostname, "x.a.bad.example"),
		ind(indicator.Hostname, "notbad.example"), ind(indicator.Domain, "_srv.other.example"), ind(indicator.Hostname, "other.example"),
		ind(indicator.Domain, "co.uk"), ind(indicator.Hostname, "co.uk"), ind(indicator.Domain, "bad.co.uk"),
		ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv4Net, "198.51.101.0/24"),
		ind(indicator.IPv4, "203.0.113.255"), ind(indicator.IPv4, "203.0.114.0"), ind(indicator.IPv4Net, "0.0.0.0/1"), ind(indicator.IPv4Net, "128.0.0.0/1"),
		ind(indicator.IPv6, "2001:db8::1"), ind(indicator.IPv6Net, "2001:db8::/48"), ind(indicator.IPv6Net, "2001:db8:1::/48"),
		ind(indicator.URL, "http://bad.example/gate.php?id=1&x=(2)"), ind(indicator.URL, "https://bad.example:443/a+b*c[d]{e}$^|\\"),
		ind(indicator.URL, "http://bad.example:80"), ind(indicator.URL, "bad.example/no-scheme"), ind(indicator.URL, "http://user:pw@[2001:db8::1]:8080?q"),
		ind(indicator.URL, "http://bad.example/"+strings.Repeat("a", 2030)), ind(indicator.URL, "http://bad.example/"+strings.Repeat("a", 2040)),
		ind(indicator.URL, "http://bad.example/#frag"), ind(indicator.URL, "http://bad.example/ü%20x"),
	}
	return indicator.Normalize(in)
}

func TestRealTool(t *testing.T) {
	block := func(opts map[string]string) renderers.Request { return rendertest.BlockRequest("", opts) }
	rendertest.Kinds(t, Renderer{}, block, "acl", []rendertest.Kind{
		{DstDomain, rendertest.NameTypes}, {Dst, rendertest.IPTypes}, {URLRegex, []indicator.Type{indicator.URL}},
	}, rendertest.AndRealData(t, nil,
		rendertest.Case{Name: "sample", In: rendertest.Sample()}, rendertest.Case{Name: "tricky", In: tricky()},
	), func(t *testing.T, kind string, in []indicator.Indicator, got rendertest.Rendered) {
		out := string(got.Out)
		if err := realtools.SquidParse(t, kind, out); err != nil {
			t.Fatal(err)
		}
		ls := lines(out)
		slices.Reverse(ls)
		if err := realtools.SquidParse(t, kind, strings.Join(ls, "\n")+"\n"); err != nil {
			t.Fatalf("reversed: %v", err)
		}
		rendertest.Accounted(t, "lines", strings.Count(out, "\n"), in, got)
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(kind string) renderers.Request {
		return renderers.Request{Options: map[string]string{"acl": kind}, Generated: rendertest.BlockGenerated}
	}, []rendertest.BenchCase{
		{DstDomain, DstDomain, rendertest.NameTypes},
		{Dst, Dst, rendertest.IPTypes},
		{URLRegex, URLRegex, []indicator.Type{indicator.URL}},
	})
}

// FuzzRender checks what makes Squid (up to 6) load an ACL file as meant:
// lines shorter than its 2,048-byte line buffer, no empty line, no
// duplicate, no two entries that overlap (a ".d" entry covering another
// name, a prefix inside another), url_regex lines that are anchored
// regular expressions, and every input either written or reported
// dropped.
func FuzzRender(f *testing.F) {
	rendertest.FuzzKinds(f, Renderer{}, "acl", []string{DstDomain, Dst, URLRegex}, ForDataType, func(t *testing.T, kind string, ins []indicator.Indicator, got rendertest.Rendered) {
		lines := rendertest.Lines(t, got.Out)
		seen := map[string]bool{}
		for i, l := range lines {
			switch {
			case len(l)+1 >= 2048:
				t.Fatalf("line %d is %d bytes, want < 2048 with its newline", i+1, len(l)+1)
			case l == "":
				t.Fatalf("line %d is empty", i+1)
			case seen[l]:
				t.Fatalf("line %d %q repeats an earlier line", i+1, l)
			}
			seen[l] = true
		}
		switch kind {
		case DstDomain:
			fuzzCheckDomains(t, lines)
		case Dst:
			fuzzCheckPrefixes(t, ins, lines)
		case URLRegex:
			for _, l := range lines {
				if !strings.HasPrefix(l, "^") {
					t.Fatalf("url_regex line %q is not anchored", l)
				}
				if _, err := regexp.CompilePOSIX(latin1(l)); err != nil {
					t.Fatalf("url_regex line %q: %v", l, err)
				}
			}
		default:
			t.Fatalf("no ACL kind: %q", kind)
		}
		rendertest.AddsUp(t, len(lines), nil, ins, got)
	})
}

// latin1 returns s with each byte as the rune of that number: Squid's
// regcomp reads a pattern byte by byte, bytes outside ASCII included.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// fuzzCheckDomains checks dstdomain lines: names of letters, digits, '-',
// '_' and '.', and no ".d" line covering another line (d itself or a
// subdomain of d).
func fuzzCheckDomains(t *testing.T, lines []string) {
	t.Helper()
	for _, l := range lines {
		name := strings.TrimPrefix(l, ".")
		if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
			t.Fatalf("dstdomain line %q holds other characters", l)
		}
	}
	for _, parent := range lines {
		d, ok := strings.CutPrefix(parent, ".")
		if !ok {
			continue
		}
		for _, other := range lines {
			name := strings.TrimPrefix(other, ".")
			if other != parent && (name == d || strings.HasSuffix(name, "."+d)) {
				t.Fatalf("dstdomain lines %q and %q overlap", parent, other)
			}
		}
	}
}

// fuzzCheckPrefixes checks dst lines: addresses or masked prefixes, none
// overlapping another, together covering every input address or net but
// the IPv6 nets holding the IPv4-mapped block, which are left out.
func fuzzCheckPrefixes(t *testing.T, ins []indicator.Indicator, lines []string) {
	t.Helper()
	out, err := rendertest.Prefixes(lines, true)
	kept := slices.DeleteFunc(slices.Clone(ins), func(in indicator.Indicator) bool {
		p, ok := in.Prefix()
		return ok && feedlist.HoldsIPv4Mapped(p)
	})
	if err == nil {
		err = rendertest.Covers(out, kept, 1)
	}
	if err != nil {
		t.Fatalf("dst list: %v", err)
	}
}
