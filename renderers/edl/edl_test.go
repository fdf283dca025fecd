package edl

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// allTypes are the types a URL list may be given.
var allTypes = append(append(slices.Clone(rendertest.IPTypes), rendertest.NameTypes...), indicator.URL)

var ind = rendertest.Ind

func TestCollapse(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"single", []string{"198.51.100.7"}, []string{"198.51.100.7"}},
		{"siblings", []string{"198.51.100.6", "198.51.100.7"}, []string{"198.51.100.6/31"}},
		{"not siblings", []string{"198.51.100.7", "198.51.100.8"}, []string{"198.51.100.7", "198.51.100.8"}},
		{"cascade", []string{"192.0.2.0", "192.0.2.1", "192.0.2.2/31", "192.0.2.4/30"}, []string{"192.0.2.0/29"}},
		{"contained", []string{"10.0.0.0/8", "10.1.2.3", "10.255.0.0/16"}, []string{"10.0.0.0/8"}},
		{"contained after merge", []string{"192.0.2.0/25", "192.0.2.128/25", "192.0.2.200"}, []string{"192.0.2.0/24"}},
		{"whole space stays two halves", []string{"0.0.0.0/1", "128.0.0.0/1"}, []string{"0.0.0.0/1", "128.0.0.0/1"}},
		{"whole space from quarters", []string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"}, []string{"0.0.0.0/1", "128.0.0.0/1"}},
		{"whole ipv6 space", []string{"::/1", "8000::/1"}, []string{"::/1", "8000::/1"}},
		{"ipv6", []string{"2001:db8::/33", "2001:db8:8000::/33", "2001:db8::1"}, []string{"2001:db8::/32"}},
		{"families apart", []string{"0.0.0.0/1", "::/1"}, []string{"0.0.0.0/1", "::/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []feedlist.IP
			for i, s := range tt.in {
				p, err := netip.ParsePrefix(s)
				if err != nil {
					a := netip.MustParseAddr(s)
					p = netip.PrefixFrom(a, a.BitLen())
				}
				ps = append(ps, feedlist.IP{P: p, TS: int64(i)})
			}
			ps = feedlist.SortIPs(ps, feedlist.Drops{}, "")
			var got []string
			for _, p := range collapse(ps) {
				got = append(got, feedlist.PrefixText(p.P))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("collapse(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// span is an inclusive address range.
type span struct{ lo, hi netip.Addr }

// spans turns prefixes into the sorted, merged list of ranges they cover.
func spans(ps []netip.Prefix) []span {
	var out []span
	slices.SortFunc(ps, feedlist.ComparePrefix)
	for _, p := range ps {
		lo := p.Masked().Addr()
		b := lo.AsSlice()
		for i := p.Bits(); i < len(b)*8; i++ {
			b[i/8] |= 0x80 >> (i % 8)
		}
		hi, _ := netip.AddrFromSlice(b)
		if n := len(out); n > 0 && (out[n-1].hi.Next() == lo || !out[n-1].hi.Less(lo)) {
			if out[n-1].hi.Less(hi) {
				out[n-1].hi = hi
			}
			continue
		}
		out = append(out, span{lo, hi})
	}
	return out
}

func parseList(t *testing.T, out []byte) []netip.Prefix {
	t.Helper()
	ps, err := rendertest.Prefixes(devicecheck.Lines(out), false)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestCollapseCoverage checks that a collapsed IP list covers exactly the
// addresses of its input and is no longer than the uncollapsed one.
func TestCollapseCoverage(t *testing.T) {
	sets := map[string][]indicator.Indicator{
		"sample":    conformance.OfTypes(conformance.Sample(), rendertest.IPTypes...),
		"generated": conformance.OfTypes(conformance.Generated(200_000, 9), rendertest.IPTypes...),
		"real data": conformance.OfTypes(conformance.RealIndicators(t), rendertest.IPTypes...),
	}
	for name, ins := range sets {
		t.Run(name, func(t *testing.T) {
			var in []netip.Prefix
			for _, i := range ins {
				p, _ := i.Prefix()
				in = append(in, p)
			}
			out, _ := rendertest.Output(t, Renderer{}, rendertest.Request("", nil), ins)
			plain, _ := rendertest.Output(t, Renderer{}, rendertest.Request("", map[string]string{"collapse": "false"}), ins)
			got := parseList(t, out)
			if !slices.Equal(spans(got), spans(in)) {
				t.Error("collapsed list does not cover exactly the input addresses")
			}
			if n, m := len(got), len(devicecheck.Lines(plain)); n > m {
				t.Errorf("collapsed list has %d entries, uncollapsed %d", n, m)
			}
			if vs := devicecheck.CheckPANOS(devicecheck.PANIP, out); len(vs) > 0 {
				t.Error(devicecheck.Error(vs, 10))
			}
			t.Logf("%d inputs, %d uncollapsed, %d collapsed", len(ins), len(devicecheck.Lines(plain)), len(got))
		})
	}
}

func TestURLEntry(t *testing.T) {
	tests := []struct {
		name, in   string
		strip      bool
		want, drop string
	}{
		{"scheme stripped", "http://bad.example/gate.php?id=1", false, "bad.example/gate.php?id=1", ""},
		{"bare host", "https://bad.example", false, "bad.example/", ""},
		{"query only", "http://bad.example?x=1", false, "bad.example/?x=1", ""},
		{"no scheme", "bad.example/x", false, "bad.example/x", ""},
		{"no scheme, a URL in the query", "bad.example/r?u=http://x.example/", false, "bad.example/r?u=http://x.example/", ""},
		{"no scheme, a URL in the path", "bad.example/go/https://x.example", false, "bad.example/go/https://x.example", ""},
		{"user info", "ftp://user:pass@ftp.example/pub", false, "ftp.example/pub", ""},
		{"upper-case host", "http://BAD.Example/Path", false, "bad.example/Path", ""},
		{"ip host", "http://198.51.100.7/admin", false, "198.51.100.7/admin", ""},
		{"non-ascii path", "http://xn--bcher-kva.example/straße?q=ü", false, "xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC", ""},
		{"port dropped", "http://bad.example:8080/x", false, "", DropPort},
		{"port stripped", "http://bad.example:8080/x", true, "bad.example/x", ""},
		{"ipv6 host", "http://[2001:db8::1]/x", false, "", DropIPv6Host},
		{"star", "http://bad.example/*.php", false, "", DropWildcardChar},
		{"caret", "http://bad.example/a^b", false, "", DropWildcardChar},
		// A canonical URL holds a browser's escapes, which are kept as
		// they are: '^' in a path is "%5E", never encoded twice.
		{"escapes kept", "http://bad.example/a%5Eb/%C3%BC%22?q=%27%C3%BC", false, "bad.example/a%5Eb/%C3%BC%22?q=%27%C3%BC", ""},
		{"caret in the query", "http://bad.example/a?b=^", false, "", DropWildcardChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, drop := urlEntry(tt.in, tt.strip)
			if got != tt.want || drop != tt.drop {
				t.Errorf("urlEntry(%q) = %q, %q; want %q, %q", tt.in, got, drop, tt.want, tt.drop)
			}
		})
	}
}

func TestLists(t *testing.T) {
	rendertest.TypedRows(t, Renderer{}, rendertest.Request, []rendertest.TypedRow{
		{"domain pair", "domain", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0)},
			"bad.example\n*.bad.example\n", nil},
		{"domain exact", "domain", map[string]string{"domain_wildcards": "exact"}, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0)},
			"bad.example\n", nil},
		{"hostname", "hostname", nil, []indicator.Indicator{ind(indicator.Hostname, "www.bad.example", 0)},
			"www.bad.example\n", nil},
		{"domain and hostname merge", "", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0), ind(indicator.Hostname, "bad.example", 0)},
			"bad.example\n*.bad.example\n", map[string]int{DropDuplicate: 1}},
		{"public suffix", "domain", nil, []indicator.Indicator{ind(indicator.Domain, "co.uk", 0), ind(indicator.Domain, "duckdns.org", 0)},
			"co.uk\nduckdns.org\n*.duckdns.org\n", map[string]int{DropSuffixWildcard: 1}},
		{"names drop ips", "", map[string]string{"list_type": "domain"}, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Hostname, "a.example", 0)},
			"a.example\n", map[string]int{DropWrongList: 1}},
		{"url list of names and ips", "", map[string]string{"list_type": "url"}, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.IPv4Net, "198.51.100.0/24", 0), ind(indicator.IPv6, "2001:db8::1", 0),
			ind(indicator.Domain, "bad.example", 0), ind(indicator.Hostname, "www.bad.example", 0)},
			"198.51.100.7/\nbad.example/\n*.bad.example/\nwww.bad.example/\n", map[string]int{DropWrongList: 2}},
		{"url scheme duplicates", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://a.example/x", 0), ind(indicator.URL, "https://a.example/x", 0)},
			"a.example/x\n", map[string]int{DropDuplicate: 1}},
		{"url case duplicates", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://a.example/Login.php", 1), ind(indicator.URL, "http://a.example/login.php", 2), ind(indicator.URL, "http://a.example/LOGIN.php?ID=1", 3), ind(indicator.URL, "http://a.example/login.php?id=1", 4)},
			"a.example/LOGIN.php?ID=1\na.example/Login.php\n", map[string]int{DropDuplicate: 2}},
		{"url case duplicates under the cap", "url", map[string]string{"max_entries": "2"}, []indicator.Indicator{ind(indicator.URL, "http://a.example/X", 3), ind(indicator.URL, "http://a.example/x", 3), ind(indicator.URL, "http://b.example/y", 2)},
			"a.example/X\nb.example/y\n", map[string]int{DropDuplicate: 1}},
		{"url too long", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://a.example/"+strings.Repeat("x", 245), 0), ind(indicator.URL, "http://a.example/"+strings.Repeat("y", 246), 0)},
			"a.example/" + strings.Repeat("x", 245) + "\n", map[string]int{DropTooLong: 1}},
		{"ip list drops names and urls", "", map[string]string{"list_type": "ip"}, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Domain, "bad.example", 0), ind(indicator.URL, "http://bad.example/", 0)},
			"198.51.100.7\n", map[string]int{DropWrongList: 2}},
		{"ip /32 duplicate", "", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv4Net, "192.0.2.1/32", 0)},
			"192.0.2.1\n", map[string]int{DropDuplicate: 1}},
		{"auto picks url", "", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.URL, "http://bad.example", 0)},
			"198.51.100.7/\nbad.example/\n", nil},
		{"auto picks domain", "", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Hostname, "bad.example", 0)},
			"bad.example\n", map[string]int{DropWrongList: 1}},
		{"data type wins", "ipv4", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Hostname, "bad.example", 0)},
			"198.51.100.7\n", map[string]int{DropWrongList: 1}},
		{"cap keeps newest", "", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.Hostname, "a.example", 1), ind(indicator.Hostname, "b.example", 3), ind(indicator.Hostname, "c.example", 2), ind(indicator.Hostname, "d.example", 3)},
			"b.example\nd.example\n", map[string]int{DropCap: 2}},
		{"uncollapsed over the cap, a net first loses what it covers", "ipv4ext", map[string]string{"collapse": "false", "max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2), ind(indicator.IPv4, "198.51.100.9", 3)},
			"192.0.2.7\n198.51.100.0/24\n", map[string]int{DropCovered: 1}},
		{"cap ties keep earlier", "", map[string]string{"max_entries": "1"}, []indicator.Indicator{
			ind(indicator.Hostname, "a.example", 5), ind(indicator.Hostname, "b.example", 5)},
			"a.example\n", map[string]int{DropCap: 1}},
		{"sentinel after drops", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://a.example:81/", 0)},
			SentinelURL + "\n", map[string]int{DropPort: 1}},
	}, nil)
}

// potential is the number of lines an indicator gives in a list before
// anything is dropped: 2 for a Domain with wildcard pairs in a domain or
// URL list, 1 otherwise (a line, or one reported drop).
func potential(list ListType, pair bool, in indicator.Indicator) int {
	if in.Type == indicator.Domain && pair && list != ListIP {
		return 2
	}
	return 1
}

// listCase is a list type rendered from a data type, the indicators of
// types, with opts, and checked as the PAN-OS list check.
type listCase struct {
	list     ListType
	dataType string
	check    devicecheck.PANList
	types    []indicator.Type
	opts     map[string]string
}

// TestDeviceRules renders Sample, generated and real data as each list
// type, checks the output against the PAN-OS rules, and checks that every
// input line is either written or reported as dropped.
func TestDeviceRules(t *testing.T) {
	lists := []listCase{
		{ListIP, "ipv4ext", devicecheck.PANIP, rendertest.IPTypes, nil},
		{ListIP, "ipv6", devicecheck.PANIP, rendertest.IPTypes, map[string]string{"max_entries": "1000"}},
		{ListDomain, "domain", devicecheck.PANDomain, rendertest.NameTypes, nil},
		{ListDomain, "hostname", devicecheck.PANDomain, rendertest.NameTypes, map[string]string{"domain_wildcards": "exact"}},
		{ListURL, "url", devicecheck.PANURL, allTypes, nil},
		{ListURL, "url", devicecheck.PANURL, allTypes, map[string]string{"url_ports": "strip", "max_entries": "5000"}},
	}
	rendertest.Across(t, rendertest.Sets(t, 100_000, 11), lists, func(l listCase) string {
		return l.list.String() + "/" + optString(l.opts)
	}, func(t *testing.T, set []indicator.Indicator, l listCase) {
		opts := map[string]string{"collapse": "false"}
		maps.Copy(opts, l.opts)
		ins := conformance.OfTypes(set, l.types...)
		got := conformance.Render(t, Renderer{}, rendertest.Request(l.dataType, opts), ins)
		if vs := devicecheck.CheckPANOS(l.check, got.Out); len(vs) > 0 {
			t.Fatal(devicecheck.Error(vs, 20))
		}
		pair := opts["domain_wildcards"] != "exact"
		// An empty list holds the sentinel entry.
		rendertest.Potential(t, got, ins, func(in indicator.Indicator) int { return potential(l.list, pair, in) }, 1)
	})
}

func optString(opts map[string]string) string {
	if len(opts) == 0 {
		return "defaults"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		parts = append(parts, k+"="+opts[k])
	}
	return strings.Join(parts, ",")
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"list_type": "url", "collapse": "false", "domain_wildcards": "exact", "url_ports": "strip", "max_entries": "50000", "empty_sentinel": "false"},
		Unknown: "comments",
		Bad: map[string][]string{
			"list_type":        {"imsi"},
			"collapse":         {"maybe"},
			"domain_wildcards": {"star"},
			"url_ports":        {"keep"},
			"max_entries":      {"-1", "50k"},
			"empty_sentinel":   {"192.0.2.1"},
		},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(dataType string) renderers.Request { return rendertest.Request(dataType, nil) }, []rendertest.BenchCase{
		{"mixed-1M", "", nil}, // a URL list: URLs, names and addresses
		{"ip", "ipv4ext", rendertest.IPTypes},
		{"domain", "domain", rendertest.NameTypes},
		{"url", "url", []indicator.Type{indicator.URL}},
	})
}
