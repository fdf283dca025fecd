package nftables

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

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
	real, _ := conformance.RealData(t)
	block := func(opts map[string]string) renderers.Request { return request("block", opts) }
	rendertest.Each(t, Renderer{}, block, []rendertest.Case{
		{"sample", conformance.Sample(), nil},
		{"tricky", tricky(), nil},
		{"tricky, size", tricky(), map[string]string{"size": "3", "table": "filter_ti", "set_prefix": "ti"}},
		{"real data", real, nil},
	}, func(t *testing.T, opts map[string]string, in []indicator.Indicator, got conformance.Rendered) {
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
			in := conformance.OfTypes(real, d.Yields.Types()...)
			req := request("block", nil)
			req.DataType = dt
			got := conformance.Render(t, Renderer{}, req, in)
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
