package squid

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// request is a URL sent through a real squid and whether the list must
// deny it.
type request struct {
	url     string
	blocked bool
}

// TestRealProxy runs a real squid with each kind of list and sends it
// requests: exactly the listed ones must be denied.
func TestRealProxy(t *testing.T) {
	cases := []struct {
		kind  string
		in    []indicator.Indicator
		reqs  []request
		drops map[string]int
	}{
		{DstDomain, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "login.site.example"),
		}, []request{
			{"http://bad.example/", true}, {"http://www.bad.example:8080/x", true}, {"http://BAD.example./", true},
			{"http://notbad.example/", false}, {"http://bad.example.net/", false},
			{"http://login.site.example/", true}, {"http://LOGIN.site.example./x", true},
			{"http://x.login.site.example/", false}, {"http://site.example/", false},
		}, nil},
		// Squid holds IPv4 addresses as IPv4-mapped IPv6: an IPv6 net
		// holding ::ffff:0:0/96 would match every IPv4 destination.
		{Dst, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv6Net, "::/8"), ind(indicator.IPv6Net, "2001:db8::/32"),
		}, []request{
			{"http://198.51.100.7/", true}, {"http://[2001:db8::1]/", true},
			{"http://203.0.113.9/", false}, {"http://[2001:db9::1]/", false},
		}, map[string]int{DropMappedNet: 1}},
		{URLRegex, []indicator.Indicator{
			ind(indicator.URL, "http://bad.example/gate.php?id=1"),
			ind(indicator.URL, "http://bad.example/The%20Adventures.pdf"),
			ind(indicator.URL, "http://bad.example/inspection%5B.%5Dphp"),
			ind(indicator.URL, "http://bad.example/straße"),
			ind(indicator.URL, "http://bad.example/tail%20"),
			ind(indicator.URL, "http://bad.example/e%20%23f"),
			ind(indicator.URL, "http://bad.example/100%25"),
			ind(indicator.URL, "http://bad.example/x%83y"),
			ind(indicator.URL, "bad.example/no-scheme"),
		}, []request{
			{"http://bad.example/gate.php?id=1", true}, {"http://bad.example/gate%2Ephp?id=1&x", true},
			{"http://bad.example/gateXphp?id=1", false}, {"http://bad.example/gate.php?id=2", false},
			{"http://bad.example/The%20Adventures.pdf", true}, {"http://bad.example/The", false},
			{"http://bad.example/inspection%5B.%5Dphp", true}, {"http://bad.example/inspection.php", false},
			{"http://bad.example/stra%C3%9Fe", true}, {"http://bad.example/stra", false},
			{"http://bad.example/tail%20", true}, {"http://bad.example/tail", false}, {"http://bad.example/tails", false},
			{"http://bad.example/e%20%23f", true}, {"http://bad.example/e", false},
			{"http://bad.example/100%25", true}, {"http://bad.example/100", false},
			{"http://bad.example/x%83y", true}, {"http://bad.example/x%84y", false},
			{"http://bad.example/no-scheme", true}, {"http://good.example/no-scheme", false},
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, renderers.Request{Options: map[string]string{"acl": tc.kind}}, indicator.Normalize(tc.in))
			rendertest.ExpectDrops(t, got.Drops, tc.drops)
			s, err := realtools.StartSquid(t, tc.kind, string(got.Out))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tc.reqs {
				status, err := s.Status(r.url)
				if err != nil {
					t.Fatalf("%s: %v", r.url, err)
				}
				if want := map[bool]int{true: 403, false: 200}[r.blocked]; status != want {
					t.Errorf("%s: status %d, want %d; list:\n%s", r.url, status, want, got.Out)
				}
			}
		})
	}
}
