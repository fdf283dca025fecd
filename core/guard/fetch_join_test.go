package guard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// A build that joined another's read of the warninglists gets them when
// the build that started the read leaves: it got the cut read's error,
// and went out without MISP's warninglists.
func TestWarninglistCacheJoinerOutlivesTheReadsStarter(t *testing.T) {
	sim := misptest.New(t, mispsim.Options{})
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "dns", Type: "cidr", List: []string{"8.8.4.4"}}); err != nil {
		t.Fatal(err)
	}
	held := make(chan struct{})
	var answered atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The first read of the index is held until its client leaves.
		if r.URL.Path == "/warninglists" && answered.CompareAndSwap(false, true) {
			close(held)
			<-r.Context().Done()
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	wc := guard.NewWarninglistCache(time.Hour, nil)
	c := misp.New(misp.Options{Site: "sim", BaseURL: srv.URL, Key: mispsim.DefaultKey, Timeout: time.Minute})

	starter, leave := context.WithCancel(context.Background())
	starterErr := make(chan error, 1)
	go func() {
		_, err := wc.Get(starter, "k", c)
		starterErr <- err
	}()
	select {
	case <-held:
	case <-time.After(time.Minute):
		t.Fatal("the first read did not reach MISP within a minute")
	}
	type got struct {
		w   *guard.Warninglists
		err error
	}
	joiner := make(chan got, 1)
	go func() {
		w, err := wc.Get(context.Background(), "k", c)
		joiner <- got{w, err}
	}()
	waitJoined(t)
	leave()
	if err := <-starterErr; err == nil {
		t.Fatal("the build that left got the warninglists, want its read's error")
	}
	select {
	case g := <-joiner:
		if g.err != nil || g.w == nil || g.w.Len() != 1 {
			t.Fatalf("the build that joined: %v, %v; want the one warninglist", g.w, g.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the build that joined had no answer within a minute")
	}
}

// waitJoined waits up to a minute for a goroutine waiting in
// WarninglistCache.Get for a read another started.
func waitJoined(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	testtool.WaitFor(t, "a second Get to join the read", time.Minute, func() bool {
		for g := range strings.SplitSeq(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "(*WarninglistCache).Get") && strings.Contains(g, "sync.(*WaitGroup).Wait") {
				return true
			}
		}
		return false
	})
}
