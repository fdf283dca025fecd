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
	testMACCases(t, []macCase{
		{"whole, in time", 0, 0, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"whole, an hour behind", -time.Hour, 0, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated, in time", 0, 16, false, dns.RcodeNotAuth, dns.RcodeBadTrunc},
		{"truncated, an hour behind", -time.Hour, 16, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated, an hour ahead", time.Hour, 16, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"truncated and wrong, an hour behind", -time.Hour, 16, true, dns.RcodeNotAuth, dns.RcodeBadSig},
		{"8 octets, an hour behind", -time.Hour, 8, false, dns.RcodeFormatError, -1},
		{"40 octets, an hour behind", -time.Hour, 40, false, dns.RcodeFormatError, -1},
	})
}
