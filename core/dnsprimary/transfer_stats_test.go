package dnsprimary

import (
	"context"
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

// An IXFR over UDP from a secondary up to date gets the whole answer, the
// SOA alone, and is counted as an ixfr; one from a secondary behind gets
// the SOA as a sign to retry over TCP, and is not.
func TestStatsIXFROverUDP(t *testing.T) {
	clock := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	s := startServer(t, clock.Now, newTestZone(src))
	clock.Advance(time.Minute)
	src.set(policyZone(domainsV2), nil)
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		serial uint32
		ixfr   uint64
	}{{testEpoch, 0}, {testEpoch + 60, 1}} {
		m := new(dns.Msg).SetIxfr(testZone, tc.serial, "rpz-master.example.", "hostmaster.example.")
		r, _, err := (&dns.Client{Net: "udp", Timeout: time.Minute}).Exchange(m, s.Addr())
		if err != nil || len(r.Answer) != 1 {
			t.Fatalf("IXFR from %d over UDP: %v, %v", tc.serial, r, err)
		}
		if got := s.Stats()[0].Transfers[TransferIXFR]; got != tc.ixfr {
			t.Errorf("IXFR from %d over UDP: Transfers[ixfr] = %d, want %d", tc.serial, got, tc.ixfr)
		}
	}
}

// A transfer cut short (the client gone before its last message) is
// counted apart from those served whole.
func TestStatsTransferCutShort(t *testing.T) {
	s := largeZoneServer(t)
	for i, req := range []*dns.Msg{new(dns.Msg).SetAxfr(testZone), new(dns.Msg).SetIxfr(testZone, 1, "a.", "b.")} {
		w := newFailingWriter(s, 2)
		handler{s}.ServeDNS(w, req)
		st := s.Stats()[0]
		if st.TransfersFailed != uint64(i+1) || st.Transfers[TransferAXFR]+st.Transfers[TransferIXFRFallback] != 0 {
			t.Errorf("%s cut short: TransfersFailed %d, Transfers %v; want %d and none", dns.TypeToString[req.Question[0].Qtype],
				st.TransfersFailed, st.Transfers, i+1)
		}
	}
}
