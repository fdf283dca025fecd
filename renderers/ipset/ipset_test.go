package ipset

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func request(feed, dataType string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example", Feed: feed, DataType: dataType, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Options: opts}
}

var ind = rendertest.Ind

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

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

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"set_prefix": "ti-misp", "maxelem": "65536"}},
		{Name: "longest prefix", Options: map[string]string{"set_prefix": strings.Repeat("p", 24)}},
		{Name: "unknown", Options: map[string]string{"hashsize": "4096"}, WantErr: `unknown option "hashsize"`},
		{Name: "prefix too long", Options: map[string]string{"set_prefix": strings.Repeat("p", 25)}, WantErr: "option set_prefix"},
		{Name: "prefix injection", Options: map[string]string{"set_prefix": "x\ndestroy"}, WantErr: "option set_prefix"},
		{Name: "prefix upper case", Options: map[string]string{"set_prefix": "TI"}, WantErr: "option set_prefix"},
		{Name: "maxelem zero", Options: map[string]string{"maxelem": "0"}, WantErr: "option maxelem"},
		{Name: "maxelem text", Options: map[string]string{"maxelem": "lots"}, WantErr: "option maxelem"},
		{Name: "maxelem too large", Options: map[string]string{"maxelem": "4294967296"}, WantErr: "option maxelem"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("block", "", nil)) }
