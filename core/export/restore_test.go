package export

import (
	"bytes"
	"testing"
	"time"
)

// restartRig builds the list of a first Service over a state directory
// and returns it with the directory's path, every write done.
func restartRig(t *testing.T, misp *gatedMISP) (first *swrRig, built Result, dirPath string) {
	t.Helper()
	dirPath = t.TempDir()
	first = newSWRRig(t, misp, Options{State: openStateAt(t, dirPath)})
	t.Cleanup(first.svc.WaitDurable)
	built = first.get(t, Miss)
	first.svc.WaitDurable()
	return first, built, dirPath
}

// restarted is a new Service over dirPath, its clock after past.
func restarted(t *testing.T, misp *gatedMISP, dirPath string, past time.Duration) *swrRig {
	t.Helper()
	rig := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath)})
	t.Cleanup(rig.svc.WaitDurable)
	rig.clock.advance(past)
	return rig
}

// restartedHeld builds a list and restarts its Service with MISP holding
// its searches, the clock after past; it returns the restarted Service,
// the list, and how many searches MISP had then.
func restartedHeld(t *testing.T, past time.Duration) (misp *gatedMISP, rig *swrRig, built Result, before int32) {
	t.Helper()
	misp = newGatedMISP(t)
	_, built, dirPath := restartRig(t, misp)
	misp.hold()
	rig = restarted(t, misp, dirPath, past)
	return misp, rig, built, misp.searches.Load()
}

// wantRebuiltOnRelease releases misp and fails t unless the background
// rebuild succeeds and its list is then a HIT with the ETag of built,
// read from MISP after it.
func (rig *swrRig) wantRebuiltOnRelease(t *testing.T, misp *gatedMISP, built Result) {
	t.Helper()
	misp.release()
	if err := rig.waitRefresh(t); err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	if res := rig.get(t, Hit); res.ETag != built.ETag || !res.Fetched.After(built.Fetched) {
		t.Fatalf("after the background rebuild: ETag %s fetched %v, want %s after %v", res.ETag, res.Fetched, built.ETag, built.Fetched)
	}
}

// sameList fails unless got is the list built before the restart: its
// bytes, ETag, Last-Modified and MISP read.
func sameList(t *testing.T, got, built Result) {
	t.Helper()
	if !bytes.Equal(got.Body, built.Body) || got.ETag != built.ETag || !got.Generated.Equal(built.Generated) || !got.Fetched.Equal(built.Fetched) {
		t.Fatalf("after the restart: ETag %s generated %v fetched %v, want %s %v %v", got.ETag, got.Generated, got.Fetched,
			built.ETag, built.Generated, built.Fetched)
	}
}

// waitSearches waits until MISP has received n restSearch requests.
func waitSearches(t *testing.T, misp *gatedMISP, n int32) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); misp.searches.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("MISP received %d searches within a minute, want %d", misp.searches.Load(), n)
		}
	}
}

// After a restart with MISP hanging, a list on disk within its lifetime
// is served at once, a HIT with its bytes and ETag, and MISP is not
// asked; near the end of its lifetime a device's pull starts one
// background rebuild, whose list then serves. Before, every device waited
// for a build (up to the build timeout) though the list was on disk.
func TestRestartServesFreshListFromDisk(t *testing.T) {
	misp, rig, built, before := restartedHeld(t, 50*time.Second)
	sameList(t, rig.get(t, Hit), built)
	sameList(t, rig.get(t, Hit), built)
	if got := misp.searches.Load(); got != before {
		t.Fatalf("MISP asked %d times for a list fresh on disk", got-before)
	}

	rig.clock.advance(45 * time.Second) // in the last tenth of 100 s
	sameList(t, rig.get(t, Hit), built)
	waitSearches(t, misp, before+1)
	sameList(t, rig.get(t, Hit), built)
	rig.wantRebuiltOnRelease(t, misp, built)
}

// After a restart with MISP hanging, a list on disk past its lifetime but
// within max_stale is served at once REVALIDATING, with one background
// rebuild reaching MISP whatever the requests; once MISP answers, the
// rebuilt list is a HIT.
func TestRestartRevalidatesListFromDisk(t *testing.T) {
	misp, rig, built, before := restartedHeld(t, time.Hour)
	for range 3 {
		sameList(t, rig.get(t, Revalidating), built)
	}
	waitSearches(t, misp, before+1)
	sameList(t, rig.get(t, Revalidating), built)
	if got := misp.searches.Load(); got != before+1 {
		t.Fatalf("MISP asked %d times, want one background rebuild", got-before)
	}
	rig.wantRebuiltOnRelease(t, misp, built)
}

// A list on disk is rebuilt in the request as before when a clear made
// it due before the restart (clear_cache of its feed or of everything, a
// hold released), when it is past max_stale, and for a request that waits
// for a fresh list (a DNS zone) once it is past its lifetime. A list
// built again after the clear is served from disk.
func TestRestartRebuildsClearedOrExpiredList(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before func(t *testing.T, first *swrRig)
		past   time.Duration
		wait   bool
		want   Status
	}{
		{name: "fresh", past: 50 * time.Second, want: Hit},
		{name: "clear_cache", past: 50 * time.Second, want: Miss, before: func(t *testing.T, first *swrRig) {
			if err := first.svc.Clear(t.Context(), first.req); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "clear_cache of everything", past: 50 * time.Second, want: Miss, before: func(t *testing.T, first *swrRig) {
			if err := first.svc.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "rebuilt after clear_cache", past: 50 * time.Second, want: Hit, before: func(t *testing.T, first *swrRig) {
			if err := first.svc.Clear(t.Context(), first.req); err != nil {
				t.Fatal(err)
			}
			first.clock.advance(2 * time.Second)
			first.get(t, Miss)
			first.svc.WaitDurable()
		}},
		{name: "past max_stale", past: DefaultMaxStale + time.Hour, want: Miss},
		{name: "zone past its lifetime", past: time.Hour, wait: true, want: Miss},
		{name: "zone within its lifetime", past: 50 * time.Second, wait: true, want: Hit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			misp := newGatedMISP(t)
			first, _, dirPath := restartRig(t, misp)
			if tc.before != nil {
				tc.before(t, first)
			}
			rig := restarted(t, misp, dirPath, tc.past)
			rig.req.WaitFresh = tc.wait
			before := misp.searches.Load()
			rig.get(t, tc.want)
			if asked := misp.searches.Load() != before; asked != (tc.want == Miss) {
				t.Fatalf("MISP asked: %v, want %v", asked, tc.want == Miss)
			}
		})
	}
}

// A list on disk made by other code (another version of Cratos or of a
// plugin: Options.Maker) waits for a build after the restart, as before
// lists were served from disk: a fix in a renderer reaches devices at
// once, and a later restart of the same code, before the list was built
// again, does not serve it either. Made by the same code, it is served
// from disk; lists built after the start are this code's.
func TestRestartRebuildsListsOfAnotherMaker(t *testing.T) {
	tests := []struct {
		name   string
		makers []string // the list is built under the first, asked for under the last
		want   Status
	}{
		{"same maker", []string{"v1", "v1"}, Hit},
		{"another version", []string{"v1", "v2"}, Miss},
		{"another version, restarted again", []string{"v1", "v2", "v2"}, Miss},
		{"a maker unknown before", []string{"", "v2"}, Miss},
		{"no maker given", []string{"v1", ""}, Hit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			misp := newGatedMISP(t)
			dirPath := t.TempDir()
			first := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath), Maker: tc.makers[0]})
			first.get(t, Miss)
			first.svc.WaitDurable()
			var rig *swrRig
			for _, maker := range tc.makers[1:] {
				rig = newSWRRig(t, misp, Options{State: openStateAt(t, dirPath), Maker: maker})
				t.Cleanup(rig.svc.WaitDurable)
			}
			rig.clock.advance(10 * time.Second)
			rig.get(t, tc.want)
			rig.get(t, Hit)
			rig.svc.WaitDurable()
			// What the last maker built or served, it serves from disk
			// after its next start.
			again := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath), Maker: tc.makers[len(tc.makers)-1]})
			t.Cleanup(again.svc.WaitDurable)
			again.clock.advance(20 * time.Second)
			again.get(t, Hit)
		})
	}
}
