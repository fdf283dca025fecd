package export

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A lookup that reads MISP takes one cold build from its token's budget,
// however many lists it reads; past the budget its lists say why and MISP
// is not searched: a cache clear and a lookup in a loop no longer force
// MISP reads that no budget bounds.
func TestLookupDrawsOnColdBuildBudget(t *testing.T) {
	var searches atomic.Int32 // of the feeds' lists, not of the value's own sources
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, _ := io.ReadAll(r.Body); !strings.Contains(string(body), "100.64.0.1") {
			searches.Add(1)
		}
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	defer srv.Close()
	at := time.Now()
	s := New(inMemory(Options{Limits: Limits{ColdBuildsPerMinute: 1}, Now: func() time.Time { return at }}, "lookup budget"))
	site := limitsRequest(srv.URL, "k", "1d").Site
	lookup := func(age string) *LookupResult {
		t.Helper()
		res, err := s.Lookup(t.Context(), LookupRequest{Site: site, MISPURL: srv.URL, MISPKey: "k", Value: "100.64.0.1", Age: age, Consumer: "c1"})
		if err != nil {
			t.Fatalf("lookup %s: %v", age, err)
		}
		return res
	}
	first := lookup("1d")
	if len(first.Lists) < 2 {
		t.Fatalf("lookup read %d lists, want several", len(first.Lists))
	}
	for _, l := range first.Lists {
		if l.Error != "" {
			t.Errorf("first lookup, list %s/%s: %s", l.Feed, l.DataType, l.Error)
		}
	}
	before := searches.Load()
	second := lookup("2d") // lists of another age: none in the cache
	if n := searches.Load() - before; n != 0 {
		t.Errorf("a lookup past the budget searched MISP %d times", n)
	}
	for _, l := range second.Lists {
		if !strings.Contains(l.Error, ErrBuildBudget.Error()) {
			t.Errorf("second lookup, list %s/%s: error %q, want the budget's", l.Feed, l.DataType, l.Error)
		}
	}
}
