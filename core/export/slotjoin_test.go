package export

import (
	"testing"
	"time"
)

// A build waiting for its token's share of the build slots stops waiting
// for it once a request of another token joins it: that device's list is
// built on a free slot, not after every other list of the noisy token.
func TestJoinerOfAnotherTokenSkipsTheShareWait(t *testing.T) {
	m := newBlockingMISP(t)
	s := limitsService(Limits{MaxBuilds: 2}) // a token's share: one slot
	full := make(chan string, 4)
	s.limits.shareFull = func(consumer string) { full <- consumer }
	gets := &concurrentGets{s: s, url: m.URL}
	get := gets.get
	get("noisy", "first")
	if key := m.next(t, "the noisy token's first build"); key != "first" {
		t.Fatalf("%s reached MISP, want first", key)
	}
	get("noisy", "shared")
	select {
	case consumer := <-full:
		if consumer != "noisy" {
			t.Fatalf("%s waits for its share, want noisy", consumer)
		}
	case <-time.After(time.Minute):
		t.Fatal("the noisy token's second build did not wait for its share within a minute")
	}
	get("device", "shared") // the same list, the same MISP key: it joins
	if key := m.next(t, "the build the device joined"); key != "shared" {
		t.Fatalf("%s reached MISP, want shared", key)
	}
	m.open()
	gets.wait(t)
}
