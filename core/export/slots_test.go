package export

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// blockingMISP answers every request once released, and sends the MISP
// key of each feed read on arrived when its first request comes in.
type blockingMISP struct {
	*httptest.Server
	arrived chan string
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	seen    map[string]bool
}

// open lets every search, waiting or to come, be answered.
func (m *blockingMISP) open() { m.once.Do(func() { close(m.release) }) }

func newBlockingMISP(t *testing.T) *blockingMISP {
	m := &blockingMISP{arrived: make(chan string, 64), release: make(chan struct{}), seen: map[string]bool{}}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Authorization")
		m.mu.Lock()
		if !m.seen[key] {
			m.seen[key] = true
			m.arrived <- key
		}
		m.mu.Unlock()
		<-m.release
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	t.Cleanup(m.Close)
	t.Cleanup(m.open) // first: Close waits for the searches held
	return m
}

// next returns the MISP key of the next feed read to reach MISP.
func (m *blockingMISP) next(t *testing.T, want string) string {
	t.Helper()
	select {
	case key := <-m.arrived:
		return key
	case <-time.After(time.Minute):
		t.Fatalf("no read reached MISP within a minute, waiting for %s", want)
		return ""
	}
}

// wantShareFull fails t unless the next read, of holder's, waits for the
// share of want, told on full, rather than reach MISP within a minute.
func (m *blockingMISP) wantShareFull(t *testing.T, full <-chan string, want, holder string) {
	t.Helper()
	select {
	case key := <-m.arrived:
		t.Fatalf("the read of %s reached MISP: %s holds every build slot", key, holder)
	case got := <-full:
		if got != want {
			t.Fatalf("a read waits for the share of %s, want %s", got, want)
		}
	case <-time.After(time.Minute):
		t.Fatalf("%s's last read neither reached MISP nor waited within a minute", holder)
	}
}

// A token may hold at most all build slots but one: the builds of another
// token start while it holds them, and its own wait for its share.
func TestOneTokenLeavesABuildSlot(t *testing.T) {
	for _, slots := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d slots", slots), func(t *testing.T) {
			m := newBlockingMISP(t)
			s := limitsService(Limits{MaxBuilds: slots})
			full := make(chan string, 1)
			s.limits.shareFull = func(consumer string) { full <- consumer }
			gets := &concurrentGets{s: s, url: m.URL}
			get := gets.get
			// The noisy token asks as many lists as there are slots, each of
			// its own feed (a MISP key of its own): all but the last reach
			// MISP, and the last waits for the token's share.
			for i := range slots {
				get("noisy", fmt.Sprintf("noisy-%d", i))
			}
			for range slots - 1 {
				m.next(t, "the noisy token's share")
			}
			m.wantShareFull(t, full, "noisy", "the noisy token")
			get("device", "device")
			if key := m.next(t, "the device's build"); key != "device" {
				t.Fatalf("the read of %s reached MISP before the device's: the noisy token holds every build slot", key)
			}
			m.open()
			gets.wait(t)
			// The noisy token's last build ran once its share allowed.
			if got := len(m.arrived); got != 1 {
				t.Errorf("%d reads after the device's, want 1", got)
			}
		})
	}
}

// A background rebuild is the service's work: it takes no share of the
// token whose request it replaces, and the token's own builds still run.
func TestBackgroundRebuildTakesNoTokenShare(t *testing.T) {
	m := newBlockingMISP(t)
	s := limitsService(Limits{MaxBuilds: 2})
	bg := context.WithValue(context.Background(), backgroundKey{}, &background{})
	var wg sync.WaitGroup
	for _, key := range []string{"bg-1", "own"} {
		ctx := context.Background()
		if key != "own" {
			ctx = bg
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Get(ctx, limitsRequest(m.URL, key, "1d")); err != nil {
				t.Errorf("build of %s: %v", key, err)
			}
		}()
		m.next(t, key)
	}
	m.open()
	wg.Wait()
}

// With a single build slot there is no share to keep: a token's build
// takes it.
func TestASingleSlotIsNotShared(t *testing.T) {
	m := newBlockingMISP(t)
	s := limitsService(Limits{MaxBuilds: 1})
	done := make(chan error, 1)
	go func() {
		_, err := s.Get(context.Background(), limitsRequest(m.URL, "only", "1d"))
		done <- err
	}()
	m.next(t, "the token's only build")
	m.open()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// concurrentGets runs Gets of limitsRequest lists on s, each in its own
// goroutine, and reports their errors once they are all done.
type concurrentGets struct {
	s    *Service
	url  string
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

// get starts consumer's Get of the list of MISP key key.
func (g *concurrentGets) get(consumer, key string) { g.getAt("", consumer, key) }

// getAt is get of a list of site, when named.
func (g *concurrentGets) getAt(site, consumer, key string) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		r := limitsRequest(g.url, key, "1d")
		r.Consumer = consumer
		if site != "" {
			named := *r.Site
			named.Name = site
			r.Site = &named
		}
		if _, err := g.s.Get(context.Background(), r); err != nil {
			g.mu.Lock()
			g.errs = append(g.errs, fmt.Errorf("%s's build of %s: %w", consumer, key, err))
			g.mu.Unlock()
		}
	}()
}

// wait waits for every Get and fails t with their errors.
func (g *concurrentGets) wait(t *testing.T) {
	t.Helper()
	g.wg.Wait()
	for _, err := range g.errs {
		t.Error(err)
	}
}
