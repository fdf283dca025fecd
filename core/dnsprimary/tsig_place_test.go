package dnsprimary

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestTSIGNotLast: a request whose TSIG record is not the last record of
// its additional section gets FORMERR, unsigned (RFC 8945 section 5.2).
// The DNS library reads a signed request only from a TSIG in last place:
// such a request was read as unsigned, and an SOA query was answered,
// unsigned, a transfer refused as if no key had been sent.
func TestTSIGNotLast(t *testing.T) {
	s := startSignedServer(t)
	tests := []struct {
		name     string
		network  string
		qtype    uint16
		place    func(m *dns.Msg, opt, tsig dns.RR) // puts the signed request's OPT and TSIG
		want     int
		wantTSIG bool
	}{
		{"last, after an OPT", "udp", dns.TypeSOA, func(m *dns.Msg, opt, tsig dns.RR) {}, dns.RcodeSuccess, true},
		{"before an OPT", "udp", dns.TypeSOA, func(m *dns.Msg, opt, tsig dns.RR) { m.Extra = []dns.RR{tsig, opt} }, dns.RcodeFormatError, false},
		{"before an OPT, AXFR", "tcp", dns.TypeAXFR, func(m *dns.Msg, opt, tsig dns.RR) { m.Extra = []dns.RR{tsig, opt} }, dns.RcodeFormatError, false},
		{"twice", "udp", dns.TypeSOA, func(m *dns.Msg, opt, tsig dns.RR) { m.Extra = []dns.RR{tsig, dns.Copy(tsig)} }, dns.RcodeFormatError, false},
		{"in the answer section", "udp", dns.TypeSOA, func(m *dns.Msg, opt, tsig dns.RR) { m.Answer, m.Extra = []dns.RR{tsig}, []dns.RR{opt} }, dns.RcodeFormatError, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := new(dns.Msg).SetQuestion(testZone, tt.qtype)
			req.SetEdns0(1232, false)
			m := signAt(t, req, time.Now())
			tt.place(m, m.Extra[0], m.Extra[1])
			resp := rawExchange(t, tt.network, s.Addr(), m)
			checkSignedAnswer(t, resp, tt.want, tt.wantTSIG)
		})
	}
}

// TestTSIGClassAndTTL: a request whose TSIG record is of a class other
// than ANY (RFC 8945 section 4.2) gets FORMERR, unsigned, as from BIND; it
// was answered as signed. A TTL other than 0 is taken, as BIND takes it:
// the MAC covers it.
func TestTSIGClassAndTTL(t *testing.T) {
	s := startSignedServer(t)
	tests := []struct {
		name     string
		network  string
		qtype    uint16
		class    uint16
		ttl      uint32 // signed with it
		want     int
		wantTSIG bool
	}{
		{"ANY", "udp", dns.TypeSOA, dns.ClassANY, 0, dns.RcodeSuccess, true},
		{"IN", "udp", dns.TypeSOA, dns.ClassINET, 0, dns.RcodeFormatError, false},
		{"IN, AXFR", "tcp", dns.TypeAXFR, dns.ClassINET, 0, dns.RcodeFormatError, false},
		{"NONE", "udp", dns.TypeSOA, dns.ClassNONE, 0, dns.RcodeFormatError, false},
		{"ANY, TTL 5", "udp", dns.TypeSOA, dns.ClassANY, 5, dns.RcodeSuccess, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := new(dns.Msg).SetQuestion(testZone, tt.qtype)
			m := signWithTTL(t, req, time.Now(), tt.ttl)
			m.Extra[0].Header().Class = tt.class
			resp := rawExchange(t, tt.network, s.Addr(), m)
			checkSignedAnswer(t, resp, tt.want, tt.wantTSIG)
		})
	}
}

// signAt signs req with the test key as at signed and returns the signed
// request read back, its TSIG record last in Extra, for a test to alter.
func signAt(t *testing.T, req *dns.Msg, signed time.Time) *dns.Msg {
	t.Helper()
	return signWithTTL(t, req, signed, 0)
}

// signWithTTL is signAt with the TSIG record's TTL set to ttl before
// signing, so that the MAC covers it.
func signWithTTL(t *testing.T, req *dns.Msg, signed time.Time, ttl uint32) *dns.Msg {
	t.Helper()
	req.SetTsig(testKeyName, dns.HmacSHA256, 300, signed.Unix())
	req.IsTsig().Hdr.Ttl = ttl
	wire, _, err := dns.TsigGenerate(req, testSecret, "", false)
	if err != nil {
		t.Fatal(err)
	}
	m := new(dns.Msg)
	if err := m.Unpack(wire); err != nil {
		t.Fatal(err)
	}
	return m
}

// startSignedServer starts a server of the test zone with the test key.
func startSignedServer(t *testing.T) *Server {
	t.Helper()
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.TSIG = testKey()
	return startServer(t, time.Now, z)
}

// checkSignedAnswer checks the answer's rcode and whether it is signed.
func checkSignedAnswer(t *testing.T, resp *dns.Msg, want int, wantTSIG bool) {
	t.Helper()
	if resp.Rcode != want {
		t.Fatalf("rcode %s, want %s:\n%v", dns.RcodeToString[resp.Rcode], dns.RcodeToString[want], resp)
	}
	if signed := resp.IsTsig() != nil; signed != wantTSIG {
		t.Errorf("answer signed: %v, want %v", signed, wantTSIG)
	}
}

// rawExchange sends req packed as it is, no TSIG computed, over network
// ("udp" or "tcp") and returns the first answer.
func rawExchange(t *testing.T, network, addr string, req *dns.Msg) *dns.Msg {
	t.Helper()
	wire, err := req.Pack()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	buf := make([]byte, dns.MaxMsgSize)
	var n int
	if network == "tcp" {
		if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(wire))), wire...)); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(conn, buf[:2]); err != nil {
			t.Fatal(err)
		}
		n = int(binary.BigEndian.Uint16(buf))
		_, err = io.ReadFull(conn, buf[:n])
	} else {
		if _, err = conn.Write(wire); err == nil {
			n, err = conn.Read(buf)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp := new(dns.Msg)
	if err := resp.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	return resp
}
