package export

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// A list built from the last feed snapshot never replaces one a build
// from MISP accepted from that same read: MISP answering while the stale
// build waited for the feed, both lists come from one read (fetched the
// same second), and the one built from MISP stays, a HIT with no error.
func TestStaleBuildDoesNotReplaceBuildOfSameRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(attrsJSON(4)))
	}))
	t.Cleanup(srv.Close)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	s := New(inMemory(Options{Now: clock.Now}, "stale same read test"))
	r := limitsRequest(srv.URL, "k", "1d")
	ctx := context.Background()
	if _, err := s.Get(ctx, r); err != nil {
		t.Fatal(err)
	}
	site := *r.Site
	site.Guard.NeverBlock = config.NeverBlock{CIDRs: []string{"100.128.0.1"}}
	r.Site = &site
	clock.advance(time.Hour)
	built, err := s.Get(ctx, r)
	if err != nil || built.Status != Miss {
		t.Fatalf("build from MISP under the new never_block: %s, %v; want a MISS", built.Status, err)
	}

	st, ok := s.feeds.m.Get(s.feedKey(r))
	if !ok {
		t.Fatal("no feed snapshot")
	}
	rd, err := s.Renderer(r)
	if err != nil {
		t.Fatal(err)
	}
	k := s.listKeys(r)
	nsArtifact := s.opts.Namespace.Key(ctx, k.group, k.artifact)
	upstream := errors.New("MISP down")
	if _, err := s.buildStale(ctx, r, rd, k, nsArtifact, st, upstream); err != nil {
		t.Fatalf("build from the last feed snapshot: %v", err)
	}

	wantHitOf(t, s, r, built, "the stale build")
}
