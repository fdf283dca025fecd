package export

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// sharedFeed is an emulator on a settable clock and replicas sharing one
// memcached, on that clock.
type sharedFeed struct {
	clock    atomic.Int64
	sim      *mispsim.Server
	url      string
	replicas []*replica
}

func newSharedFeed(t *testing.T, n int) *sharedFeed {
	t.Helper()
	f := &sharedFeed{}
	f.clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
	now := func() time.Time { return time.Unix(f.clock.Load(), 0) }
	f.sim, f.url = misptest.Start(t, mispsim.Options{Generate: 3000, Seed: 5, Now: now})
	addr, _ := memcachedtest.Start(t)
	for range n {
		f.replicas = append(f.replicas, newReplica(t, addr, func(o *Options) { o.Now = now }))
	}
	return f
}

// sharedFeedTypes are every data type's name.
var sharedFeedTypes = func() []string {
	var out []string
	for _, dt := range indicator.DataTypes() {
		out = append(out, dt.Name)
	}
	return out
}()

// request asks for one list of the "any" feed, fresh as of now.
func (f *sharedFeed) request(dataType, age string) Request {
	req := anyFeedRequest(f.url, dataType, age, "json", time.Minute)
	off := false
	req.Site.PageSize, req.Site.Guard.Warninglists, req.WaitFresh = 500, &off, true
	return req
}

// askAll has every replica ask for every data type at every age at once,
// and fails unless they all serve each list with the same bytes; it
// returns the lists by data type and age.
func (f *sharedFeed) askAll(t *testing.T) map[string]string {
	t.Helper()
	var (
		mu    sync.Mutex
		lists = map[string]string{}
		wg    sync.WaitGroup
	)
	for i, rp := range f.replicas {
		for _, dt := range sharedFeedTypes {
			for _, age := range []string{"1d", "30d", "10y"} {
				wg.Go(func() {
					res, err := rp.svc.Get(context.Background(), f.request(dt, age))
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("replica %d, %s %s: %v", i, dt, age, err)
						return
					}
					if have, ok := lists[dt+"/"+age]; ok && have != string(res.Body) {
						t.Errorf("replica %d serves another %s %s list", i, dt, age)
					}
					lists[dt+"/"+age] = string(res.Body)
				})
			}
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return lists
}

func logged(replicas []*replica, text string) int {
	n := 0
	for _, rp := range replicas {
		n += strings.Count(rp.log.String(), text)
	}
	return n
}

// Three replicas asked for every list of a feed read it from MISP once,
// then, past the lists' lifetime, refresh it once: the others take the
// whole snapshot, then the refresh's delta, from memcached.
func TestReplicasShareFeedReads(t *testing.T) {
	f := newSharedFeed(t, 3)
	first := f.askAll(t)
	full := f.sim.ResetCounters()
	if n := fetchesOf(f.replicas); n != 1 || full.RestSearchRequests < 2 {
		t.Fatalf("%d feed reads (%d restSearch requests) for %d lists on 3 replicas, want 1 paged read", n, full.RestSearchRequests, len(first))
	}
	f.clock.Add(120)
	if _, err := f.sim.AddEvent(mispsim.Event{Info: "new", Published: true, Attributes: []mispsim.Attribute{
		{Type: "ip-dst", Value: "100.128.9.9", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	second := f.askAll(t)
	refresh := f.sim.ResetCounters()
	if n := fetchesOf(f.replicas); n != 2 {
		t.Fatalf("%d feed reads after the lifetime, want 2 (the first and one refresh)", n)
	}
	if refresh.RestSearchRequests >= full.RestSearchRequests+5 || refresh.AttributesReturned >= full.AttributesReturned {
		t.Errorf("the refresh cost %+v, the full read %+v: want a refresh's searches, once", refresh, full)
	}
	t.Logf("%d lists on 3 replicas: full read %d restSearch requests, %d attributes; refresh %d, %d",
		len(second), full.RestSearchRequests, full.AttributesReturned, refresh.RestSearchRequests, refresh.AttributesReturned)
	if !strings.Contains(second["ipv4/10y"], "100.128.9.9") || strings.Contains(first["ipv4/10y"], "100.128.9.9") {
		t.Errorf("the new attribute is not served after the refresh alone")
	}
	if logged(f.replicas, `feed snapshot shared`) != 2 || logged(f.replicas, "delta=true") != 1 {
		t.Errorf("want a whole snapshot, then a delta, shared; logs:\n%s", f.replicas[0].log.String())
	}
	if n := logged(f.replicas, "feed snapshot taken from memcached"); n < 1 {
		t.Errorf("no replica took the feed snapshot from memcached")
	}
}

// A shared snapshot with a piece altered, cut or gone is refused: the
// replica reads MISP itself, serves the right list and shares its read,
// which the next replica takes.
func TestSharedFeedPieceRefused(t *testing.T) {
	damages := []struct {
		name   string
		damage func(b []byte) []byte // nil: delete the piece
	}{
		{"altered", func(b []byte) []byte { c := append([]byte(nil), b...); c[len(c)/2] ^= 1; return c }},
		{"cut", func(b []byte) []byte { return b[:len(b)-1] }},
		{"missing", nil},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			f := newSharedFeed(t, 3)
			ctx := context.Background()
			a, b, c := f.replicas[0], f.replicas[1], f.replicas[2]
			want, err := a.svc.Get(ctx, f.request("domain", "10y"))
			if err != nil {
				t.Fatal(err)
			}
			key := a.svc.feedShareKey(ctx, f.request("domain", "10y"))
			h, ok := a.svc.feedHeadOf(ctx, key)
			if !ok || len(h.pieces) != 1 {
				t.Fatalf("head %+v %v, want one whole piece", h, ok)
			}
			pieceKey := feedPieceKey(key, h.pieces[0].id)
			if d.damage == nil {
				err = a.mc.Delete(ctx, pieceKey)
			} else {
				piece, _, _ := a.mc.Get(ctx, pieceKey)
				err = a.mc.Set(ctx, pieceKey, d.damage(piece), time.Hour)
			}
			if err != nil {
				t.Fatal(err)
			}
			// Another data type: its list is not shared yet, its feed is.
			wantIPv4, err := a.svc.Get(ctx, f.request("ipv4", "10y"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.svc.Get(ctx, f.request("ipv4", "30d"))
			if err != nil || b.obs.fetches.Load() != 1 || !strings.Contains(b.log.String(), "shared feed snapshot refused") {
				t.Fatalf("replica b: %v, %d reads, logs:\n%s", err, b.obs.fetches.Load(), b.log.String())
			}
			if got.Entries == 0 || got.Entries > wantIPv4.Entries {
				t.Errorf("replica b served %d ipv4 entries at 30d, %d at 10y", got.Entries, wantIPv4.Entries)
			}
			// b shared its read whole: c takes it.
			if res, err := c.svc.Get(ctx, f.request("domain", "1d")); err != nil || c.obs.fetches.Load() != 0 || res.Entries > want.Entries {
				t.Fatalf("replica c: %v, %d reads", err, c.obs.fetches.Load())
			}
			if !strings.Contains(c.log.String(), "feed snapshot taken from memcached") {
				t.Errorf("replica c did not take b's snapshot")
			}
		})
	}
}

// A feed lease whose holder died expires: the replica waiting for it then
// reads the feed itself.
func TestDeadFeedHolderExpires(t *testing.T) {
	f := newSharedFeed(t, 1)
	rp := f.replicas[0]
	ctx := context.Background()
	req := f.request("ipv4", "10y")
	if ok, err := rp.mc.Lease(ctx, rp.svc.feedShareKey(ctx, req), "a process that died", 2*time.Second); !ok || err != nil {
		t.Fatalf("lease: %v %v", ok, err)
	}
	taken := time.Now()
	if res, err := rp.svc.Get(ctx, req); err != nil || res.Entries == 0 {
		t.Fatalf("get: %v", err)
	}
	if waited := time.Since(taken); waited < time.Second {
		t.Errorf("read after %s, before the dead holder's lease expired", waited)
	}
	if n := rp.obs.fetches.Load(); n != 1 {
		t.Errorf("%d feed reads, want 1", n)
	}
}

// A head survives its encoding; a cut, extended or altered one is refused.
func TestFeedHeadEncoding(t *testing.T) {
	h := feedHead{generation: 7, read: time.Unix(1800000000, 5), fullAt: time.Unix(1799990000, 0), attributes: 1000,
		pieces: []feedPiece{{id: "5-a1", size: 900000}, {id: "7-b2", size: 40}}}
	h.pieces[1].sum[0] = 9
	b := h.encode()
	got, ok := decodeFeedHead(b)
	if !ok || got.id() != "7-b2" || got.generation != 7 || !got.read.Equal(h.read) || got.pieces[1].sum != h.pieces[1].sum || got.attributes != 1000 {
		t.Fatalf("round trip: %+v %v", got, ok)
	}
	bad := map[string][]byte{
		"empty": nil, "cut": b[:len(b)-1], "extended": append(append([]byte(nil), b...), 0),
		"magic": append([]byte("XXXX"), b[4:]...), "no pieces": feedHead{generation: 1}.encode(),
	}
	for name, b := range bad {
		if _, ok := decodeFeedHead(b); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
