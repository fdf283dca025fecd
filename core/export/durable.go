package export

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// durableMagic starts a last-good list's state file.
const durableMagic = "CLG1"

// maxPendingWrites bounds the last-good lists waiting to be written; past
// it a list is not written until it is rebuilt again.
const maxPendingWrites = 256

// durable keeps the last good lists on disk, one state file per artifact
// key, so a restart while MISP is down still serves them. Writes happen
// in one background goroutine and never block a request.
type durable struct {
	dir     *state.Dir
	mu      sync.Mutex
	pending map[string]durableRecord // state file name -> record
	running bool
	idle    *sync.Cond

	loadMu  sync.Mutex
	loading map[string]*durableLoad // artifact key -> its state file being read
}

// durableLoad is one read of a last good list's state file, whose result
// every request that missed the list in memory meanwhile shares.
type durableLoad struct {
	done chan struct{}
	a    *Artifact
}

// durableRecord is one last-good list with the content state that keeps
// its bytes, ETag and zone serial across restarts.
type durableRecord struct {
	key    string
	a      *Artifact
	digest [32]byte
	since  time.Time
	serial uint32
}

func newDurable(dir *state.Dir) *durable {
	if dir == nil {
		return nil
	}
	d := &durable{dir: dir, pending: map[string]durableRecord{}, loading: map[string]*durableLoad{}}
	d.idle = sync.NewCond(&d.mu)
	return d
}

// durableName is the state file of an artifact key.
func durableName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "list-" + hex.EncodeToString(sum[:16])
}

// persist queues a, the new last good list of key, for writing.
func (s *Service) persist(key string, a *Artifact) {
	d := s.durable
	if d == nil {
		return
	}
	rec := durableRecord{key: key, a: a}
	if st, ok := s.content.Get(key); ok {
		st.mu.Lock()
		rec.digest, rec.since, rec.serial = st.digest, st.since, st.serial
		st.mu.Unlock()
	}
	name := durableName(key)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.pending[name]; !ok && len(d.pending) >= maxPendingWrites {
		s.opts.Logger.Warn("last good list not written: too many writes pending", "state_dir", d.dir.Path())
		return
	}
	d.pending[name] = rec
	if !d.running {
		d.running = true
		go s.writeDurable()
	}
}

// writeDurable writes the pending records until none is left.
func (s *Service) writeDurable() {
	d := s.durable
	d.mu.Lock()
	for len(d.pending) > 0 {
		var name string
		var rec durableRecord
		for name, rec = range d.pending {
			break
		}
		delete(d.pending, name)
		d.mu.Unlock()
		if err := writeRecord(d.dir, name, rec); err != nil {
			s.opts.Logger.Warn("last good list not written", "error", err)
		}
		d.mu.Lock()
	}
	d.running = false
	d.idle.Broadcast()
	d.mu.Unlock()
}

// WaitDurable returns once every last good list queued for writing is on
// disk (at shutdown, and in tests).
func (s *Service) WaitDurable() {
	d := s.durable
	if d == nil {
		return
	}
	d.mu.Lock()
	for d.running {
		d.idle.Wait()
	}
	d.mu.Unlock()
}

// WaitDurableFor is WaitDurable for at most limit (at shutdown: a slow
// disk must not hold up the stop). It returns how many lists were still
// to be written then; their files keep the versions written before.
func (s *Service) WaitDurableFor(limit time.Duration) (left int) {
	d := s.durable
	if d == nil {
		return 0
	}
	done := make(chan struct{})
	go func() {
		s.WaitDurable()
		close(done)
	}()
	select {
	case <-done:
		return 0
	case <-time.After(limit):
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	left = len(d.pending)
	if d.running {
		left++ // the one being written
	}
	return left
}

// readDurable returns the record of key kept on disk. A corrupt or
// foreign file is logged and ignored.
func (s *Service) readDurable(key string) (durableRecord, bool) {
	d := s.durable
	if d == nil {
		return durableRecord{}, false
	}
	name := durableName(key)
	b, ok, err := d.dir.Read(name)
	if err != nil {
		s.opts.Logger.Warn("last good list unreadable", "error", err)
		return durableRecord{}, false
	}
	if !ok {
		return durableRecord{}, false
	}
	rec, err := decodeRecord(key, b)
	if err != nil {
		s.opts.Logger.Warn("last good list on disk is corrupt; ignoring it", "file", name, "state_dir", d.dir.Path())
		return durableRecord{}, false
	}
	return rec, true
}

// lastGood returns the last good list of an artifact key: from memory,
// else from the state directory (kept in memory from then on). Requests
// that miss it in memory at once share one read of its file: each read
// holds the whole list.
func (s *Service) lastGood(key string) (*Artifact, bool) {
	if a, ok := s.arts.LastGood(key); ok {
		return a, true
	}
	d := s.durable
	if d == nil {
		return nil, false
	}
	d.loadMu.Lock()
	if l, ok := d.loading[key]; ok {
		d.loadMu.Unlock()
		<-l.done
		return l.a, l.a != nil
	}
	if a, ok := s.arts.LastGood(key); ok { // a read ended since the first look
		d.loadMu.Unlock()
		return a, true
	}
	l := &durableLoad{done: make(chan struct{})}
	d.loading[key] = l
	d.loadMu.Unlock()
	defer func() {
		d.loadMu.Lock()
		delete(d.loading, key)
		d.loadMu.Unlock()
		close(l.done)
	}()
	rec, ok := s.readDurable(key)
	if !ok {
		return nil, false
	}
	s.arts.SetLastGood(key, rec.a)
	s.restoreContent(key, rec)
	l.a = rec.a
	return rec.a, true
}

// restoreContent gives an artifact key with no content state in this
// process the one kept on disk, so an unchanged list keeps its date,
// bytes and serial across a restart.
func (s *Service) restoreContent(key string, rec durableRecord) {
	if rec.serial == 0 {
		return
	}
	st, _ := s.content.LoadOrStore(key, &contentState{})
	st.mu.Lock()
	if st.serial == 0 {
		st.digest, st.since, st.serial = rec.digest, rec.since, rec.serial
	}
	st.mu.Unlock()
}
