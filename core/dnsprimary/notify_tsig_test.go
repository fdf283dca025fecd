package dnsprimary

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// signedAnswer returns the answer NOERROR to req signed with secret under
// the test key's name, over requestMAC as RFC 8945 section 4.3 has it.
func signedAnswer(t *testing.T, req *dns.Msg, secret, requestMAC string) []byte {
	m := new(dns.Msg).SetReply(req)
	m.SetTsig(testKeyName, dns.HmacSHA256, 300, time.Now().Unix())
	out, _, err := dns.TsigGenerate(m, secret, requestMAC, false)
	if err != nil {
		t.Error(err)
	}
	return out
}

// The answer to a NOTIFY signed with the zone's key ends the attempts only
// when it is signed with that key over the NOTIFY's MAC, as BIND requires:
// an unsigned answer with the NOTIFY's id, forged from the secondary's
// address, ended them, and the secondary waited for its SOA refresh.
func TestNotifyAnswerSignature(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	otherSecret := "b3RoZXItc2VjcmV0LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXMh"
	answers := map[string]func(t *testing.T, req *dns.Msg) []byte{
		"signed": func(t *testing.T, req *dns.Msg) []byte {
			return signedAnswer(t, req, testSecret, req.IsTsig().MAC)
		},
		"unsigned": func(t *testing.T, req *dns.Msg) []byte {
			return answerWith(t, req, dns.RcodeSuccess)
		},
		"unsigned NOTAUTH": func(t *testing.T, req *dns.Msg) []byte {
			return answerWith(t, req, dns.RcodeNotAuth)
		},
		"another secret": func(t *testing.T, req *dns.Msg) []byte {
			return signedAnswer(t, req, otherSecret, req.IsTsig().MAC)
		},
		"without the request MAC": func(t *testing.T, req *dns.Msg) []byte {
			return signedAnswer(t, req, testSecret, "")
		},
		"class IN": func(t *testing.T, req *dns.Msg) []byte {
			m := new(dns.Msg)
			if err := m.Unpack(signedAnswer(t, req, testSecret, req.IsTsig().MAC)); err != nil {
				t.Error(err)
			}
			m.Extra[len(m.Extra)-1].Header().Class = dns.ClassINET
			out, err := m.Pack()
			if err != nil {
				t.Error(err)
			}
			return out
		},
	}
	tests := []struct {
		name    string
		answers [][]string // the answers to each attempt, in order; the last repeats
		want    notifyOutcome
		notifys int
	}{
		{"signed", [][]string{{"signed"}}, notifyOutcome{acknowledged: true, attempt: 1}, 1},
		{"unsigned, then signed", [][]string{{"unsigned"}, {"signed"}}, notifyOutcome{acknowledged: true, attempt: 2}, 2},
		{"another secret, then signed", [][]string{{"another secret"}, {"signed"}}, notifyOutcome{acknowledged: true, attempt: 2}, 2},
		{"without the request MAC, then signed", [][]string{{"without the request MAC"}, {"signed"}}, notifyOutcome{acknowledged: true, attempt: 2}, 2},
		{"class IN, then signed", [][]string{{"class IN"}, {"signed"}}, notifyOutcome{acknowledged: true, attempt: 2}, 2},
		{"a forged answer before the signed one", [][]string{{"unsigned", "signed"}}, notifyOutcome{acknowledged: true, attempt: 1}, 1},
		{"unsigned NOTAUTH always", [][]string{{"unsigned NOTAUTH"}}, notifyOutcome{err: "no answer after 5 attempts (ignored: NOTAUTH answer not signed)"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := notifySigned(t, tt.notifys, func(n int, req *dns.Msg) [][]byte {
				var out [][]byte
				for _, a := range tt.answers[min(n, len(tt.answers))-1] {
					out = append(out, answers[a](t, req))
				}
				return out
			})
			if got.acknowledged != tt.want.acknowledged || got.attempt != tt.want.attempt || !strings.Contains(got.err, tt.want.err) {
				t.Errorf("NOTIFY %s, want %s", got, tt.want)
			}
		})
	}
}

// A real named's signed answer to a signed NOTIFY is accepted.
func TestNotifyAnswerSignedByBIND(t *testing.T) {
	got, log := notifyBIND(t, newTestZone(&fakeSource{text: policyZone(domainsV1)}))
	if !got.acknowledged {
		t.Errorf("NOTIFY to named %s\nnamed's log:\n%s", got, log)
	}
}

// A named whose key truncates its MACs (hmac-sha256-128) transfers the
// zone and acknowledges its NOTIFY when the zone's key is configured with
// the same truncation, as RFC 8945 section 5.2.2.1 allows: its requests,
// signed with MACs of 16 octets, got BADTRUNC, and it never had the zone.
func TestTruncatedKeyWithBIND(t *testing.T) {
	dig := testtool.Require(t, "dig", "bind9-dnsutils")
	got, log, namedPort := notifyBINDAlg(t, newTestZone(&fakeSource{text: policyZone(domainsV1)}), "hmac-sha256-128")
	if !got.acknowledged {
		t.Errorf("NOTIFY to named %s\nnamed's log:\n%s", got, log)
	}
	d := digger{realtools.Dig{T: t, Path: dig}, namedPort}
	testtool.WaitFor(t, "named to load rpz.cratos at serial "+strconv.Itoa(testEpoch), time.Minute, func() bool {
		return d.soaSerial() == testEpoch
	}, log.String)
}
