package export

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A build that waited for a read of its feed that failed is served the
// feed's snapshot when that is recent enough for it (a device asking with
// a longer ?cache= than the one whose read failed): it took the failed
// read's error, and a list the snapshot held was served STALE, or not at
// all, because another device wanted a newer one.
func TestBuildWaitingForAFailedFeedReadServesAUsableSnapshot(t *testing.T) {
	var searches atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	fail := func() { once.Do(func() { close(release) }) }
	m := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path != "/attributes/restSearch" || searches.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"response":{"Attribute":[{"type":"domain","value":"example.org","to_ids":1}]}}`))
			return
		}
		select {
		case <-release:
			http.Error(w, "down", http.StatusBadGateway)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(m.Close)
	t.Cleanup(fail) // first: Close waits for the searches held

	s := limitsService(Limits{})
	prime := limitsRequest(m.URL, "k", "10y")
	prime.DataType, _ = indicator.LookupDataType("url")
	if _, err := s.Get(context.Background(), prime); err != nil {
		t.Fatal(err)
	}
	eager := prime // wants a feed read this very moment
	eager.DataType, _ = indicator.LookupDataType("ipv4")
	eager.TTL = time.Nanosecond
	patient := prime // content with the feed read a moment ago
	patient.DataType, _ = indicator.LookupDataType("domain")
	patient.TTL = time.Hour

	eagerDone := make(chan error, 1)
	go func() { _, err := s.Get(context.Background(), eager); eagerDone <- err }()
	testtool.WaitFor(t, "the eager read to reach MISP", time.Minute, func() bool { return searches.Load() == 2 })
	type result struct {
		res Result
		err error
	}
	patientDone := make(chan result, 1)
	go func() { a, err := s.Get(context.Background(), patient); patientDone <- result{a, err} }()
	st, _ := s.feeds.m.Get(s.feedKey(prime))
	testtool.WaitFor(t, "the patient build to wait for the feed", time.Minute, func() bool { return st.mu.waiting.Load() == 1 })
	fail()
	var me *misp.Error
	if err := <-eagerDone; !errors.As(err, &me) || me.Status != http.StatusBadGateway {
		t.Fatalf("the eager build: %v, want MISP's 502", err)
	}
	res := <-patientDone
	if res.err != nil || res.res.Status == Stale {
		t.Fatalf("the patient build: %v %v, want the list from the feed read a moment ago", res.err, res.res.Status)
	}
	if got, want := string(res.res.Body), "example.org"; got != want {
		t.Fatalf("the patient list %q, want %q", got, want)
	}
	if n := searches.Load(); n != 2 {
		t.Fatalf("%d searches, want 2", n)
	}
}
