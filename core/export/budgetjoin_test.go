package export

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/internal/testtool"
)

// gatedStore is a shared store whose next read, once armed, waits for
// release: a build reading it is held inside its single flight.
type gatedStore struct {
	cache.Store
	mu      sync.Mutex
	armed   bool
	entered chan struct{}
	release chan struct{}
}

func newGatedStore() *gatedStore {
	return &gatedStore{Store: cache.NewMemory(64 << 20), entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *gatedStore) arm() {
	g.mu.Lock()
	g.armed = true
	g.mu.Unlock()
}

func (g *gatedStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	g.mu.Lock()
	gated := g.armed
	g.armed = false
	g.mu.Unlock()
	if gated {
		close(g.entered)
		<-g.release
	}
	return g.Store.Get(ctx, key)
}

// A request that joins a build started by a token past its cold-build
// budget is judged by its own token's budget: with budget left it gets
// the list built, not the other token's refusal.
func TestJoinerIsJudgedByItsOwnBudget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	defer srv.Close()
	at := time.Now()
	shared := newGatedStore()
	s := New(inMemory(Options{Limits: Limits{ColdBuildsPerMinute: 1}, Shared: shared, Now: func() time.Time { return at }}, "budget join"))
	if _, err := s.Get(context.Background(), limitsRequest(srv.URL, "k", "1d")); err != nil {
		t.Fatalf("c1's first cold build: %v", err)
	}
	spent := limitsRequest(srv.URL, "k", "2d")
	fresh := spent
	fresh.Consumer = "c2"

	shared.arm()
	spentOut := getAsync(s, context.Background(), spent)
	<-shared.entered // c1's build is running, before its budget is asked
	joined := getAsync(s, context.Background(), fresh)
	testtool.WaitFor(t, "c2 to join c1's build", time.Minute, func() bool { return buildWaiters(s, spent) == 2 })
	close(shared.release)

	// c1 is refused a build of its own; it may still be served, STALE,
	// the list c2's build has just kept, as every refused request is
	// served a last good list.
	spentGot := <-spentOut
	if refused := errors.Is(spentGot.err, ErrBuildBudget) ||
		spentGot.err == nil && spentGot.res.Status == Stale && errors.Is(spentGot.res.Upstream, ErrBuildBudget); !refused {
		t.Errorf("c1 past its budget: %v %v, want ErrBuildBudget", spentGot.res.Status, spentGot.err)
	}
	got := <-joined
	if got.err != nil || got.res.Artifact == nil || got.res.Status != Miss {
		t.Fatalf("c2 with budget left: %v %v, want a MISS", got.res.Status, got.err)
	}
	if got.res.Entries != 3 {
		t.Errorf("c2's list: %d entries, want 3", got.res.Entries)
	}
}
