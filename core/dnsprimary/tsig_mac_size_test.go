package dnsprimary

import (
	"net"
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
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.TSIG = testKey()
	s := startServer(t, time.Now, z)
	tests := []struct {
		name     string
		octets   int  // of the hmac-sha256 MAC sent; 0: all 32
		tamper   bool // flip a bit of the MAC sent
		want     int
		signed   bool   // the answer carries a TSIG
		wantTSIG uint16 // its error
	}{
		{"whole MAC", 0, false, dns.RcodeSuccess, true, dns.RcodeSuccess},
		{"whole MAC, wrong", 0, true, dns.RcodeNotAuth, true, dns.RcodeBadSig},
		{"truncated to 16 octets", 16, false, dns.RcodeNotAuth, true, dns.RcodeBadTrunc},
		{"truncated to 16 octets, wrong", 16, true, dns.RcodeNotAuth, true, dns.RcodeBadSig},
		{"8 octets: under the minimum", 8, false, dns.RcodeFormatError, false, 0},
		{"40 octets: over the hash", 40, false, dns.RcodeFormatError, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := exchangeWithMAC(t, s.Addr(), tt.octets, tt.tamper)
			if resp.Rcode != tt.want {
				t.Fatalf("rcode %s, want %s", dns.RcodeToString[resp.Rcode], dns.RcodeToString[tt.want])
			}
			ts := resp.IsTsig()
			switch {
			case !tt.signed && ts != nil:
				t.Errorf("answer carries a TSIG: %v", ts)
			case tt.signed && (ts == nil || ts.Error != tt.wantTSIG):
				t.Errorf("answer TSIG %v, want error %s", ts, dns.RcodeToString[int(tt.wantTSIG)])
			}
		})
	}
}

// exchangeWithMAC sends an SOA query signed now with the test key whose
// MAC is cut to, or padded to, octets (all when 0), and tampered with,
// over UDP, and returns the answer.
func exchangeWithMAC(t *testing.T, addr string, octets int, tamper bool) *dns.Msg {
	t.Helper()
	return exchangeSignedAt(t, addr, time.Now(), octets, tamper)
}

// exchangeSignedAt is exchangeWithMAC with the request signed at signed.
func exchangeSignedAt(t *testing.T, addr string, signed time.Time, octets int, tamper bool) *dns.Msg {
	t.Helper()
	req := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
	req.SetTsig(testKeyName, dns.HmacSHA256, 300, signed.Unix())
	wire, _, err := dns.TsigGenerate(req, testSecret, "", false)
	if err != nil {
		t.Fatal(err)
	}
	msg := new(dns.Msg)
	if err := msg.Unpack(wire); err != nil {
		t.Fatal(err)
	}
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
	wire, err = msg.Pack()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := conn.Write(wire); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	resp := new(dns.Msg)
	if err := resp.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	return resp
}
