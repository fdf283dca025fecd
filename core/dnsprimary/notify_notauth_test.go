package dnsprimary

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// signedError returns the answer NOTAUTH to req with TSIG error code,
// signed with the test key over the NOTIFY's MAC as a secondary signs
// it: a BADTIME with the request's Time Signed and its own time in Other
// Data (RFC 8945 section 5.2.3), a BADKEY without MAC (section 5.3.2).
func signedError(t *testing.T, req *dns.Msg, code uint16) []byte {
	m := new(dns.Msg).SetRcode(req, dns.RcodeNotAuth)
	signed := time.Now().Unix()
	if code == dns.RcodeBadTime {
		signed = int64(req.IsTsig().TimeSigned)
	}
	m.SetTsig(testKeyName, dns.HmacSHA256, 300, signed)
	ts := m.Extra[0].(*dns.TSIG)
	ts.Error = code
	if code == dns.RcodeBadTime {
		ts.OtherLen, ts.OtherData = 6, fmt.Sprintf("%012x", time.Now().Add(time.Hour).Unix())
	}
	out, _, err := dns.TsigGenerate(m, testSecret, req.IsTsig().MAC, false)
	if err != nil {
		t.Error(err)
	}
	return out
}

// A signed NOTAUTH answer to a signed NOTIFY ends the attempts, as an
// unsigned one does for a zone without key: the secondary does not serve
// the zone (BIND answers so, signed), or its clock is off (BADTIME). The
// DNS library's check refuses every answer NOTAUTH, so it was ignored,
// and the NOTIFY sent five times more, over UDP and TCP, for a minute,
// the log naming a bad authentication instead of the answer. An unsigned
// one (BADKEY, BADSIG), which anyone can forge, is still ignored, named
// by its TSIG error.
func TestNotifySignedNotAuth(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	tests := []struct {
		name    string
		code    uint16 // the TSIG error of the answer
		want    string // the end of the failure logged
		notifys int
	}{
		{"NOTAUTH signed", dns.RcodeSuccess, "notify answered NOTAUTH", 1},
		{"BADTIME", dns.RcodeBadTime, "notify answered NOTAUTH, TSIG error BADTIME", 1},
		{"BADKEY, unsigned", dns.RcodeBadKey, "(ignored: NOTAUTH answer unsigned, TSIG error BADKEY)", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sec := newScriptedSecondary(t, func(n int, req *dns.Msg) [][]byte {
				return [][]byte{signedError(t, req, tt.code)}
			})
			got := notifySecondary(t, sec, testKey())
			if got.acknowledged || !strings.Contains(got.err, tt.want) {
				t.Errorf("NOTIFY %s, want failed with %q", got, tt.want)
			}
			if n := len(sec.received(t)); n != tt.notifys {
				t.Errorf("%d NOTIFYs sent, want %d", n, tt.notifys)
			}
		})
	}
}

// A real named that does not serve the zone answers the signed NOTIFY
// NOTAUTH, signed: the attempts end there.
func TestNotifyZoneNotServedByBIND(t *testing.T) {
	named := testtool.Require(t, "named", "bind9")
	primaryPort := testtool.FreeUDPAndTCPPort(t)
	namedPort := testtool.FreeUDPAndTCPPort(t)
	for namedPort == primaryPort {
		namedPort = testtool.FreeUDPAndTCPPort(t)
	}
	key := &TSIGKey{Name: "k", Secret: testSecret}
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.Name = "other.cratos"
	outcome := startNotifyingZone(t, "127.0.0.1:"+strconv.Itoa(primaryPort), z, "127.0.0.1:"+strconv.Itoa(namedPort), key)
	log := realtools.StartRPZSecondary(t, named, realtools.RPZSecondary{
		Port: namedPort, PrimaryPort: primaryPort, KeyName: "k", Secret: testSecret, LocalZone: realtools.ExampleTestZone,
	})
	select {
	case got := <-outcome:
		if got.acknowledged || got.err != "notify answered NOTAUTH" {
			t.Errorf("NOTIFY to named for a zone it does not serve %s, want failed: notify answered NOTAUTH\nnamed's log:\n%s", got, log)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the NOTIFY neither acknowledged nor failed\nnamed's log:\n%s", log)
	}
}
