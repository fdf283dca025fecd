package dnsprimary

import (
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// A transfer signed with a wrong secret is reported by dig as a bad
// signature, not as a clock problem.
func TestDigWrongKeyIsNotAClockProblem(t *testing.T) {
	dig := testtool.Require(t, "dig", "bind9-dnsutils")
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.TSIG = testKey()
	s := startServer(t, time.Now, z)
	host, port, _ := net.SplitHostPort(s.Addr())
	tests := []struct {
		name, key string
		want      string
	}{
		{"wrong secret", "hmac-sha256:" + strings.TrimSuffix(testKeyName, ".") + ":d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==", "BADSIG"},
		{"unknown key", "hmac-sha256:stranger:" + testSecret, "BADKEY"},
		{"MAC truncated to 128 bits", "hmac-sha256-128:" + strings.TrimSuffix(testKeyName, ".") + ":" + testSecret, "BADTRUNC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := exec.Command(dig, "+tries=1", "+time=10", "-p", port, "@"+host, "-y", tc.key, testZone, "AXFR").CombinedOutput()
			text := string(out)
			if strings.Contains(text, "clocks are unsynchronized") || strings.Contains(text, "BADTIME") {
				t.Errorf("dig reports a clock problem for a %s:\n%s", tc.name, text)
			}
			if !strings.Contains(text, tc.want) && !strings.Contains(text, "tsig indicates error") {
				t.Errorf("dig output does not name the key problem (%s):\n%s", tc.want, text)
			}
		})
	}
}

// A request signed by a client whose clock is off by more than the fudge
// gets BADTIME signed as RFC 8945 section 5.2.3 says: its Time Signed is
// the request's, so that the client's own time check passes, and Other
// Data holds the server's time, 6 octets, so that the client can see the
// skew.
func TestBadTimeCarriesTheServerTime(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.TSIG = testKey()
	s := startServer(t, time.Now, z)
	skewed := time.Now().Add(-time.Hour).Unix()
	req := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
	req.SetTsig(testKeyName, dns.HmacSHA256, 300, skewed)
	reqWire, reqMAC, err := dns.TsigGenerate(req, testSecret, "", false)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	before := time.Now().Unix()
	if _, err := conn.Write(reqWire); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	after := time.Now().Unix()
	resp := new(dns.Msg)
	if err := resp.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	tsig := resp.IsTsig()
	if resp.Rcode != dns.RcodeNotAuth || tsig == nil || tsig.Error != dns.RcodeBadTime {
		t.Fatalf("answer to a skewed request:\n%v\nwant NOTAUTH with TSIG error BADTIME", resp)
	}
	if tsig.TimeSigned != uint64(skewed) || tsig.Fudge != 300 {
		t.Errorf("Time Signed %d, fudge %d; want the request's %d, 300", tsig.TimeSigned, tsig.Fudge, skewed)
	}
	server, err := strconv.ParseUint(tsig.OtherData, 16, 64)
	if tsig.OtherLen != 6 || err != nil || server < uint64(before) || server > uint64(after) {
		t.Errorf("Other Data %q (length %d), want the server's time, 6 octets, between %d and %d", tsig.OtherData, tsig.OtherLen, before, after)
	}
	// The DNS library verifies no NOTAUTH answer: the answer is signed
	// again as received, and the MACs compared.
	signed := tsig.MAC
	tsig.MAC, tsig.MACSize = "", 0
	if _, mac, err := dns.TsigGenerateWithProvider(resp, keyring{testKeyName: mustKey(t, testKey())}, reqMAC, false); err != nil || mac != signed {
		t.Errorf("the answer's MAC %s does not verify (want %s, %v)", signed, mac, err)
	}
}

func mustKey(t *testing.T, k *TSIGKey) *tsigKey {
	t.Helper()
	v, err := k.validate()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
