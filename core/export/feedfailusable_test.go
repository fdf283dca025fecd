package export

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A build that waited for a read of its feed that failed is served the
// feed's snapshot when that is recent enough for it (a device asking with
// a longer ?cache= than the one whose read failed): it took the failed
// read's error, and its list was served STALE, or not at all. Serving
// that snapshot reads nothing and leaves the failure recorded: a build
// waiting behind it that needs a newer snapshot takes the failure rather
// than ask MISP again (it did, one MISP timeout more).
func TestBuildWaitingForAFailedFeedReadServesAUsableSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name         string
		eagerBehind  bool // another build needing a newer snapshot waits behind the patient one
		wantSearches int32
	}{
		{name: "patient build alone", wantSearches: 2},
		{name: "eager build behind it", eagerBehind: true, wantSearches: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := startHeldMISP(t, heldAnswers{
				body:   `{"response":{"Attribute":[{"type":"domain","value":"example.org","to_ids":1}]}}`,
				free:   1,
				status: http.StatusBadGateway,
			})

			s := limitsService(Limits{})
			prime := limitsRequest(m.URL, "k", "10y")
			prime.DataType, _ = indicator.LookupDataType("url")
			if _, err := s.Get(context.Background(), prime); err != nil {
				t.Fatal(err)
			}
			eager := prime // wants a feed read this very moment
			eager.DataType, _ = indicator.LookupDataType("ipv4")
			eager.TTL = time.Nanosecond
			eagerBehind := eager
			eagerBehind.DataType, _ = indicator.LookupDataType("hostname")
			patient := prime // content with the feed read a moment ago
			patient.DataType, _ = indicator.LookupDataType("domain")
			patient.TTL = time.Hour

			get := func(r Request) chan Result {
				done := make(chan Result, 1)
				go func() {
					res, err := s.Get(context.Background(), r)
					res.Upstream = errors.Join(res.Upstream, err)
					done <- res
				}()
				return done
			}
			eagerDone := get(eager)
			testtool.WaitFor(t, "the eager read to reach MISP", time.Minute, func() bool { return m.searches.Load() == 2 })
			st, _ := s.feeds.m.Get(s.feedKey(prime))
			patientDone := get(patient)
			testtool.WaitFor(t, "the patient build to wait for the feed", time.Minute, func() bool { return st.mu.waiting.Load() == 1 })
			var behindDone chan Result
			if tc.eagerBehind {
				time.Sleep(10 * time.Millisecond) // the patient build first in the lock's queue
				behindDone = get(eagerBehind)
				testtool.WaitFor(t, "the eager build behind", time.Minute, func() bool { return st.mu.waiting.Load() == 2 })
			}
			m.open()
			var me *misp.Error
			if res := <-eagerDone; !errors.As(res.Upstream, &me) || me.Status != http.StatusBadGateway {
				t.Fatalf("the eager build: %v, want MISP's 502", res.Upstream)
			}
			res := <-patientDone
			if res.Upstream != nil || res.Status == Stale || string(res.Body) != "example.org" {
				t.Fatalf("the patient build: %v %v %q, want the list from the feed read a moment ago", res.Upstream, res.Status, res.Body)
			}
			if behindDone != nil {
				if res := <-behindDone; !errors.As(res.Upstream, &me) || me.Status != http.StatusBadGateway {
					t.Fatalf("the eager build behind: %v, want MISP's 502", res.Upstream)
				}
			}
			if n := m.searches.Load(); n != tc.wantSearches {
				t.Fatalf("%d searches, want %d", n, tc.wantSearches)
			}
		})
	}
}
