package rpz

import (
	"strconv"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

// TestEnforced loads a rendered zone into a recursive named and asks it
// for listed names, names under them and names beside them: exactly the
// names the indicators stand for are answered NXDOMAIN.
func TestEnforced(t *testing.T) {
	in := indicator.Normalize([]indicator.Indicator{
		ind(indicator.Domain, "phish.example.test"),
		ind(indicator.Hostname, "login.phish.example.test"),
		ind(indicator.Domain, "a.b.phish.example.test"),
		ind(indicator.Domain, "evil.example.test"),
		ind(indicator.Hostname, "host.example.test"),
		ind(indicator.Hostname, "www.clean.example.test"),
		ind(indicator.Hostname, "_srv.under.example.test"),
	})
	got := conformance.Render(t, Renderer{}, rendertest.BlockRequest("domain", map[string]string{"origin": "rpz.local"}), in)
	port := realtools.StartRPZResolver(t, string(got.Out))
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cases := []struct {
		name    string
		blocked bool
	}{
		{"phish.example.test", true},
		{"x.phish.example.test", true},
		{"login.phish.example.test", true},
		{"a.login.phish.example.test", true},
		{"b.phish.example.test", true},
		{"c.b.phish.example.test", true},
		{"a.b.phish.example.test", true},
		{"z.a.b.phish.example.test", true},
		{"evil.example.test", true},
		{"x.y.evil.example.test", true},
		{"EVIL.Example.Test", true},
		{"notevil.example.test", false},
		{"evil.example.test.example.test", false},
		{"host.example.test", true},
		{"sub.host.example.test", false},
		{"clean.example.test", false},
		{"www.clean.example.test", true},
		{"_srv.under.example.test", true},
		{"under.example.test", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := realtools.Query(t, addr, tc.name, dns.TypeA)
			if err != nil {
				t.Fatal(err)
			}
			want := dns.RcodeSuccess
			if tc.blocked {
				want = dns.RcodeNameError
			}
			if r.Rcode != want {
				t.Errorf("%s: %s, want %s\nzone:\n%s", tc.name, dns.RcodeToString[r.Rcode], dns.RcodeToString[want], got.Out)
			}
		})
	}
}
