package suricata

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// Suricata 7 refuses a hostbits direction other than src or dst, or any
// field after it; an xbits expiry of 0, out of 32 bits or not a number; an
// xbits noalert in any form; a flowint value above 32 bits or more
// than 10 digits long; and a flowint modifier other than isset, notset or
// isnotset without a target. A rule it refuses fails the whole ruleset
// under suricata -T, so such a rule is dropped; the others are kept and
// load.
func TestStateOptionValues(t *testing.T) {
	cases := []struct{ opts, want string }{
		{`hostbits:set,a,src;`, `hostbits:set,cratos_a,src;`},
		{`hostbits:isset,a, dst ;`, `hostbits:isset,cratos_a, dst ;`},
		{`hostbits:set,b,both;`, ""},
		{`hostbits:set,b,any;`, ""},
		{`hostbits:set,b,;`, ""},
		{`hostbits:set,b,src,expire 10;`, ""},
		{`xbits:set,c,track ip_pair,expire 1;`, `xbits:set,cratos_c,track ip_pair,expire 1;`},
		{`xbits:set,c,track ip_src, expire  4294967295;`, `xbits:set,cratos_c,track ip_src, expire  4294967295;`},
		{`xbits:set,c,track ip_dst,other;`, `xbits:set,cratos_c,track ip_dst,other;`},
		{`xbits:isset,c,track ip_src; flowbits:noalert;`, `xbits:isset,cratos_c,track ip_src; flowbits:noalert;`},
		{`xbits:noalert,track ip_src;`, ""},
		{`xbits:set,d,track ip_src,expire 0;`, ""},
		{`xbits:set,d,track ip_src,expire 4294967296;`, ""},
		{`xbits:set,d,track ip_src,expire x;`, ""},
		{`xbits:set,d,track ip_src,expire 0000000000000010;`, ""},
		{`xbits:noalert,d,track ip_src;`, ""},
		{`xbits:noalert,track ip_any;`, ""},
		{`flowint:nn,=,4294967295;`, `flowint:cratos_nn,=,4294967295;`},
		{`flowint:nn,isset;`, `flowint:cratos_nn,isset;`},
		{`flowint:m,=,4294967296;`, ""},
		{`flowint:m,=,00000000001;`, ""},
		{`flowint:m,+;`, ""},
		{`flowint:m,==;`, ""},
	}
	var opts, want, refusable []string
	for i, tc := range cases {
		opts = append(opts, tc.opts)
		want = append(want, tc.want)
		if tc.want == "" {
			refusable = append(refusable, mispRule(i, tc.opts))
		}
	}
	checkPassedThrough(t, opts, want)
	if testing.Short() {
		return
	}
	refused := realtools.SuricataRefused(t, testtool.Require(t, "suricata", "suricata"), refusable)
	for i, line := range refusable {
		if !slices.Contains(refused, i) {
			t.Errorf("dropped, yet Suricata loads it: %s", line)
		}
	}
}
