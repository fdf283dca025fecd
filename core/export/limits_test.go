package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// limitsService is a Service over an in-memory cache.
func limitsService(l Limits) *Service {
	return New(inMemory(Options{Limits: l}, "limits test"))
}

func limitsRequest(url, key, age string) Request {
	ipv4, _ := indicator.LookupDataType("ipv4")
	// The fake MISPs answer restSearch only: the guard's warninglists are
	// not asked for.
	off := false
	site := &config.Site{Name: "127.0.0.1", Tag: "t", MISPTimeoutSeconds: 60, Guard: config.Guard{Warninglists: &off}}
	return Request{Site: site, MISPURL: url, MISPKey: key, Kind: KindFeed, Feed: "any", DataType: ipv4, Age: age, Output: "txt", TTL: time.Minute, Consumer: "c1"}
}

// attrsJSON is a restSearch answer with n ip-dst attributes (in the shared
// address space of RFC 6598, which the guard lets through).
func attrsJSON(n int) string {
	var b strings.Builder
	b.WriteString(`{"response":{"Attribute":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"ip-dst","value":"100.128.%d.%d","to_ids":1}`, i/250, i%250+1)
	}
	b.WriteString(`]}}`)
	return b.String()
}

func TestBuildCancelledWhenNobodyWaits(t *testing.T) {
	cancelled := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice a closed connection
		select {
		case <-r.Context().Done():
			once.Do(func() { close(cancelled) })
		case <-time.After(time.Minute):
		}
	}))
	defer srv.Close()
	s := limitsService(Limits{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := s.Get(ctx, limitsRequest(srv.URL, "k", "1d")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get: %v, want the request's deadline", err)
	}
	select {
	case <-cancelled:
	case <-time.After(30 * time.Second):
		t.Fatal("the MISP request went on after every waiting request had left")
	}
}

func TestConcurrentBuildsAreBounded(t *testing.T) {
	var cur, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
		cur.Add(-1)
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	defer srv.Close()
	s := limitsService(Limits{MaxBuilds: 2})
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One feed is read once for every age: each build reads its own
			// MISP key's feed, for a token of its own (one token's builds
			// hold all slots but one).
			r := limitsRequest(srv.URL, fmt.Sprintf("k%d", i), "1d")
			r.Consumer = fmt.Sprintf("c%d", i)
			_, errs[i] = s.Get(context.Background(), r)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("build %d: %v", i, err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("%d MISP requests at once, want 2 (max_concurrent_builds)", p)
	}
}

func TestRenderedSizeIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(100))) }))
	defer srv.Close()
	s := limitsService(Limits{RenderMaxBytes: 200})
	for range 2 { // the failure is not cached
		if _, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", "1d")); !errors.Is(err, ErrRenderTooLarge) {
			t.Fatalf("Get: %v, want ErrRenderTooLarge", err)
		}
	}
	s = limitsService(Limits{RenderMaxBytes: 2000})
	if res, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", "1d")); err != nil || res.Entries != 100 {
		t.Fatalf("under the bound: %v", err)
	}
}

func TestColdBuildBudget(t *testing.T) {
	var searches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/attributes/restSearch" {
			searches.Add(1)
		}
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	defer srv.Close()
	s := limitsService(Limits{ColdBuildsPerMinute: 3})
	for i := range 3 {
		if _, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", fmt.Sprintf("%dd", i+1))); err != nil {
			t.Fatalf("cold build %d: %v", i, err)
		}
	}
	if _, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", "9d")); !errors.Is(err, ErrBuildBudget) {
		t.Fatalf("4th cold build in a minute: %v, want ErrBuildBudget", err)
	}
	// Cached lists stay free, and another consumer has its own budget.
	if res, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", "1d")); err != nil || res.Status != Hit {
		t.Errorf("cached list: %v %v, want a HIT", res.Status, err)
	}
	other := limitsRequest(srv.URL, "k", "9d")
	other.Consumer = "c2"
	if _, err := s.Get(context.Background(), other); err != nil {
		t.Errorf("another consumer: %v", err)
	}
	// Every age of the feed, and the other consumer's list, come from the
	// one read of the feed.
	if n := searches.Load(); n != 1 {
		t.Errorf("MISP searched %d times, want 1", n)
	}
}

func TestClearTouchesOnlyTheCallersKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	defer srv.Close()
	s := limitsService(Limits{})
	mine, theirs := limitsRequest(srv.URL, "key-one", "1d"), limitsRequest(srv.URL, "key-two", "1d")
	for _, r := range []Request{mine, theirs} {
		if _, err := s.Get(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Clear(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Get(context.Background(), mine); err != nil || res.Status != Hit {
		t.Errorf("another key's clear: %s %v, want the list still cached (HIT)", res.Status, err)
	}
	if res, err := s.Get(context.Background(), theirs); err != nil || res.Status != Miss {
		t.Errorf("own clear: %s %v, want MISS", res.Status, err)
	}
}
