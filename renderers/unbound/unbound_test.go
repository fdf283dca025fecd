package unbound

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

var ind = rendertest.Of

const head = "# Cratos block list for Unbound: include: it from unbound.conf.\nserver:\n"

func TestRender(t *testing.T) {
	rendertest.Rows(t, Renderer{}, rendertest.WithOptions, rendertest.Prefixed(head, []rendertest.Row{
		{"nxdomain, covered names left out", nil, rendertest.CoveredNames(),
			`local-zone: "bad.example." always_nxdomain
local-zone: "notbad.example." always_nxdomain
`, map[string]int{"unbound " + nameset.ReasonCovered: 2, "unbound " + nameset.ReasonDuplicate: 1}},
		{"refuse", map[string]string{"policy": "always_refuse"}, []indicator.Indicator{ind(indicator.Domain, "_dmarc.bad.example")},
			"local-zone: \"_dmarc.bad.example.\" always_refuse\n", nil},
		{"redirect", map[string]string{"policy": "redirect", "sinkhole_a": "192.0.2.10", "sinkhole_aaaa": "2001:DB8::0:1"}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			`local-zone: "bad.example." redirect
local-data: "bad.example. A 192.0.2.10"
local-data: "bad.example. AAAA 2001:db8::1"
`, nil},
		{"injection refused", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example\" always_transparent\nlocal-zone: \"x"), ind(indicator.Domain, "a b.example"),
			ind(indicator.Domain, "bad.example.# x"), ind(indicator.Hostname, "x\\.example"), ind(indicator.Domain, "BAD.example")},
			"", map[string]int{"unbound " + nameset.ReasonSyntax: 5}},
		{"limits", nil, []indicator.Indicator{ind(indicator.Domain, "com"), ind(indicator.Domain, string(make([]byte, 64))+".example")},
			"", map[string]int{"unbound " + nameset.ReasonSingle: 1, "unbound " + nameset.ReasonSyntax: 1}},
		{"public suffix refused", nil, []indicator.Indicator{ind(indicator.Domain, "co.uk"), ind(indicator.Hostname, "com.br"), ind(indicator.Domain, "bad.co.uk")},
			"local-zone: \"bad.co.uk.\" always_nxdomain\n", map[string]int{"unbound " + nameset.ReasonSuffix: 2}},
		{"not a name", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1")}, "", map[string]int{DropNotName: 1}},
	}), nil)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"policy": "redirect", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": "2001:db8::1"},
		Unknown: "ttl",
		Bad: map[string][]string{
			"policy":        {"static"},
			"sinkhole_a":    {"::1", "0.0.0.0\"\nlocal-zone"},
			"sinkhole_aaaa": {"192.0.2.1", "fe80::1%eth0"},
		},
		More: []rendertest.OptionCase{
			{Name: "redirect, A only", Options: map[string]string{"policy": "redirect", "sinkhole_aaaa": ""}},
			{Name: "AAAA mapped", Options: map[string]string{"sinkhole_aaaa": "::ffff:192.0.2.1"}},
			{Name: "redirect to nothing", Options: map[string]string{"policy": "redirect", "sinkhole_a": "", "sinkhole_aaaa": ""}, WantErr: "needs"},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, rendertest.WithOptions(nil)) }

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"policy": "always_refuse"},
	{"policy": "redirect", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": ""},
}

// FuzzRender checks that every output reads under checkConf (only
// server:, local-zone and local-data lines of plain names, none
// overlapping) and that every input is a zone or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzCounted(f, Renderer{}, fuzzOptions, rendertest.Count(checkConf))
}

// zone is one local-zone checkConf read, with its local-data records.
type zone struct {
	name, policy string
	data         []string // "A 0.0.0.0", "AAAA ::"
}

// checkConf reads an include file the way this renderer writes it and
// Unbound reads it: comment lines, "server:", then local-zone lines of a
// quoted plain DNS name (nameset.Check) with a final dot and one of the
// three policies, each redirect zone followed by local-data lines of
// that name with an A or AAAA record of a valid address. No name is
// listed twice or under another listed name. Any other line is an error,
// so no value can have added a directive.
func checkConf(text string) ([]zone, error) {
	lines, i, err := rendertest.CommentedLines(text)
	if err != nil {
		return nil, err
	}
	if i >= len(lines) || lines[i] != "server:" {
		return nil, fmt.Errorf("no server: clause")
	}
	var zones []zone
	seen := rendertest.NameSet{}
	for i++; i < len(lines); i++ {
		l := lines[i]
		if rest, ok := strings.CutPrefix(l, "local-data: \""); ok {
			if len(zones) == 0 || zones[len(zones)-1].policy != Redirect {
				return nil, fmt.Errorf("line %d: local-data outside a redirect zone", i+1)
			}
			z := &zones[len(zones)-1]
			rr, ok := strings.CutSuffix(strings.TrimPrefix(rest, z.name+". "), "\"")
			typ, addr, _ := strings.Cut(rr, " ")
			a, err := netip.ParseAddr(addr)
			if !ok || !strings.HasPrefix(rest, z.name+". ") || err != nil || a.String() != addr ||
				!(typ == "A" && a.Is4() || typ == "AAAA" && a.Is6()) {
				return nil, fmt.Errorf("line %d: %q", i+1, l)
			}
			z.data = append(z.data, rr)
			continue
		}
		rest, ok := strings.CutPrefix(l, "local-zone: \"")
		name, policy, ok2 := strings.Cut(rest, ".\" ")
		if !ok || !ok2 || nameset.Check(name) != "" || (policy != NXDomain && policy != Refuse && policy != Redirect) {
			return nil, fmt.Errorf("line %d: %q is not a local-zone this renderer writes", i+1, l)
		}
		if err := seen.Add(name); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		zones = append(zones, zone{name: name, policy: policy})
	}
	for _, z := range zones {
		if z.policy == Redirect && len(z.data) == 0 {
			return nil, fmt.Errorf("redirect zone %s without local-data", z.name)
		}
	}
	if err := seen.Nested(); err != nil {
		return nil, err
	}
	return zones, nil
}

// TestRealTool checks each list with unbound-checkconf through an
// include:, runs a real unbound on a loopback port with it, counts the
// local zones unbound holds (unbound-control list_local_zones) against
// the names written and the indicators minus the reported drops, and asks
// it for listed names, their subdomains and a name it answers itself.
func TestRealTool(t *testing.T) {
	rendertest.Resolver(t, Renderer{}, "policy", "always_refuse", "redirect", checkConf, func(t *testing.T, zones []zone, got rendertest.Rendered) {
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
