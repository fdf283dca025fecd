package dnsprimary

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestEmptyZoneChecksAccessFirst: a zone without content yet (its first
// build failed) answers a client it does not allow REFUSED, as it would
// with content, and counts its transfers as refused; only an allowed
// client learns of the SERVFAIL.
func TestEmptyZoneChecksAccessFirst(t *testing.T) {
	other := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	tests := []struct {
		name        string
		allow       []netip.Prefix
		key         *TSIGKey // the zone's
		sign        bool     // the requests are signed with the zone's key
		wantXfr     int      // the rcode of transfers
		wantQuery   int      // the rcode of ordinary queries, which need no key
		wantRefused uint64   // transfers counted as refused
	}{
		{"address not allowed", other, nil, false, dns.RcodeRefused, dns.RcodeRefused, 3},
		{"address not allowed, signed", other, testKey(), true, dns.RcodeRefused, dns.RcodeRefused, 3},
		{"allowed address, unsigned", loopback, testKey(), false, dns.RcodeRefused, dns.RcodeServerFailure, 3},
		{"allowed", loopback, nil, false, dns.RcodeServerFailure, dns.RcodeServerFailure, 0},
		{"allowed, signed", loopback, testKey(), true, dns.RcodeServerFailure, dns.RcodeServerFailure, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := newTestZone(&fakeSource{err: errors.New("misp unreachable")})
			z.AllowTransfer, z.TSIG = tt.allow, tt.key
			s := startServer(t, newClock().Now, z)
			requests := []struct {
				network string
				msg     *dns.Msg
			}{
				{"tcp", new(dns.Msg).SetAxfr(testZone)},
				{"tcp", new(dns.Msg).SetIxfr(testZone, 1, "a.", "b.")},
				{"udp", new(dns.Msg).SetIxfr(testZone, 1, "a.", "b.")},
				{"udp", new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)},
				{"tcp", new(dns.Msg).SetQuestion("bad.example."+testZone, dns.TypeCNAME)},
			}
			for _, req := range requests {
				q := req.msg.Question[0]
				c := &dns.Client{Net: req.network, Timeout: time.Minute}
				if tt.sign {
					c.TsigSecret = map[string]string{testKeyName: testSecret}
					req.msg.SetTsig(testKeyName, dns.HmacSHA256, 300, time.Now().Unix())
				}
				r, _, err := c.Exchange(req.msg, s.Addr())
				if r == nil {
					t.Fatalf("%s %s over %s: no answer: %v", q.Name, dns.TypeToString[q.Qtype], req.network, err)
				}
				want := tt.wantQuery
				if q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
					want = tt.wantXfr
				}
				if r.Rcode != want {
					t.Errorf("%s %s over %s: rcode %s, want %s", q.Name, dns.TypeToString[q.Qtype], req.network,
						dns.RcodeToString[r.Rcode], dns.RcodeToString[want])
				}
			}
			if got := s.Stats()[0].TransfersRefused; got != tt.wantRefused {
				t.Errorf("TransfersRefused = %d, want %d", got, tt.wantRefused)
			}
		})
	}
}
