package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

// How the memcached servers named by a host name follow its address.
const (
	// ServerLookupEvery is how often the host names of the memcached
	// servers are looked up again: a server whose name now leads to
	// another address (a Kubernetes or compose service recreated, a
	// failover) is reached there from the next lookup on.
	ServerLookupEvery = 30 * time.Second
	// serverLookupAfterFailures failed operations since the last lookup
	// bring the next one forward, to serverLookupGap after the last.
	serverLookupAfterFailures = 3
	serverLookupGap           = 5 * time.Second
	// serverLookupTimeout bounds one round of lookups.
	serverLookupTimeout = 10 * time.Second
)

// lookupFunc returns the addresses of a host name.
type lookupFunc func(ctx context.Context, host string) ([]string, error)

// serverLookup is how a serverSet looks its names up; tests replace it.
type serverLookup struct {
	lookup     lookupFunc
	every, gap time.Duration
}

// defaultServerLookup is the system resolver on the documented schedule.
var defaultServerLookup = serverLookup{lookup: net.DefaultResolver.LookupHost, every: ServerLookupEvery, gap: serverLookupGap}

// serverSet is the memcached servers as configured and the addresses they
// are used at. A server named by a host name is looked up again every
// interval, and sooner after failures; the list changes only when an
// address does. Each configured server stays one entry, so items keep
// their server.
type serverSet struct {
	list     memcache.ServerList
	servers  []string // as configured
	logger   *slog.Logger
	how      serverLookup
	onChange func() // after the list changed: drops idle connections

	mu      sync.Mutex
	current []string // the address each server is used at
	failing []bool   // whose last lookup failed (logged once)

	failures atomic.Int32
	wake     chan struct{} // nil when no server has a name to look up
	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once
}

// newServerSet resolves servers, failing on any that does not resolve;
// start follows the names among them.
func newServerSet(servers []string, how serverLookup, logger *slog.Logger) (*serverSet, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &serverSet{servers: servers, logger: logger, how: how, onChange: func() {},
		current: make([]string, len(servers)), failing: make([]bool, len(servers))}
	for i, server := range servers {
		addr, err := s.resolve(context.Background(), server, "")
		if err != nil {
			return nil, err
		}
		s.current[i] = addr
	}
	if err := s.list.SetServers(s.current...); err != nil {
		return nil, err
	}
	return s, nil
}

// start looks the names among the servers up again until stop, calling
// onChange after each change of the list; servers given as addresses
// need none.
func (s *serverSet) start(onChange func()) {
	if slices.Equal(s.current, s.servers) {
		return
	}
	s.onChange = onChange
	ctx, cancel := context.WithCancel(context.Background())
	s.wake, s.cancel, s.done = make(chan struct{}, 1), cancel, make(chan struct{})
	go s.run(ctx)
}

// resolve returns the address server is to be used at: itself for a unix
// socket or an IP address, else host:port at an address of its host. The
// address in use (prev) is kept while the host still has it, so a name
// with several addresses does not move between them; otherwise the first
// IPv4 address is taken, as at start.
func (s *serverSet) resolve(ctx context.Context, server, prev string) (string, error) {
	if strings.Contains(server, "/") {
		return server, nil
	}
	host, port, err := net.SplitHostPort(server)
	if err != nil {
		return "", err
	}
	if _, err := netip.ParseAddr(host); err == nil || host == "" {
		return server, nil
	}
	addrs, err := s.how.lookup(ctx, host)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("lookup %s: no address", host)
	}
	if err != nil {
		return "", err
	}
	if prevHost, _, err := net.SplitHostPort(prev); err == nil && slices.Contains(addrs, prevHost) {
		return prev, nil
	}
	pick := addrs[0]
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err == nil && ip.Unmap().Is4() {
			pick = a
			break
		}
	}
	return net.JoinHostPort(pick, port), nil
}

// refresh looks every name up again and moves the servers whose address
// changed. A name that does not resolve keeps its address.
func (s *serverSet) refresh(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures.Store(0)
	next := slices.Clone(s.current)
	for i, server := range s.servers {
		addr, err := s.resolve(ctx, server, s.current[i])
		if errors.Is(ctx.Err(), context.Canceled) {
			return // stopping
		}
		if err != nil {
			if !s.failing[i] {
				s.logger.Warn("memcached server name does not resolve; its last address is kept",
					"server", server, "address", s.current[i], "error", err)
			}
			s.failing[i] = true
			continue
		}
		if s.failing[i] {
			s.logger.Info("memcached server name resolves again", "server", server, "address", addr)
			s.failing[i] = false
		}
		if addr != s.current[i] {
			s.logger.Info("memcached server moved to a new address", "server", server, "from", s.current[i], "to", addr)
		}
		next[i] = addr
	}
	if slices.Equal(next, s.current) {
		return
	}
	if err := s.list.SetServers(next...); err != nil {
		s.logger.Warn("memcached servers not moved", "error", err)
		return
	}
	s.current = next
	s.onChange()
}

// run refreshes every interval, and after a run of failures no sooner
// than the gap after the last refresh, until ctx ends.
func (s *serverSet) run(ctx context.Context) {
	defer close(s.done)
	timer := time.NewTimer(s.how.every)
	defer timer.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
			if wait := s.how.gap - time.Since(last); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
		lookupCtx, cancel := context.WithTimeout(ctx, serverLookupTimeout)
		s.refresh(lookupCtx)
		cancel()
		last = time.Now()
		timer.Reset(s.how.every)
	}
}

// failed counts an operation the servers failed; enough of them since
// the last lookup bring the next one forward.
func (s *serverSet) failed() {
	if s == nil || s.wake == nil || s.failures.Add(1) < serverLookupAfterFailures {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// stop ends the lookups and waits for them to end.
func (s *serverSet) stop() {
	if s == nil || s.wake == nil {
		return
	}
	s.stopOnce.Do(func() {
		s.cancel()
		<-s.done
	})
}
