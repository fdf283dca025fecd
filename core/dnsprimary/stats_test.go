package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// A failed rebuild is counted under the reason its Source gives, or the
// server finds; a successful one, changed or not, sets LastSuccess.
func TestStatsBuildFailures(t *testing.T) {
	tests := []struct {
		name string
		text string
		err  error
		want string
	}{
		{"token", "", SourceFailure(FailToken, errors.New("token revoked in site misp.example")), FailToken},
		{"site", "", SourceFailure(FailSite, errors.New("site misp.example is gone")), FailSite},
		{"misp", "", fmt.Errorf("zone: %w", SourceFailure(FailMISP, errors.New("MISP unavailable"))), FailMISP},
		{"held", "", SourceFailure(FailHeld, errors.New("list block/domain held")), FailHeld},
		{"held, its text served", policyZone(domainsV1), SourceHeld(errors.New("list block/domain held")), FailHeld},
		{"timeout", "", fmt.Errorf("build: %w", context.DeadlineExceeded), FailTimeout},
		{"unknown reason", "", SourceFailure("disk", errors.New("x")), FailOther},
		{"plain error", "", errors.New("x"), FailOther},
		{"zone text", "not a zone", nil, FailZoneText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			src := &fakeSource{text: policyZone(domainsV1)}
			s := startServer(t, clock.Now, newTestZone(src))
			clock.Advance(time.Minute)
			src.set(tc.text, tc.err)
			if err := s.Refresh(context.Background(), testZone); err == nil {
				t.Fatal("Refresh succeeded")
			}
			st := s.Stats()[0]
			if !st.LastFailed {
				t.Error("LastFailed false after a failed rebuild")
			}
			for _, r := range FailureReasons {
				want := uint64(0)
				if r == tc.want {
					want = 1
				}
				if st.Failures[r] != want {
					t.Errorf("Failures[%s] = %d, want %d", r, st.Failures[r], want)
				}
			}
			if want := time.Unix(testEpoch, 0); !st.LastSuccess.Equal(want) {
				t.Errorf("LastSuccess %v, want the first build's %v", st.LastSuccess, want)
			}
			if !st.Loaded || st.Serial != testEpoch {
				t.Errorf("serial %d (loaded %v), want %d", st.Serial, st.Loaded, testEpoch)
			}
			src.set(policyZone(domainsV1), nil)
			if err := s.Refresh(context.Background(), testZone); err != nil {
				t.Fatal(err)
			}
			if st, want := s.Stats()[0], time.Unix(testEpoch+60, 0); !st.LastSuccess.Equal(want) || st.LastFailed {
				t.Errorf("after an unchanged rebuild LastSuccess %v, LastFailed %v; want %v, false", st.LastSuccess, st.LastFailed, want)
			}
		})
	}
}

// Transfers are counted by type once served whole; refused ones (address,
// no signature, a bad one) apart.
func TestStatsTransfers(t *testing.T) {
	clock := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	z := newTestZone(src)
	z.TSIG = testKey()
	s := startServer(t, clock.Now, z)
	clock.Advance(time.Minute)
	src.set(policyZone(domainsV2), nil)
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	wrongKey := &TSIGKey{Name: testKeyName, Secret: "b3RoZXItc2VjcmV0LW9mLXRoZS10ZXN0cw=="}
	for _, x := range []struct {
		qtype   uint16
		serial  uint32
		key     *TSIGKey
		refused bool
	}{
		{dns.TypeAXFR, 0, testKey(), false},
		{dns.TypeIXFR, testEpoch, testKey(), false},      // incremental
		{dns.TypeIXFR, testEpoch + 60, testKey(), false}, // up to date
		{dns.TypeIXFR, testEpoch - 1000, testKey(), false},
		{dns.TypeAXFR, 0, nil, true},
		{dns.TypeIXFR, testEpoch, wrongKey, true},
	} {
		if _, err := xfr(t, s.Addr(), x.qtype, x.serial, x.key); (err != nil) != x.refused {
			t.Errorf("%s from %d: %v, refused %v", dns.TypeToString[x.qtype], x.serial, err, x.refused)
		}
	}
	// The server counts a transfer once its last message is written,
	// which may be after the client has read it.
	want := map[string]uint64{TransferAXFR: 1, TransferIXFR: 2, TransferIXFRFallback: 1}
	st := waitStats(t, s, func(st ZoneStats) bool {
		return st.Transfers[TransferAXFR]+st.Transfers[TransferIXFR]+st.Transfers[TransferIXFRFallback] == 4
	})
	for _, k := range TransferTypes {
		if st.Transfers[k] != want[k] {
			t.Errorf("Transfers[%s] = %d, want %d", k, st.Transfers[k], want[k])
		}
	}
	if st.TransfersRefused != 2 {
		t.Errorf("TransfersRefused = %d, want 2", st.TransfersRefused)
	}
}

// A NOTIFY a secondary refuses for good counts as failed; an
// acknowledged one does not.
func TestStatsNotifyFailures(t *testing.T) {
	for _, tc := range []struct {
		rcode    int
		failures uint64
	}{{dns.RcodeSuccess, 0}, {dns.RcodeNotImplemented, 1}} {
		t.Run(dns.RcodeToString[tc.rcode], func(t *testing.T) {
			sec := newScriptedSecondary(t, func(_ int, req *dns.Msg) [][]byte { return [][]byte{answerWith(t, req, tc.rcode)} })
			z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
			z.Notify = []string{sec.conn.LocalAddr().String()}
			s := startServer(t, newClock().Now, z)
			st := waitStats(t, s, func(ZoneStats) bool {
				z := s.zones[testZone]
				z.notifyMu.Lock()
				defer z.notifyMu.Unlock()
				return len(z.notifyJ) == 0
			})
			if st.Notifies != 1 || st.NotifyFailures != tc.failures {
				t.Errorf("Notifies %d, NotifyFailures %d; want 1, %d", st.Notifies, st.NotifyFailures, tc.failures)
			}
		})
	}
}

// waitStats returns the stats of the first zone of s once done says they
// are complete, or after a minute.
func waitStats(t *testing.T, s *Server, done func(ZoneStats) bool) ZoneStats {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if st := s.Stats()[0]; done(st) || time.Now().After(deadline) {
			return st
		}
	}
}
