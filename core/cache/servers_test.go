package cache

import (
	"bytes"
	"context"
	"errors"
	"net"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/internal/testtool"
)

// fakeDNS answers lookups of its names with the addresses set last, or an
// error, and counts the lookups.
type fakeDNS struct {
	mu      sync.Mutex
	answers map[string][]string
	err     error
	lookups int
}

func newFakeDNS(host string, addrs ...string) *fakeDNS {
	return &fakeDNS{answers: map[string][]string{host: addrs}}
}

func (d *fakeDNS) lookup(_ context.Context, host string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	if d.err != nil {
		return nil, d.err
	}
	addrs, ok := d.answers[host]
	if !ok {
		return nil, errors.New("no such host " + host)
	}
	return addrs, nil
}

func (d *fakeDNS) set(host string, addrs []string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answers[host], d.err = addrs, err
}

func (d *fakeDNS) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lookups
}

// listed returns the addresses the clients of s pick from.
func listed(s *serverSet) []string {
	var addrs []string
	_ = s.list.Each(func(a net.Addr) error {
		addrs = append(addrs, a.String())
		return nil
	})
	return addrs
}

func TestServerAddress(t *testing.T) {
	tests := []struct {
		name, server, prev string
		answer             []string
		want               string
		wantErr            bool
	}{
		{"IP address", "10.0.0.1:11211", "", nil, "10.0.0.1:11211", false},
		{"IPv6 address", "[2001:db8::1]:11211", "", nil, "[2001:db8::1]:11211", false},
		{"unix socket", "/run/memcached/memcached.sock", "", nil, "/run/memcached/memcached.sock", false},
		{"name", "cache.test:11211", "", []string{"10.0.0.5"}, "10.0.0.5:11211", false},
		{"IPv4 first", "cache.test:11211", "", []string{"2001:db8::5", "10.0.0.5"}, "10.0.0.5:11211", false},
		{"IPv6 only", "cache.test:11211", "", []string{"2001:db8::5"}, "[2001:db8::5]:11211", false},
		{"address kept while listed", "cache.test:11211", "10.0.0.6:11211", []string{"10.0.0.5", "10.0.0.6"}, "10.0.0.6:11211", false},
		{"moved", "cache.test:11211", "10.0.0.6:11211", []string{"10.0.0.7"}, "10.0.0.7:11211", false},
		{"no address", "cache.test:11211", "", []string{}, "", true},
		{"not found", "other.test:11211", "", nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dns := newFakeDNS("cache.test", tc.answer...)
			s := &serverSet{how: serverLookup{lookup: dns.lookup}}
			got, err := s.resolve(context.Background(), tc.server, tc.prev)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("resolve(%q, %q) = %q, %v; want %q, error: %v", tc.server, tc.prev, got, err, tc.want, tc.wantErr)
			}
			if tc.answer == nil && !tc.wantErr && dns.count() != 0 {
				t.Errorf("%d lookups of an address", dns.count())
			}
		})
	}
}

// A name that stops resolving keeps its last address, and says so once;
// when it resolves again, the change is taken and logged.
func TestServerNameNotResolvingKeepsItsAddress(t *testing.T) {
	dns := newFakeDNS("cache.test", "10.0.0.5")
	logger, logs := testtool.JSONLogger()
	s, err := newServerSet([]string{"10.0.0.1:11211", "cache.test:11211"}, serverLookup{lookup: dns.lookup, every: time.Hour}, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dns.set("cache.test", nil, errors.New("server misbehaving"))
	for range 3 {
		s.refresh(ctx)
	}
	if got, want := listed(s), []string{"10.0.0.1:11211", "10.0.0.5:11211"}; !slices.Equal(got, want) {
		t.Errorf("addresses %v while the name fails, want the last ones %v", got, want)
	}
	if n := len(logs.Records("memcached server name does not resolve; its last address is kept")); n != 1 {
		t.Errorf("%d lines for a name failing three times, want 1:\n%s", n, logs)
	}
	dns.set("cache.test", []string{"10.0.0.6"}, nil)
	s.refresh(ctx)
	if got, want := listed(s), []string{"10.0.0.1:11211", "10.0.0.6:11211"}; !slices.Equal(got, want) {
		t.Errorf("addresses %v once the name resolves again, want %v", got, want)
	}
	if len(logs.Records("memcached server name resolves again")) != 1 {
		t.Errorf("no line for the name resolving again:\n%s", logs)
	}
	moved := logs.Records("memcached server moved to a new address")
	if len(moved) != 1 || moved[0]["from"] != "10.0.0.5:11211" || moved[0]["to"] != "10.0.0.6:11211" {
		t.Errorf("moves logged: %v, want one from 10.0.0.5:11211 to 10.0.0.6:11211", moved)
	}
}

// Servers given as addresses are never looked up, and nothing runs to
// look them up.
func TestServerAddressesAreNotLookedUp(t *testing.T) {
	dns := newFakeDNS("cache.test", "10.0.0.5")
	m, err := newMemcached(Options{Servers: []string{"127.0.0.1:11211", "/run/memcached.sock"}},
		serverLookup{lookup: dns.lookup, every: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.servers.wake != nil || dns.count() != 0 {
		t.Errorf("addresses looked up %d times (follower started: %v)", dns.count(), m.servers.wake != nil)
	}
}

// Close stops the lookups of the server names: the goroutine making them
// has ended when it returns.
func TestMemcachedCloseStopsLookups(t *testing.T) {
	dns := newFakeDNS("cache.test", "127.0.0.1")
	m, err := newMemcached(Options{Servers: []string{"cache.test:11211"}}, serverLookup{lookup: dns.lookup, every: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	testtool.WaitFor(t, "a lookup after the first", time.Minute, func() bool { return dns.count() > 1 })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.servers.done:
	default:
		t.Fatal("the lookups go on after Close")
	}
}

// A memcached named by a host name whose address changes (a service
// recreated, a failover) is written at its new address: the name was
// resolved once at start, and every shared read and write went on
// failing, or reaching the former server, until a restart.
func TestMemcachedFollowsServerToNewAddress(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs 127.0.0.2 on the loopback interface")
	}
	tests := []struct {
		name    string
		every   time.Duration
		stopOld bool // a failover: the former server is gone
	}{
		{"after failures, the former server gone", time.Hour, true},
		{"on the periodic lookup, the former server still up", 20 * time.Millisecond, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oldAddr, stopOld := memcachedtest.Start(t)
			_, port, err := splitPort(oldAddr)
			if err != nil {
				t.Fatal(err)
			}
			newAddr, _ := memcachedtest.StartOnHost(t, "127.0.0.2", port)
			dns := newFakeDNS("memcached.test", "127.0.0.1")
			logger, logs := testtool.JSONLogger()
			m, err := newMemcached(Options{Servers: []string{"memcached.test:" + strconv.Itoa(port)},
				Timeout: 2 * time.Second, KeyPrefix: "test:", Logger: logger},
				serverLookup{lookup: dns.lookup, every: tc.every})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = m.Close() })
			oldServer, newServer := dial(t, oldAddr), dial(t, newAddr)
			ctx := context.Background()
			if err := m.Set(ctx, "before", []byte("on the former server"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if got, ok, _ := oldServer.Get(ctx, "before"); !ok || string(got) != "on the former server" {
				t.Fatalf("the first write is not on the former server: %q %v", got, ok)
			}

			dns.set("memcached.test", []string{"127.0.0.2"}, nil)
			if tc.stopOld {
				stopOld()
			}
			value := randomBytes(2 << 20) // chunked: the background writer moves too
			testtool.WaitFor(t, "a write reaching the server at the name's new address", time.Minute, func() bool {
				_ = m.Set(ctx, "after", value, time.Minute)
				_ = m.WaitWrites(ctx)
				got, ok, _ := newServer.Get(ctx, "after")
				return ok && bytes.Equal(got, value)
			}, logs.String)
			if got := listed(m.servers); !slices.Equal(got, []string{newAddr}) {
				t.Errorf("servers at %v, want %v", got, newAddr)
			}
			moved := logs.Records("memcached server moved to a new address")
			if len(moved) != 1 || moved[0]["from"] != oldAddr || moved[0]["to"] != newAddr {
				t.Errorf("moves logged: %v, want one from %s to %s", moved, oldAddr, newAddr)
			}
		})
	}
}
