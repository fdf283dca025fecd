package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// startReplicas starts n `cratos serve` processes sharing one memcached,
// as replicas behind a load balancer are run; extra is added to their
// config.yaml.
func startReplicas(t *testing.T, m *mispFront, memcachedAddr string, n int, extra ...string) []*cratosProc {
	t.Helper()
	host, port, _ := net.SplitHostPort(memcachedAddr)
	cfg := fmt.Sprintf("memcached_host: %q\nmemcached_port: %q\n", host, port) + strings.Join(extra, "")
	replicas := make([]*cratosProc, n)
	for i := range replicas {
		replicas[i] = startCratos(t, procOptions{MISP: m.URL(), Config: cfg})
	}
	return replicas
}

// mispStats reads the emulator's counters at GET /mispsim/stats.
func mispStats(t *testing.T, m *mispFront) mispsim.Counters {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/mispsim/stats", nil)
	req.Header.Set("Authorization", mispsim.DefaultKey)
	resp, err := procClient.Do(req)
	if err != nil {
		t.Fatalf("mispsim stats: %v", err)
	}
	defer resp.Body.Close()
	var c mispsim.Counters
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("mispsim stats: %d %v", resp.StatusCode, err)
	}
	return c
}

// served is one answer of one replica.
type served struct {
	status      int
	cache, body string
	err         error
}

// askAll asks every replica for every path at once.
func askAll(t *testing.T, replicas []*cratosProc, paths []string) [][]served {
	t.Helper()
	out := make([][]served, len(replicas))
	var wg sync.WaitGroup
	for i, p := range replicas {
		out[i] = make([]served, len(paths))
		for j, path := range paths {
			wg.Go(func() { out[i][j] = fetchList(p, path) })
		}
	}
	wg.Wait()
	return out
}

// fetchList is get without failing the test, for use in goroutines.
func fetchList(p *cratosProc, path string) served {
	req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
	req.Header.Set("token", p.token)
	resp, err := procClient.Do(req)
	if err != nil {
		return served{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return served{status: resp.StatusCode, cache: resp.Header.Get("X-Cache"), body: string(body), err: err}
}

// TestReplicasShareLists runs three replicas against one MISP and one
// memcached and asks each for the same lists at once, while MISP is slow:
// only the replica holding a snapshot's lease reads the feed from MISP
// (so at most one read per snapshot, not one per replica, and one per
// replica at most, every data type selected from it), and every replica
// serves the same bytes. Past the lists' lifetime, asked again at once,
// every replica serves its list REVALIDATING and the feed is read again
// as often at most.
func TestReplicasShareLists(t *testing.T) {
	t.Parallel()
	testtool.Require(t, "memcached", "memcached")
	m := startBlockMISP(t)
	addr, _ := memcachedtest.Start(t)
	replicas := startReplicas(t, m, addr, 3)
	const lifetime = 10 // seconds
	lists := []struct {
		path, body string
	}{
		{"/v1/feed/block/type/ipv4/age/1d/output/txt?cache=" + strconv.Itoa(lifetime), blockIPv4Txt},
		{"/v1/feed/block/type/ipv4/age/1d/output/json?cache=" + strconv.Itoa(lifetime), ""}, // the same snapshot
		{"/v1/feed/block/type/domain/age/1d/output/txt?cache=" + strconv.Itoa(lifetime), blockDomainTxt},
	}
	const snapshots = 2
	paths := make([]string, len(lists))
	for i, l := range lists {
		paths[i] = l.path
	}
	// check fails unless every replica served every list in one of the
	// wanted cache states, with the same bytes, and returns how many
	// answers had each state.
	check := func(t *testing.T, answers [][]served, want ...string) map[string]int {
		t.Helper()
		states := map[string]int{}
		for j, l := range lists {
			for i := range replicas {
				a := answers[i][j]
				if a.err != nil || a.status != http.StatusOK || (l.body != "" && a.body != l.body) || a.body != answers[0][j].body {
					t.Fatalf("replica %d, %s: %d %v %q (replica 0 served %q)", i, l.path, a.status, a.err, a.body, answers[0][j].body)
				}
				states[a.cache]++
			}
		}
		for s := range states {
			if !slices.Contains(want, s) {
				t.Fatalf("cache states %v, want only %v", states, want)
			}
		}
		return states
	}

	m.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 500 * time.Millisecond, RestSearchOnly: true})
	before, readsBefore := mispStats(t, m).RestSearchRequests, feedReadsOf(replicas)
	start := time.Now()
	states := check(t, askAll(t, replicas, paths), "MISS", "HIT")
	reads := checkFeedReads(t, replicas, readsBefore, snapshots)
	if n := mispStats(t, m).RestSearchRequests - before; n != int64(reads) {
		t.Fatalf("MISP got %d restSearch requests for %d full reads of a one-event feed, want %d (states %v)", n, reads, reads, states)
	}
	if states["MISS"] > len(lists) {
		t.Errorf("%d lists built, want at most one per list (states %v)", states["MISS"], states)
	}

	readsBefore = feedReadsOf(replicas)
	// Past the lifetime (and the second the fetch time is kept to).
	testtool.WaitFor(t, "the lists' lifetime to pass", 2*lifetime*time.Second, func() bool {
		return time.Since(start) > (lifetime+2)*time.Second
	})
	check(t, askAll(t, replicas, paths), "REVALIDATING")
	// Every replica ends up serving the rebuilt lists as HITs.
	testtool.WaitFor(t, "every replica to serve the rebuilt lists", time.Minute, func() bool {
		for _, p := range replicas {
			for _, path := range paths {
				if a := fetchList(p, path); a.cache != "HIT" {
					return false
				}
			}
		}
		return true
	})
	checkFeedReads(t, replicas, readsBefore, snapshots)
	t.Logf("%d lists of %d snapshots asked of %d replicas at once, twice: %d restSearch requests (cache states of the first round %v)",
		len(lists), snapshots, len(replicas), mispStats(t, m).RestSearchRequests-before, states)
	for _, p := range replicas {
		p.requireAlive(t)
	}
}

// TestReplicaKilledHoldingTheLease kills a replica while it pulls a list
// from MISP, holding the list's lease and its feed's: another replica
// asked for the same list, or for another list of the feed, waits for the
// lease to expire (no longer than its term, although the killed replica's
// pull had minutes left), then reads MISP itself.
func TestReplicaKilledHoldingTheLease(t *testing.T) {
	t.Parallel()
	testtool.Require(t, "memcached", "memcached")
	const path = "/v1/feed/block/type/ipv4/age/1d/output/txt"
	cases := []struct {
		name, otherPath, want string
	}{
		{"the same list", path, blockIPv4Txt},
		{"another list of the feed", "/v1/feed/block/type/domain/age/1d/output/txt", blockDomainTxt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // most of the case is waiting for the lease to expire
			m := startBlockMISP(t)
			addr, _ := memcachedtest.Start(t)
			replicas := startReplicas(t, m, addr, 2)
			holder, other := replicas[0], replicas[1]
			// The first pull never ends on its own; the next ones are answered.
			m.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 10 * time.Minute, RestSearchOnly: true, Times: 1})
			before := mispStats(t, m).RestSearchRequests
			go fetchList(holder, path) // ends with an error when the holder is killed
			testtool.WaitFor(t, "the first replica to query MISP", time.Minute, func() bool {
				return mispStats(t, m).RestSearchRequests-before == 1
			})
			holder.proc.Kill()

			start := time.Now()
			a := fetchList(other, tc.otherPath)
			waited := time.Since(start)
			if a.err != nil || a.status != http.StatusOK || a.body != tc.want || a.cache != "MISS" {
				t.Fatalf("after the holder was killed: %d %s %v %q", a.status, a.cache, a.err, a.body)
			}
			if n := mispStats(t, m).RestSearchRequests - before; n != 2 {
				t.Fatalf("MISP got %d restSearch requests, want 2 (the killed pull and this one)", n)
			}
			// The lease, renewed every 5 s until the kill, had at least 10 s
			// left; it lasts 15 s, not the 5 minutes the killed pull could
			// have taken.
			t.Logf("the other replica served the list %s after the holder was killed", waited.Round(time.Millisecond))
			if waited < 5*time.Second || waited > time.Minute {
				t.Errorf("served after %s, want after the dead holder's lease expired (5 s to a minute)", waited.Round(time.Millisecond))
			}
			other.requireAlive(t)
		})
	}
}

// feedReadsOf is how many times each replica has begun a MISP pull.
func feedReadsOf(replicas []*cratosProc) []int {
	n := make([]int, len(replicas))
	for i, p := range replicas {
		n[i] = strings.Count(p.out.String(), `"msg":"MISP pull started"`)
	}
	return n
}

// checkFeedReads fails unless, since before, the replicas read the feed
// at least once and at most once per snapshot, each at most once; it
// returns how many reads there were.
func checkFeedReads(t *testing.T, replicas []*cratosProc, before []int, snapshots int) int {
	t.Helper()
	total := 0
	for i, n := range feedReadsOf(replicas) {
		if n-before[i] > 1 {
			t.Fatalf("replica %d read the feed %d times, want at most once", i, n-before[i])
		}
		total += n - before[i]
	}
	if total < 1 || total > snapshots {
		t.Fatalf("the replicas read the feed %d times, want 1 to %d (one per snapshot at most)", total, snapshots)
	}
	return total
}

// feedPaths are the JSON lists of every data type at three ages of the
// block feed, living lifetime seconds.
func feedPaths(lifetime int) []string {
	var paths []string
	for _, dt := range indicator.DataTypes() {
		for _, age := range []string{"1d", "30d", "10y"} {
			paths = append(paths, "/v1/feed/block/type/"+dt.Name+"/age/"+age+"/output/json?cache="+strconv.Itoa(lifetime))
		}
	}
	return paths
}

// TestReplicasShareFeedRefreshes asks three replicas for the 78 lists of
// one feed, twice, a lifetime apart: MISP sees one read of the feed, then
// the searches of one refresh, not one per replica; the other replicas
// take the feed from memcached.
func TestReplicasShareFeedRefreshes(t *testing.T) {
	t.Parallel()
	testtool.Require(t, "memcached", "memcached")
	m := startBlockMISP(t)
	addr, _ := memcachedtest.Start(t)
	replicas := startReplicas(t, m, addr, 3, "cold_builds_per_minute: 10000\n")
	// seconds: every replica must be served all 78 lists, rebuilt after
	// the refresh, within the first nine tenths of it (refresh-ahead
	// reads the feed again in the last tenth), on a busy machine too.
	const lifetime = 20
	paths := feedPaths(lifetime)
	allServed := func(want ...string) bool {
		for i, answers := range askAll(t, replicas, paths) {
			for j, a := range answers {
				if a.err != nil || a.status != http.StatusOK {
					t.Fatalf("replica %d, %s: %d %v %q", i, paths[j], a.status, a.err, a.body)
				}
				if !slices.Contains(want, a.cache) {
					return false
				}
			}
		}
		return true
	}
	before := mispStats(t, m).RestSearchRequests
	start := time.Now()
	allServed("MISS", "HIT")
	if n := mispStats(t, m).RestSearchRequests - before; n != 1 || strings.Count(allLogs(replicas), `"msg":"MISP pull started"`) != 1 {
		t.Fatalf("%d restSearch requests for %d lists of a one-event feed on 3 replicas, want one read", n, len(paths))
	}
	testtool.WaitFor(t, "the lists' lifetime to pass", 4*lifetime*time.Second, func() bool { return time.Since(start) > (lifetime+2)*time.Second })
	before = mispStats(t, m).RestSearchRequests
	testtool.WaitFor(t, "every replica to serve the refreshed lists", 2*time.Minute, func() bool { return allServed("HIT") })
	logs := allLogs(replicas)
	refreshes := regexp.MustCompile(`"msg":"fetched".*"full":false,"searches":([0-9]+)`).FindAllStringSubmatch(logs, -1)
	if len(refreshes) != 1 || strings.Count(logs, `"msg":"MISP pull started"`) != 2 {
		t.Fatalf("%d refreshes after the lifetime, want 1:\n%s", len(refreshes), logs)
	}
	if n := mispStats(t, m).RestSearchRequests - before; strconv.FormatInt(n, 10) != refreshes[0][1] {
		t.Errorf("%d restSearch requests after the lifetime, want the one refresh's %s searches", n, refreshes[0][1])
	}
	if !strings.Contains(logs, "feed snapshot taken from memcached") {
		t.Error("no replica took the feed snapshot from memcached")
	}
}

func allLogs(replicas []*cratosProc) string {
	var b strings.Builder
	for _, p := range replicas {
		b.WriteString(p.out.String())
	}
	return b.String()
}
