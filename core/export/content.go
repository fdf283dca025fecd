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
// zone serial for it: both unchanged while the content is unchanged; on a
// change, the fetch time and the larger of the previous serial plus one
// and the fetch time, so the serial only ever grows.
func (s *Service) contentSince(key string, in iter.Seq[indicator.Indicator], fetched time.Time) (time.Time, uint32) {
	h := sha256.New()
	for i := range in {
		h.Write([]byte{byte(i.Type)})
		h.Write([]byte(i.Value))
		h.Write([]byte{0})
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	if _, ok := s.content.Get(key); !ok && s.durable != nil {
		s.lastGood(key) // a restart keeps the content state kept on disk
	}
	st, _ := s.content.LoadOrStore(key, &contentState{})
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.serial != 0 && st.digest == d {
		return st.since, st.serial
	}
	next := uint32(fetched.Unix())
	if next <= st.serial {
		next = st.serial + 1
	}
	st.digest, st.since, st.serial = d, fetched, next
	return fetched, next
}
