package dnsprimary

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// TestQueryACL: ordinary queries are answered only to AllowQuery (by
// default AllowTransfer), so nobody else can test whether a name is on
// the block list. The apex SOA is answered to AllowTransfer as well:
// secondaries ask for it before every transfer.
func TestQueryACL(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1)}
	other := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	tests := []struct {
		name            string
		transfer, query []netip.Prefix
		want, wantSOA   int
	}{
		{"default: the transfer list", loopback, nil, dns.RcodeSuccess, dns.RcodeSuccess},
		{"default: not on the transfer list", other, nil, dns.RcodeRefused, dns.RcodeRefused},
		{"allow_query listed", other, loopback, dns.RcodeSuccess, dns.RcodeSuccess},
		{"allow_query elsewhere, a secondary", loopback, other, dns.RcodeRefused, dns.RcodeSuccess},
		{"allow_query elsewhere, a stranger", other, other, dns.RcodeRefused, dns.RcodeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := newTestZone(src)
			z.AllowTransfer, z.AllowQuery = tt.transfer, tt.query
			s := startServer(t, newClock().Now, z)
			for _, qtype := range []uint16{dns.TypeSOA, dns.TypeCNAME, dns.TypeA} {
				for _, network := range []string{"udp", "tcp"} {
					r, want := query(t, s.Addr(), network, "bad.example."+testZone, qtype), tt.want
					if qtype == dns.TypeSOA {
						r, want = query(t, s.Addr(), network, testZone, qtype), tt.wantSOA
					}
					if r.Rcode != want {
						t.Errorf("%s %s: rcode %s, want %s", network, dns.TypeToString[qtype], dns.RcodeToString[r.Rcode], dns.RcodeToString[want])
					}
					if want == dns.RcodeRefused && len(r.Answer)+len(r.Ns) != 0 {
						t.Errorf("%s %s: a refused query carried records", network, dns.TypeToString[qtype])
					}
				}
			}
		})
	}
}
