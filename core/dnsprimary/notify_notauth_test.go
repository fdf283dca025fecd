package dnsprimary

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
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
			got := notifySigned(t, tt.notifys, func(n int, req *dns.Msg) [][]byte {
				return [][]byte{signedError(t, req, tt.code)}
			})
			if got.acknowledged || !strings.Contains(got.err, tt.want) {
				t.Errorf("NOTIFY %s, want failed with %q", got, tt.want)
			}
		})
	}
}

// A real named that does not serve the zone answers the signed NOTIFY
// NOTAUTH, signed: the attempts end there.
func TestNotifyZoneNotServedByBIND(t *testing.T) {
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.Name = "other.cratos"
	got, log := notifyBIND(t, z)
	if got.acknowledged || got.err != "notify answered NOTAUTH" {
		t.Errorf("NOTIFY to named for a zone it does not serve %s, want failed: notify answered NOTAUTH\nnamed's log:\n%s", got, log)
	}
}
