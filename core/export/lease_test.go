package export

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/internal/testtool"
)

// replica is one Service as a separate process would have it: its own
// in-process cache and memcached client, the same memcached and secrets.
type replica struct {
	svc   *Service
	mc    *cache.Memcached
	obs   *countingObserver
	log   *testtool.LogBuffer
	ended chan error
}

func newReplica(t *testing.T, memcachedAddr string, tweaks ...func(*Options)) *replica {
	t.Helper()
	mc, err := cache.NewMemcached(cache.Options{Servers: []string{memcachedAddr}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mc.Close() })
	rp := &replica{mc: mc, obs: &countingObserver{}, log: &testtool.LogBuffer{}, ended: make(chan error, 16)}
	// The shared level behind a back-off, as cratos serve has it.
	opts := inMemory(Options{Shared: cache.NewBackoff(mc, 0, nil), Namespace: cache.NewNamespace(mc, time.Second), Observer: rp.obs,
		Logger: slog.New(slog.NewTextHandler(rp.log, &slog.HandlerOptions{Level: slog.LevelDebug}))}, "lease test")
	for _, tweak := range tweaks {
		tweak(&opts)
	}
	rp.svc = New(opts)
	rp.svc.refreshed = func(_ string, err error) { rp.ended <- err }
	return rp
}

// leaseRequest asks for the "any" feed's IPv4 list of the gated MISP.
func leaseRequest(misp *gatedMISP, output string, ttl time.Duration) Request {
	return anyFeedRequest(misp.url, "ipv4", "10y", output, ttl)
}

func fetchesOf(replicas []*replica) int {
	n := 0
	for _, rp := range replicas {
		n += int(rp.obs.fetches.Load())
	}
	return n
}

// getAll asks every replica for req at once, runs meanwhile while they
// wait, and returns their results; it stops the test if one failed.
func getAll(t *testing.T, replicas []*replica, req Request, meanwhile func()) []Result {
	t.Helper()
	results := make([]Result, len(replicas))
	errs := make([]error, len(replicas))
	var wg sync.WaitGroup
	for i, rp := range replicas {
		wg.Go(func() { results[i], errs[i] = rp.svc.Get(context.Background(), req) })
	}
	meanwhile()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	return results
}

// waitLog waits until n replicas have logged text.
func waitLog(t *testing.T, replicas []*replica, text string, n int) {
	t.Helper()
	seen := func() int {
		count := 0
		for _, rp := range replicas {
			if strings.Contains(rp.log.String(), text) {
				count++
			}
		}
		return count
	}
	testtool.WaitFor(t, fmt.Sprintf("%d replicas to log %q", n, text), time.Minute, func() bool { return seen() >= n },
		func() string { return fmt.Sprintf("%d replicas logged it", seen()) })
}

// Three replicas asked for one list at once while MISP is slow: one of
// them queries MISP, the others wait for its list and serve its bytes.
func TestReplicasBuildAListOnce(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	replicas := []*replica{newReplica(t, addr), newReplica(t, addr), newReplica(t, addr)}
	req := leaseRequest(misp, "txt", time.Hour)
	misp.hold()
	results := getAll(t, replicas, req, func() {
		waitLog(t, replicas, "another process is rebuilding", 2)
		misp.release()
	})
	if n := fetchesOf(replicas); n != 1 {
		t.Fatalf("%d MISP pulls for one list on three replicas, want 1", n)
	}
	statuses := map[Status]int{}
	for i, res := range results {
		statuses[res.Status]++
		if !bytes.Equal(res.Body, results[0].Body) || res.ETag != results[0].ETag || res.Entries == 0 {
			t.Errorf("replica %d served %d entries, ETag %s; replica 0 %s", i, res.Entries, res.ETag, results[0].ETag)
		}
	}
	if statuses[Miss] != 1 || statuses[Hit] != 2 {
		t.Errorf("statuses %v, want one MISS (the builder) and two HITs", statuses)
	}
	// Another list of the same feed, on another replica: the snapshot is
	// shared, MISP is not asked again.
	other := req
	other.Kind, other.Vendor = KindVendor, "cisco"
	if res, err := replicas[2].svc.Get(context.Background(), other); err != nil || res.Status != Miss || res.Entries != results[0].Entries {
		t.Fatalf("vendor list: %v %v", res.Status, err)
	}
	if n := fetchesOf(replicas); n != 1 {
		t.Fatalf("%d MISP pulls after a second output, want 1", n)
	}
}

// Past the lifetime every replica serves its old list (REVALIDATING) and
// starts a background rebuild; only the lease holder queries MISP, and
// the others take up its list.
func TestReplicasRevalidateOnce(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	replicas := []*replica{newReplica(t, addr), newReplica(t, addr)}
	req := leaseRequest(misp, "txt", 2*time.Second)
	first, err := replicas[0].svc.Get(context.Background(), req)
	if err != nil || first.Status != Miss {
		t.Fatalf("first: %v %v", first.Status, err)
	}
	if res, err := replicas[1].svc.Get(context.Background(), req); err != nil || res.Status != Hit || res.ETag != first.ETag {
		t.Fatalf("second replica: %v %v", res.Status, err)
	}
	expired := first.Fetched.Add(req.TTL + 2*time.Second) // fetch times are kept to the second
	for time.Now().Before(expired) {
		time.Sleep(50 * time.Millisecond)
	}
	misp.hold()
	for i, rp := range replicas {
		if res, err := rp.svc.Get(context.Background(), req); err != nil || res.Status != Revalidating || res.ETag != first.ETag {
			t.Fatalf("replica %d past the lifetime: %v %v", i, res.Status, err)
		}
	}
	waitLog(t, replicas, "another process is rebuilding", 1)
	misp.release()
	for i, rp := range replicas {
		select {
		case err := <-rp.ended:
			if err != nil {
				t.Fatalf("replica %d's background rebuild: %v", i, err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("replica %d's background rebuild did not end", i)
		}
	}
	if n := fetchesOf(replicas); n != 2 {
		t.Fatalf("%d MISP pulls, want 2 (the first build and one rebuild)", n)
	}
	var fetched []time.Time
	for i, rp := range replicas {
		res, err := rp.svc.Get(context.Background(), req)
		if err != nil || res.Status != Hit || !res.Fetched.After(first.Fetched) {
			t.Fatalf("replica %d after the rebuild: %v %v fetched %v", i, res.Status, err, res.Fetched)
		}
		fetched = append(fetched, res.Fetched)
	}
	if !fetched[0].Equal(fetched[1]) {
		t.Errorf("replicas serve lists fetched at %v and %v, want one rebuild", fetched[0], fetched[1])
	}
}

// A lease whose holder died (never renewed, never released) expires, and
// the next replica builds the list itself.
func TestDeadHoldersLeaseExpires(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	rp := newReplica(t, addr)
	req := leaseRequest(misp, "txt", time.Hour)
	ctx := context.Background()
	k := rp.svc.keysFor(req)
	nsArtifact := rp.svc.opts.Namespace.Key(ctx, k.group, k.artifact)
	if ok, err := rp.mc.Lease(ctx, nsArtifact, "a process that died", 2*time.Second); !ok || err != nil {
		t.Fatalf("lease: %v %v", ok, err)
	}
	taken := time.Now()
	res, err := rp.svc.Get(ctx, req)
	if err != nil || res.Status != Miss || res.Entries == 0 {
		t.Fatalf("get: %v %v", res.Status, err)
	}
	if waited := time.Since(taken); waited < time.Second {
		t.Errorf("built after %s, before the dead holder's lease expired", waited)
	}
	if !strings.Contains(rp.log.String(), "another process is rebuilding") {
		t.Error("the replica did not wait for the lease")
	}
	if n := rp.obs.fetches.Load(); n != 1 {
		t.Fatalf("%d MISP pulls, want 1", n)
	}
}

// With memcached unreachable nobody can hold a lease: every replica
// builds on its own, as without memcached.
func TestLeaseWithMemcachedDown(t *testing.T) {
	misp := newGatedMISP(t)
	rp := newReplica(t, "127.0.0.1:"+strconv.Itoa(testtool.FreePort(t)))
	res, err := rp.svc.Get(context.Background(), leaseRequest(misp, "txt", time.Hour))
	if err != nil || res.Status != Miss || res.Entries == 0 {
		t.Fatalf("get: %v %v", res.Status, err)
	}
	if strings.Contains(rp.log.String(), "another process is rebuilding") {
		t.Error("waited for a lease memcached could not grant")
	}
}

// A MISP pull slower than the list's lifetime: the replicas that waited
// for it take its list rather than each pulling again.
func TestReplicasTakeASlowPull(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	replicas := []*replica{newReplica(t, addr), newReplica(t, addr)}
	req := leaseRequest(misp, "txt", time.Second)
	misp.hold()
	held := time.Now()
	results := getAll(t, replicas, req, func() {
		waitLog(t, replicas, "another process is rebuilding", 1)
		for time.Since(held) < 3*req.TTL { // the pull outlasts the lifetime
			time.Sleep(50 * time.Millisecond)
		}
		misp.release()
	})
	if n := fetchesOf(replicas); n != 1 {
		t.Fatalf("%d MISP pulls, want 1 (first status %v)", n, results[0].Status)
	}
}
