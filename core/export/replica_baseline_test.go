package export

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/config"
)

// flushMemcached empties the memcached at addr, as its restart (or its
// eviction of what a replica wrote) does.
func flushMemcached(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("flush_all\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || line != "OK\r\n" {
		t.Fatalf("flush_all: %q %v", line, err)
	}
}

// replicaFleet is a memcached and a MISP whose answer can shrink, shared
// by replicas that read one fake clock.
type replicaFleet struct {
	addr  string
	misp  *shrinkingMISP
	clock *fakeClock
}

func newReplicaFleet(t *testing.T) *replicaFleet {
	t.Helper()
	addr, _ := memcachedtest.Start(t)
	return &replicaFleet{addr: addr, misp: newShrinkingMISP(t), clock: &fakeClock{now: time.Now()}}
}

// replica starts a replica on the fleet's memcached and clock.
func (f *replicaFleet) replica(t *testing.T) *replica {
	t.Helper()
	return newReplica(t, f.addr, func(o *Options) { o.Now = f.clock.Now })
}

// withNeverBlock is r after a reload that adds a never_block entry to its
// site: a setting in the list's key.
func withNeverBlock(r Request) Request {
	site := *r.Site
	site.Guard.NeverBlock = config.NeverBlock{Domains: []string{"example.net"}}
	r.Site = &site
	return r
}

// withTag is r after a reload that changes its site's tag: a setting of
// the query asked of MISP.
func withTag(r Request) Request {
	site := *r.Site
	site.Tag = "cratos-new"
	r.Site = &site
	return r
}

// A replica that serves a list another replica built, taken from
// memcached, knows it as the list last served at its URL, whatever
// memcached keeps: after a reload that changes the list's settings, an
// empty answer from MISP is held against it, and MISP failing serves it
// STALE, as on the replica that built it. (A list built under another
// guard is not served STALE: TestGuardChangeAfterRestartRefusesFormerList.)
func TestTakenListIsTheURLsBaseline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reload func(Request) Request
		cut    func(m *shrinkingMISP)
		want   Status
		held   bool
	}{
		{"empty answer held", withNeverBlock, func(m *shrinkingMISP) { m.keep.Store(0) }, Miss, true},
		{"MISP down served STALE", withTag, func(m *shrinkingMISP) { m.down.Store(true) }, Stale, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := memcachedtest.Start(t)
			m := newShrinkingMISP(t)
			builder, taker := newReplica(t, addr), newReplica(t, addr)
			req := anyFeedRequest(m.url, "ipv4", "10y", "txt", time.Hour)
			good := builtAndTaken(t, builder, taker, req, 100)

			flushMemcached(t, addr)
			req = tc.reload(req)
			tc.cut(m)
			res, err := taker.svc.Get(t.Context(), req)
			if err != nil {
				t.Fatalf("after the reload: %v (want the list served before)", err)
			}
			if res.Status != tc.want || (res.Held != nil) != tc.held || res.ETag != good.ETag || res.Entries != good.Entries {
				t.Fatalf("after the reload: %s, held %v, %d entries, ETag %s; want %s, held %v, %d entries, ETag %s",
					res.Status, res.Held, res.Entries, res.ETag, tc.want, tc.held, good.Entries, good.ETag)
			}
		})
	}
}

// A replica holds a list another replica built as it would hold its own
// build: against the list it last served at the URL. Here a replica that
// never served the list (started after a restart of memcached) builds it
// first after a reload that changed its settings, from an empty MISP
// answer, with nothing to compare it with; the replica whose devices hold
// the full list does not pass the empty one on, whether it takes that
// list from memcached or builds its own from the newcomer's feed read.
func TestOtherReplicasListHeldAgainstTheURLsBaseline(t *testing.T) {
	for _, tc := range []struct {
		name     string
		takeList bool // else the newcomer's list is gone from memcached, its feed read is not
	}{
		{"list taken from memcached", true},
		{"list built from the feed read taken", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fleet := newReplicaFleet(t)
			builder, taker := fleet.replica(t), fleet.replica(t)
			req := anyFeedRequest(fleet.misp.url, "ipv4", "10y", "txt", time.Hour)
			good := builtAndTaken(t, builder, taker, req, 100)

			flushMemcached(t, fleet.addr) // the feed read before is gone: the newcomer reads MISP
			newcomer := fleet.replica(t)
			fleet.clock.advance(time.Minute) // its list is dated after the full one
			req = withNeverBlock(req)
			fleet.misp.keep.Store(0)
			wantEmptyBuild(t, newcomer, req)
			nsArtifact := sameGeneration(t, req, newcomer, taker)
			if !tc.takeList {
				if err := newcomer.mc.Delete(t.Context(), nsArtifact); err != nil {
					t.Fatal(err)
				}
			}
			res, err := taker.svc.Get(t.Context(), req)
			if err != nil || res.Held == nil || res.ETag != good.ETag || res.Entries != good.Entries {
				t.Fatalf("after the newcomer's empty list: %v %v, held %v, %d entries, ETag %s; want held, %d entries, ETag %s",
					res.Status, err, res.Held, res.Entries, res.ETag, good.Entries, good.ETag)
			}
		})
	}
}

// wantEmptyBuild checks that newcomer, a replica that never served req's
// list, builds it from MISP's empty answer as an empty MISS: it has no
// list to hold it against.
func wantEmptyBuild(t *testing.T, newcomer *replica, req Request) {
	t.Helper()
	empty, err := newcomer.svc.Get(t.Context(), req)
	if err != nil || empty.Status != Miss || empty.Entries != 0 || empty.Held != nil {
		t.Fatalf("newcomer's build: %v %v, %d entries, held %v; want an empty MISS it cannot hold",
			empty.Status, err, empty.Entries, empty.Held)
	}
}

// sameGeneration waits until replica b names req's list in memcached as a
// does: each keeps the cache generation it read for a second, and a's was
// made anew after memcached lost it. It returns that name.
func sameGeneration(t *testing.T, req Request, a, b *replica) string {
	t.Helper()
	k := a.svc.listKeys(req)
	want := a.svc.opts.Namespace.Key(t.Context(), k.group, k.artifact)
	for deadline := time.Now().Add(time.Minute); b.svc.opts.Namespace.Key(t.Context(), k.group, k.artifact) != want; {
		if time.Now().After(deadline) {
			t.Fatal("the replicas name the list under other generations a minute on")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return want
}

// builtAndTaken has builder build req's list from MISP and taker take it
// from memcached, failing t unless the build has at least minEntries
// entries and the taker got its bytes; it returns the build.
func builtAndTaken(t *testing.T, builder, taker *replica, req Request, minEntries int) Result {
	t.Helper()
	good, err := builder.svc.Get(t.Context(), req)
	if err != nil || good.Status != Miss || good.Entries < minEntries {
		t.Fatalf("build: %v %v, %d entries", good.Status, err, good.Entries)
	}
	taken, err := taker.svc.Get(t.Context(), req)
	if err != nil || taken.Status != Hit || taken.ETag != good.ETag {
		t.Fatalf("taken from memcached: %v %v, ETag %s (want %s)", taken.Status, err, taken.ETag, good.ETag)
	}
	return good
}
