package export

import (
	"sync"
	"sync/atomic"
	"time"
)

// acceptState orders the lists of one artifact key, whatever namespace
// they were built under: a release or a clear moves the key's cache
// entries to a new namespace while builds under the former one run on,
// and those builds and the ones after are accepted or held one at a time
// all the same (accepting). The record is in an LRU of maxLists: evicted
// while a list is built (as many other lists asked for meanwhile), the
// next build takes a new record, so that build and those after it are not
// ordered, and an older list may replace a newer one until the next build
// from MISP.
type acceptState struct {
	mu sync.Mutex
	// builtRead, under mu, is when MISP was read for the latest list a
	// build from MISP accepted or held.
	builtRead time.Time
	// accepted counts the lists made the key's last good list, each
	// under mu.
	accepted atomic.Uint64
}

// accepts returns the record of the lists of artifact key key.
func (s *Service) accepts(key string) *acceptState {
	if t, ok := s.acceptsOf.Get(key); ok {
		return t
	}
	t, _ := s.acceptsOf.LoadOrStore(key, &acceptState{})
	return t
}

// accepting returns the record of the lists of artifact key key with its
// lock held: the lists of a key built from MISP, taken from the shared
// level or built from the last feed snapshot are accepted one at a time.
func (s *Service) accepting(key string) *acceptState {
	t := s.accepts(key)
	t.mu.Lock()
	return t
}

// builtFrom records, under t.mu, that a list read from MISP at read was
// accepted or held.
func (t *acceptState) builtFrom(read time.Time) {
	if read.After(t.builtRead) {
		t.builtRead = read
	}
}

// baselineNow returns the list built is compared with, and its artifact
// key, under t.mu: the baseline its render took, unless another list of
// k was accepted since (a build under the namespace before a release,
// say), which devices now hold: k's last good list.
func (s *Service) baselineNow(t *acceptState, k keys, built rendered) (*Artifact, string) {
	if t.accepted.Load() != built.acceptedBefore {
		if a, ok := s.lastGood(k.artifact); ok {
			return a, k.artifact
		}
	}
	return built.baseline, built.baselineKey
}
