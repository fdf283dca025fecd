package dnsprimary

import (
	"net"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// A secondary on a link-local address arrives with the address's zone
// (fe80::53%eth0), which no netip.Prefix contains: it is matched without
// it, so fe80::/10 in allow_transfer or allow_query lets it in, over UDP
// and TCP and through the listener's stranger cap.
func TestLinkLocalClientsMatchTheACLs(t *testing.T) {
	linkLocal := []netip.Prefix{netip.MustParsePrefix("fe80::/10")}
	tests := []struct {
		name     string
		transfer []netip.Prefix
		query    []netip.Prefix
		client   net.Addr
		want     bool
	}{
		{"transfer list, TCP", linkLocal, nil, &net.TCPAddr{IP: net.ParseIP("fe80::53"), Zone: "eth0", Port: 4053}, true},
		{"transfer list, UDP", linkLocal, nil, &net.UDPAddr{IP: net.ParseIP("fe80::53"), Zone: "eth0", Port: 4053}, true},
		{"query list, TCP", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, linkLocal, &net.TCPAddr{IP: net.ParseIP("fe80::53"), Zone: "2", Port: 4053}, true},
		{"another net", []netip.Prefix{netip.MustParsePrefix("fe80::/64")}, nil, &net.TCPAddr{IP: net.ParseIP("fe80:1::53"), Zone: "eth0", Port: 4053}, false},
		{"IPv4-mapped", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, nil, &net.TCPAddr{IP: net.ParseIP("::ffff:192.0.2.7"), Port: 4053}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
			z.AllowTransfer, z.AllowQuery = tt.transfer, tt.query
			cfg, err := z.validate()
			if err != nil {
				t.Fatal(err)
			}
			zs := &zoneState{cfg: cfg}
			s := &Server{list: []*zoneState{zs}}
			remote, _ := peer(tt.client)
			if got := s.known(remote.Addr()); got != tt.want {
				t.Errorf("known(%s) = %v, want %v", remote, got, tt.want)
			}
			soa := dns.Question{Name: dns.Fqdn(testZone), Qtype: dns.TypeSOA, Qclass: dns.ClassINET}
			if got := zs.queryAllowed(soa, remote.Addr()); got != tt.want {
				t.Errorf("queryAllowed(SOA, %s) = %v, want %v", remote, got, tt.want)
			}
			if tt.query == nil {
				axfr := new(dns.Msg).SetAxfr(dns.Fqdn(testZone))
				if reason := zs.transferAllowed(axfr, remote); (reason == "") != tt.want {
					t.Errorf("transferAllowed(%s) = %q, want allowed %v", remote, reason, tt.want)
				}
			}
		})
	}
}
