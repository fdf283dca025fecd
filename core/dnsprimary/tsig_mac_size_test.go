package dnsprimary

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestTSIGMACSize: a request whose MAC is cut short or too long gets the
// answer RFC 8945 section 5.2 asks for, not BADSIG, which reads as a
// wrong secret: FORMERR for a size no signer may send (more than the
// hash, less than 10 octets or half the hash), and, for a MAC truncated
// as section 5.2.2.1 allows that verifies, NOTAUTH with TSIG error
// BADTRUNC (section 5.2.4): the server takes only whole MACs.
func TestTSIGMACSize(t *testing.T) {
	testMACCases(t, []macCase{
		{"whole MAC", 0, 0, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"whole MAC, wrong", 0, 0, true, dns.RcodeNotAuth, dns.RcodeBadSig},
		{"truncated to 16 octets", 0, 16, false, dns.RcodeNotAuth, dns.RcodeBadTrunc},
		{"truncated to 16 octets, wrong", 0, 16, true, dns.RcodeNotAuth, dns.RcodeBadSig},
		{"8 octets: under the minimum", 0, 8, false, dns.RcodeFormatError, -1},
		{"40 octets: over the hash", 0, 40, false, dns.RcodeFormatError, -1},
	})
}

// TestTSIGTruncatedKey: a key configured truncated, as BIND's
// hmac-sha256-192, takes a MAC of its length or longer (RFC 8945 section
// 5.2.2.1), and answers a shorter one that verifies BADTRUNC (section
// 5.2.4). Every truncated MAC got BADTRUNC.
func TestTSIGTruncatedKey(t *testing.T) {
	testMACCasesAlg(t, "hmac-sha256-192", []macCase{
		{"whole MAC", 0, 0, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"24 octets: the key's length", 0, 24, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"28 octets", 0, 28, false, dns.RcodeSuccess, dns.RcodeSuccess},
		{"24 octets, wrong", 0, 24, true, dns.RcodeNotAuth, dns.RcodeBadSig},
		{"16 octets: under the key's length", 0, 16, false, dns.RcodeNotAuth, dns.RcodeBadTrunc},
		{"24 octets, an hour behind", -time.Hour, 24, false, dns.RcodeNotAuth, dns.RcodeBadTime},
		{"8 octets: under the minimum", 0, 8, false, dns.RcodeFormatError, -1},
	})
}

// macCase is an SOA query signed with the test key, its MAC altered, and
// the answer it gets.
type macCase struct {
	name     string
	skew     time.Duration // of the client's clock
	octets   int           // of the hmac-sha256 MAC sent; 0: all 32
	tamper   bool          // flip a bit of the MAC sent
	want     int
	wantTSIG int // the answer's TSIG error; -1: no TSIG
}

// testMACCases sends each case's query over UDP to a server of the test
// zone with the test key, and checks its answer: the rcode, the TSIG
// error, and the server's time beside a BADTIME.
func testMACCases(t *testing.T, tests []macCase) {
	t.Helper()
	testMACCasesAlg(t, "", tests)
}

// testMACCasesAlg is testMACCases with the server's key of algorithm alg,
// an hmac-sha256 one, perhaps truncated.
func testMACCasesAlg(t *testing.T, alg string, tests []macCase) {
	t.Helper()
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.TSIG = testKey()
	z.TSIG.Algorithm = alg
	s := startServer(t, time.Now, z)
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

// exchangeSignedAt sends an SOA query signed at signed with the test key
// whose MAC is cut to, or padded to, octets (all when 0), and tampered
// with, over UDP, and returns the answer.
func exchangeSignedAt(t *testing.T, addr string, signed time.Time, octets int, tamper bool) *dns.Msg {
	t.Helper()
	msg := signAt(t, new(dns.Msg).SetQuestion(testZone, dns.TypeSOA), signed)
	ts := msg.IsTsig()
	mac := []byte(ts.MAC) // hex
	if tamper {
		if mac[0] == '0' {
			mac[0] = '1'
		} else {
			mac[0] = '0'
		}
	}
	if octets > 0 {
		for len(mac) < 2*octets {
			mac = append(mac, '0')
		}
		mac = mac[:2*octets]
	}
	ts.MAC, ts.MACSize = string(mac), uint16(len(mac)/2)
	return rawExchange(t, "udp", addr, msg)
}
