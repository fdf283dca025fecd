package fortinet

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var ind = rendertest.Ind

func TestFeeds(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	rendertest.TypedRows(t, Renderer{}, rendertest.Request, []rendertest.TypedRow{
		{"address", "", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.IPv4Net, "198.51.100.0/24", 0), ind(indicator.IPv6Net, "2001:db8::/32", 0)},
			"198.51.100.0/24\n198.51.100.7\n2001:db8::/32\n", nil},
		{"address /32 duplicate", "", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1", 0), ind(indicator.IPv4Net, "192.0.2.1/32", 0)},
			"192.0.2.1\n", map[string]int{DropDuplicate: 1}},
		{"domain pair", "domain", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0), ind(indicator.Hostname, "www.bad.example", 0)},
			"bad.example\n*.bad.example\nwww.bad.example\n", nil},
		{"domain public suffix", "domain", nil, []indicator.Indicator{ind(indicator.Domain, "com.br", 0)},
			"com.br\n", map[string]int{DropSuffixWildcard: 1}},
		{"domain and hostname merge", "", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example", 0), ind(indicator.Hostname, "bad.example", 0)},
			"bad.example\n*.bad.example\n", map[string]int{DropDuplicate: 1}},
		{"url keep scheme", "url", nil, []indicator.Indicator{ind(indicator.URL, "https://bad.example:8443/x", 0), ind(indicator.URL, "http://[2001:db8::1]/y", 0), ind(indicator.URL, "bad.example", 0)},
			"bad.example/\nhttp://[2001:db8::1]/y\nhttps://bad.example:8443/x\n", nil},
		{"url strip scheme", "url", map[string]string{"url_scheme": "strip"}, []indicator.Indicator{ind(indicator.URL, "https://a.example/x", 0), ind(indicator.URL, "http://a.example/x", 0)},
			"a.example/x\n", map[string]int{DropDuplicate: 1}},
		{"url without scheme, a URL in the query", "url", nil, []indicator.Indicator{ind(indicator.URL, "bad.example/r?u=http://x.example/", 0)},
			"bad.example/r?u=http://x.example/\n", nil},
		{"url other scheme and user info", "url", nil, []indicator.Indicator{ind(indicator.URL, "ftp://u:p@ftp.example/pub", 0)},
			"ftp.example/pub\n", nil},
		{"url star", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://a.example/*", 0), ind(indicator.URL, "http://a.example/ü", 0)},
			"http://a.example/%C3%BC\n", map[string]int{DropWildcardChar: 1}},
		{"url star in the user info, which is removed", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://u*:p@a.example/x", 0)},
			"http://a.example/x\n", nil},
		{"hash majority", "", nil, []indicator.Indicator{ind(indicator.MD5, strings.Repeat("a", 32), 0), ind(indicator.MD5, strings.Repeat("b", 32), 0), ind(indicator.SHA256, sha, 0)},
			strings.Repeat("a", 32) + "\n" + strings.Repeat("b", 32) + "\n", map[string]int{DropHashType: 1}},
		{"hash tie prefers longer", "", nil, []indicator.Indicator{ind(indicator.MD5, strings.Repeat("a", 32), 0), ind(indicator.SHA256, sha, 0)},
			sha + "\n", map[string]int{DropHashType: 1}},
		{"hash option", "", map[string]string{"hash_type": "md5"}, []indicator.Indicator{ind(indicator.MD5, strings.Repeat("a", 32), 0), ind(indicator.SHA256, sha, 0), ind(indicator.SHA256, strings.Repeat("cd", 32), 0)},
			strings.Repeat("a", 32) + "\n", map[string]int{DropHashType: 2}},
		{"auto majority kind", "", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Hostname, "a.example", 0), ind(indicator.Hostname, "b.example", 0)},
			"a.example\nb.example\n", map[string]int{DropWrongFeed: 1}},
		{"data type wins", "ipv4", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0), ind(indicator.Hostname, "a.example", 0), ind(indicator.Hostname, "b.example", 0)},
			"198.51.100.7\n", map[string]int{DropWrongFeed: 2}},
		{"forced feed", "", map[string]string{"feed": "malware"}, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 0)},
			"", map[string]int{DropWrongFeed: 1}},
		{"cap keeps newest", "", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.1", 1), ind(indicator.IPv4, "198.51.100.2", 3), ind(indicator.IPv4, "198.51.100.3", 2)},
			"198.51.100.2\n198.51.100.3\n", map[string]int{DropCap: 1}},
		{"over the cap, a net first loses what it covers", "ipv4ext", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4, "192.0.2.7", 1), ind(indicator.IPv4Net, "198.51.100.0/24", 2), ind(indicator.IPv4, "198.51.100.9", 3)},
			"192.0.2.7\n198.51.100.0/24\n", map[string]int{DropCovered: 1}},
		{"within the caps, a net and what it covers both stay", "ipv4ext", map[string]string{"fortios": "pre-7.4.4"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24", 1), ind(indicator.IPv4, "198.51.100.9", 3)},
			"198.51.100.0/24\n198.51.100.9\n", nil},
	}, nil)
}

// TestPre744Caps renders more entries than FortiOS before 7.4.4 takes and
// checks the truncation against both caps.
func TestPre744Caps(t *testing.T) {
	var many []indicator.Indicator
	for i := range Pre744MaxEntries + 100 {
		many = append(many, ind(indicator.IPv4, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), int64(i)))
	}
	const entrySize = len("http://h000000.example/") + 150 + 1
	long := make([]indicator.Indicator, 0, 70000)
	for i := range 70000 {
		long = append(long, ind(indicator.URL, fmt.Sprintf("http://h%06d.example/%s", i, strings.Repeat("p", 150)), int64(i)))
	}
	tests := []struct {
		name  string
		feed  devicecheck.FortiFeed
		opts  map[string]string
		in    []indicator.Indicator
		lines int
		drops map[string]int
	}{
		{"entries", devicecheck.FortiAddress, map[string]string{"fortios": "pre-7.4.4"}, many, Pre744MaxEntries, map[string]int{DropCap: 100}},
		{"smaller max_entries", devicecheck.FortiAddress, map[string]string{"fortios": "pre-7.4.4", "max_entries": "1000"}, many, 1000, map[string]int{DropCap: Pre744MaxEntries + 100 - 1000}},
		{"larger max_entries", devicecheck.FortiAddress, map[string]string{"fortios": "pre-7.4.4", "max_entries": "500000"}, many, Pre744MaxEntries, map[string]int{DropCap: 100}},
		{"7.4.4 no cap", devicecheck.FortiAddress, nil, many, Pre744MaxEntries + 100, map[string]int{}},
		{"bytes", devicecheck.FortiCategory, map[string]string{"fortios": "pre-7.4.4"}, long, (10 << 20) / entrySize, map[string]int{DropSizeCap: 70000 - (10<<20)/entrySize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, drops := rendertest.Output(t, Renderer{}, rendertest.Request("", tt.opts), tt.in)
			lim := devicecheck.FortiLimits{}
			if tt.opts["fortios"] == "pre-7.4.4" {
				lim = devicecheck.FortiPre744
			}
			if vs := devicecheck.CheckFortiOS(tt.feed, out, lim); len(vs) > 0 {
				t.Fatal(devicecheck.Error(vs, 10))
			}
			lines := devicecheck.Lines(out)
			if len(lines) != tt.lines || !maps.Equal(drops, tt.drops) {
				t.Errorf("%d lines, drops %v; want %d, %v", len(lines), drops, tt.lines, tt.drops)
			}
			// The newest entries are kept: the last input is always there.
			if last := tt.in[len(tt.in)-1].Value; !slices.Contains(lines, last) {
				t.Errorf("newest entry %s left out", last)
			}
		})
	}
}

func potential(feed Feed, pair bool, in indicator.Indicator) int {
	if feed == FeedDomain && in.Type == indicator.Domain && pair {
		return 2
	}
	return 1
}

// feedCase is a feed type rendered from a data type, the indicators of
// types, with opts, and checked as the FortiOS feed check.
type feedCase struct {
	feed     Feed
	dataType string
	check    devicecheck.FortiFeed
	types    []indicator.Type
	opts     map[string]string
}

// TestDeviceRules renders Sample, generated and real data as each feed
// type, checks the output against the FortiOS rules, and checks that every
// input line is either written or reported as dropped.
func TestDeviceRules(t *testing.T) {
	feeds := []feedCase{
		{FeedAddress, "ipv4ext", devicecheck.FortiAddress, rendertest.IPTypes, nil},
		{FeedAddress, "ipv6", devicecheck.FortiAddress, rendertest.IPTypes, map[string]string{"fortios": "pre-7.4.4", "max_entries": "2000"}},
		{FeedDomain, "domain", devicecheck.FortiDomain, rendertest.NameTypes, nil},
		{FeedDomain, "hostname", devicecheck.FortiDomain, rendertest.NameTypes, map[string]string{"domain_wildcards": "exact"}},
		{FeedCategory, "url", devicecheck.FortiCategory, []indicator.Type{indicator.URL}, nil},
		{FeedCategory, "url", devicecheck.FortiCategory, []indicator.Type{indicator.URL}, map[string]string{"url_scheme": "strip"}},
		{FeedMalware, "", devicecheck.FortiMalware, rendertest.HashTypes, nil},
		{FeedMalware, "file-md5", devicecheck.FortiMalware, rendertest.HashTypes, map[string]string{"hash_type": "md5"}},
	}
	name := func(f feedCase) string { return fmt.Sprintf("%s/%v", f.feed, f.opts) }
	rendertest.Across(t, rendertest.Sets(t, 100_000, 13), feeds, name, func(t *testing.T, set []indicator.Indicator, f feedCase) {
		ins := rendertest.OfTypes(set, f.types...)
		got := rendertest.Render(t, Renderer{}, rendertest.Request(f.dataType, f.opts), ins)
		lim := devicecheck.FortiLimits{}
		if f.opts["fortios"] == "pre-7.4.4" {
			lim = devicecheck.FortiPre744
		}
		if vs := devicecheck.CheckFortiOS(f.check, got.Out, lim); len(vs) > 0 {
			t.Fatal(devicecheck.Error(vs, 20))
		}
		pair := f.opts["domain_wildcards"] != "exact"
		rendertest.Potential(t, got, ins, func(in indicator.Indicator) int { return potential(f.feed, pair, in) }, 0)
	})
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"feed": "domain", "domain_wildcards": "exact", "url_scheme": "strip", "hash_type": "sha256", "fortios": "pre-7.4.4", "max_entries": "100000"},
		Unknown: "comments",
		Bad: map[string][]string{
			"feed":             {"mac-address"},
			"domain_wildcards": {"any"},
			"url_scheme":       {"https"},
			"hash_type":        {"sha512"},
			"fortios":          {"7.2"},
			"max_entries":      {"-5"},
		},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(dataType string) renderers.Request { return rendertest.Request(dataType, nil) }, []rendertest.BenchCase{
		{"mixed-1M", "", nil}, // the address feed of the majority kind
		{"address", "ipv4ext", rendertest.IPTypes},
		{"domain", "domain", rendertest.NameTypes},
		{"category", "url", []indicator.Type{indicator.URL}},
		{"malware", "file-sha256", rendertest.HashTypes},
	})
}

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"domain_wildcards": "exact", "url_scheme": "strip"},
	{"fortios": "pre-7.4.4", "max_entries": "3"},
	{"feed": "malware", "hash_type": "md5"},
	{"feed": "category"},
}

// FuzzRender checks the output against the FortiOS rules for its feed
// type and caps (devicecheck.CheckFortiOS) and that every input entry is
// either a line or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		opts := req.Options
		dt, _ := indicator.LookupDataType(req.DataType)
		feed := fuzzFeed(dt, opts["feed"])
		lim := devicecheck.FortiLimits{}
		if opts["fortios"] == "pre-7.4.4" {
			lim = devicecheck.FortiPre744
		}
		if vs := devicecheck.CheckFortiOS(feed, got.Out, lim); len(vs) > 0 {
			t.Fatalf("FortiOS rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		lines := devicecheck.Lines(got.Out)
		want := 0
		for _, in := range ins {
			want++
			if feed == devicecheck.FortiDomain && in.Type == indicator.Domain && opts["domain_wildcards"] != "exact" {
				want++
			}
		}
		if n := len(lines) + got.DropTotal(); n != want {
			t.Fatalf("%d lines + %v dropped, want %d entries in all\n%s", len(lines), got.Drops, want, got.Out)
		}
		if feed == devicecheck.FortiMalware && opts["hash_type"] == "md5" {
			if i := slices.IndexFunc(lines, func(l string) bool { return len(l) != 32 }); i >= 0 {
				t.Fatalf("line %q in an md5 feed", lines[i])
			}
		}
		if feed == devicecheck.FortiCategory && opts["url_scheme"] == "strip" {
			if i := slices.IndexFunc(lines, func(l string) bool { return devicecheck.SchemeEnd(l) >= 0 }); i >= 0 {
				t.Fatalf("line %q keeps its scheme", lines[i])
			}
		}
	})
}

// fuzzFeed is the feed type the renderer picks for dt or the option.
func fuzzFeed(dt indicator.DataType, option string) devicecheck.FortiFeed {
	switch {
	case option == "category" || option == "" && dt.Yields.Has(indicator.URL):
		return devicecheck.FortiCategory
	case option == "domain" || option == "" && (dt.Yields.Has(indicator.Domain) || dt.Yields.Has(indicator.Hostname)):
		return devicecheck.FortiDomain
	case option == "malware" || option == "" && dt.Yields&indicator.SetOf(indicator.MD5, indicator.SHA1, indicator.SHA256) != 0:
		return devicecheck.FortiMalware
	}
	return devicecheck.FortiAddress
}
