package export

import (
	"crypto/sha256"
	"iter"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// maxLists bounds the records kept per list (content states, request
// records): far more lists than a deployment serves, so only lists no one
// asks for any more are forgotten.
const maxLists = 10000

// contentState remembers the content of one list: its digest, since when
// it has been unchanged, and its zone serial.
type contentState struct {
	mu     sync.Mutex
	digest [32]byte
	since  time.Time
	serial uint32
}

// contentSince returns since when the list in has had this content, and a
// zone serial for it (contentState.advance).
func (s *Service) contentSince(key string, in iter.Seq[indicator.Indicator], fetched time.Time) (time.Time, uint32) {
	c := s.contentOf(key).advance(contentDigest(in), fetched)
	return c.since, c.serial
}

// contentOf returns the content state of the list key, after a restart
// first the one kept on disk.
func (s *Service) contentOf(key string) *contentState {
	if st, ok := s.content.Get(key); ok {
		return st
	}
	if s.durable != nil {
		s.lastGood(key) // restores the content state kept on disk
	}
	st, _ := s.content.LoadOrStore(key, &contentState{})
	return st
}

// contentDigest is the digest of a list's content: SHA-256 over each
// indicator's type byte, value and a zero byte, in order. The bytes are
// gathered in a buffer and hashed a block of them at a time (three calls
// through the hash's interface per indicator took a fifth of a second
// for a million-entry list). Digests are kept on disk and in memcached,
// so what is hashed never changes.
func contentDigest(in iter.Seq[indicator.Indicator]) [32]byte {
	const block = 32 << 10
	h := sha256.New()
	buf := make([]byte, 0, block+256)
	for i := range in {
		buf = append(buf, byte(i.Type))
		buf = append(buf, i.Value...)
		buf = append(buf, 0)
		if len(buf) >= block {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// advance records the content with digest d fetched at fetched, and
// returns the state after it: since and serial unchanged while the
// content is unchanged; on a change, the larger of the previous since plus
// a second and the fetch time, and the larger of the previous serial plus
// one and the fetch time, so both only ever grow. No two contents of a
// list share a Last-Modified date (whole seconds), which If-Modified-Since
// compares.
func (st *contentState) advance(d [32]byte, fetched time.Time) sharedContent {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.serial == 0 || st.digest != d {
		st.step(d, fetched)
	}
	return sharedContent{digest: st.digest, since: st.since, serial: st.serial}
}

// redate dates the content anew, as a change fetched at fetched, though
// its digest is the same: the list's bytes changed without its values (a
// renderer that changed, a field other than the value), and no date may
// name two versions of a list's bytes.
func (st *contentState) redate(fetched time.Time) sharedContent {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.step(st.digest, fetched)
	return sharedContent{digest: st.digest, since: st.since, serial: st.serial}
}

// step records a change to the content with digest d fetched at fetched.
// st.mu is held.
func (st *contentState) step(d [32]byte, fetched time.Time) {
	next := uint32(fetched.Unix())
	if next <= st.serial {
		next = st.serial + 1
	}
	since := fetched
	if after := st.since.Add(time.Second); st.serial != 0 && since.Before(after) {
		since = after
	}
	st.digest, st.since, st.serial = d, since, next
}

// adopt takes c when it is newer (a higher serial) than st.
func (st *contentState) adopt(c sharedContent) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if c.serial > st.serial {
		st.digest, st.since, st.serial = c.digest, c.since, c.serial
	}
}
