package dnsprimary

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestTSIGCheckOrder: a request's TSIG is checked in the order of RFC
// 8945 section 5.2, key, MAC (with the MAC sizes of section 5.2.2.1),
// time, truncation: a truncated MAC that verifies, signed outside the
// fudge, gets BADTIME (section 5.2.3), with the server's time for the
// client to see its skew, before BADTRUNC (section 5.2.4). It got
// BADTRUNC, and a client whose clock was off, told to send whole MACs,
// then got BADTIME.
func TestTSIGCheckOrder(t *testing.T) {
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.TSIG = testKey()
	s := startServer(t, time.Now, z)
	tests := []struct {
		name     string
		skew     time.Duration // of the client's clock
		octets   int           // of the hmac-sha256 MAC sent; 0: all 32
		tamper   bool
		want     int
		wantTSIG int // the answer's TSIG error; -1: no TSIG
	}{
		{"whole, in time", 0, 0, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"whole, an hour behind", -time.Hour, 0, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated, in time", 0, 16, false, dns.RcodeNotAuth, dns.RcodeBadTrunc},
		{"truncated, an hour behind", -time.Hour, 16, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated, an hour ahead", time.Hour, 16, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated and wrong, an hour behind", -time.Hour, 16, true, dns.RcodeNotAuth, dns.RcodeBadSig},
		{"8 octets, an hour behind", -time.Hour, 8, false, dns.RcodeFormatError, -1},
		{"40 octets, an hour behind", -time.Hour, 40, false, dns.RcodeFormatError, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := exchangeSignedAt(t, s.Addr(), time.Now().Add(tt.skew), tt.octets, tt.tamper)
			if resp.Rcode != tt.want {
				t.Fatalf("rcode %s, want %s", dns.RcodeToString[resp.Rcode], dns.RcodeToString[tt.want])
			}
			ts := resp.IsTsig()
			switch {
			case tt.wantTSIG < 0 && ts != nil:
				t.Errorf("answer carries a TSIG: %v", ts)
			case tt.wantTSIG >= 0 && (ts == nil || int(ts.Error) != tt.wantTSIG):
				t.Errorf("answer TSIG %v, want error %s", ts, dns.RcodeToString[tt.wantTSIG])
			case tt.wantTSIG == dns.RcodeBadTime && ts.OtherLen != 6:
				t.Errorf("BADTIME without the server's time: %v", ts)
			}
		})
	}
}
