package unbound

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
)

// TestRealTool checks each list with unbound-checkconf through an
// include:, runs a real unbound on a loopback port with it, counts the
// local zones unbound holds (unbound-control list_local_zones) against
// the names written and the indicators minus the reported drops, and asks
// it for listed names, their subdomains and a name it answers itself.
func TestRealTool(t *testing.T) {
	rendertest.Resolver(t, Renderer{}, "policy", "always_refuse", "redirect", checkConf, func(t *testing.T, zones []zone, got conformance.Rendered) {
		u, err := realtools.StartUnbound(t, string(got.Out))
		if err != nil {
			t.Fatal(err)
		}
		policy := zones[0].policy
		loaded, err := u.LocalZones(t)
		if err != nil {
			t.Fatal(err)
		}
		held := heldZones(zones, loaded)
		if held != len(zones) {
			t.Errorf("unbound holds %d of the %d %s zones of the list", held, len(zones), policy)
		}
		// Ask for a few names across the list, and a subdomain of each.
		for _, k := range []int{0, len(zones) / 3, len(zones) / 2, len(zones) - 1} {
			z := zones[k]
			for _, name := range []string{z.name, "deep.sub." + z.name} {
				if len(name) > 253 {
					continue
				}
				checkAnswer(t, u.Addr, name, z)
			}
		}
		r, err := realtools.Query(t, u.Addr, realtools.ProbeName, dns.TypeA)
		if err != nil || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Errorf("probe name: %v %v", r, err)
		}
		t.Logf("%d zones loaded", held)
	})
}

// heldZones counts the zones of the list that unbound lists with their
// policy; a long name unbound-control printed cut short ("…&") counts
// when it starts one of the list's names of that policy.
func heldZones(zones []zone, loaded map[string]string) int {
	policy := map[string]string{}
	for _, z := range zones {
		policy[z.name] = z.policy
	}
	held := 0
	for name, typ := range loaded {
		if cut, ok := strings.CutSuffix(name, "&"); ok {
			for _, z := range zones {
				if z.policy == typ && strings.HasPrefix(z.name, cut) {
					held++
					break
				}
			}
			continue
		}
		if p, ok := policy[name]; ok && p == typ {
			held++
		}
	}
	return held
}

// checkAnswer asks for name (A, and AAAA for redirect) and checks the
// answer the zone's policy gives.
func checkAnswer(t *testing.T, addr, name string, z zone) {
	t.Helper()
	r, err := realtools.Query(t, addr, name, dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	switch z.policy {
	case NXDomain:
		if r.Rcode != dns.RcodeNameError {
			t.Errorf("%s: rcode %s, want NXDOMAIN", name, dns.RcodeToString[r.Rcode])
		}
	case Refuse:
		if r.Rcode != dns.RcodeRefused {
			t.Errorf("%s: rcode %s, want REFUSED", name, dns.RcodeToString[r.Rcode])
		}
	case Redirect:
		r6, err := realtools.Query(t, addr, name, dns.TypeAAAA)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rr := range append(r.Answer, r6.Answer...) {
			switch rr := rr.(type) {
			case *dns.A:
				got = append(got, "A "+rr.A.String())
			case *dns.AAAA:
				got = append(got, "AAAA "+rr.AAAA.String())
			}
		}
		if r.Rcode != dns.RcodeSuccess || strings.Join(got, ",") != strings.Join(z.data, ",") {
			t.Errorf("%s: rcode %s, answers %v, want %v", name, dns.RcodeToString[r.Rcode], got, z.data)
		}
	}
}
