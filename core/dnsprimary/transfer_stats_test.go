package dnsprimary

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

// A refused transfer is counted against the zone it names, never against
// the zone above a name below it: neither one from an address or key the
// zone refuses nor one whose signature fails.
func TestStatsRefusedCountsTheZoneNamed(t *testing.T) {
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.TSIG = testKey()
	s := startServer(t, newClock().Now, z)
	badKey := &TSIGKey{Name: testKeyName, Secret: "b3RoZXItc2VjcmV0LW9mLXRoZS10ZXN0cw=="}
	for _, tc := range []struct {
		name    string
		qname   string
		key     *TSIGKey
		refused uint64 // the zone's count after the request
	}{
		{"unsigned, below the zone", "x.rpz.cratos.", nil, 0},
		{"bad signature, below the zone", "x.rpz.cratos.", badKey, 0},
		{"unsigned, the zone", testZone, nil, 1},
		{"bad signature, the zone", testZone, badKey, 2},
	} {
		m := new(dns.Msg).SetAxfr(tc.qname)
		tr := &dns.Transfer{ReadTimeout: time.Minute}
		if tc.key != nil {
			tr.TsigSecret = map[string]string{testKeyName: tc.key.Secret}
			m.SetTsig(testKeyName, dns.HmacSHA256, 300, time.Now().Unix())
		}
		ch, err := tr.In(m, s.Addr())
		if err == nil {
			for env := range ch {
				if env.Error != nil {
					err = env.Error
				}
			}
		}
		if err == nil {
			t.Errorf("%s: transfer not refused", tc.name)
		}
		if got := s.Stats()[0].TransfersRefused; got != tc.refused {
			t.Errorf("%s: TransfersRefused = %d, want %d", tc.name, got, tc.refused)
		}
	}
}
