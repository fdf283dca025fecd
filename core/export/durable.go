package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"sync"
	"sync/atomic"
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

	// marks are the clears known, madeBefore the start before which the
	// lists on disk were made by other code (restore.go).
	marks      clearMarks
	madeBefore time.Time

	// bodies is, by record name, the body file known intact on disk
	// (written or read back by this process): a build that gives the
	// same body rewrites only the record. Guarded by mu.
	bodies map[string]string

	// touches are the records of lists served, to be dated now
	// (durable_prune.go). Guarded by mu.
	touches map[string]time.Time
	// dates are the URL records to be written (listdate_state.go).
	// Guarded by mu.
	dates map[string]listURLRecord
	// writing is the record name whose files the writer is changing, and
	// pruning the one a prune pass is: neither touches the other's. Both
	// guarded by mu.
	writing, pruning string

	// budget bounds the bytes of the list files (records and bodies);
	// 0: none. used is their bytes, counted at start and kept by every
	// write and removal (durable_budget.go). evicting is the record name
	// whose files a budget pass is removing; guarded by mu.
	budget   int64
	used     atomic.Int64
	evicting string
	// trim has the writer bring what start found within the bounds
	// first (trimAtStart). Guarded by mu.
	trim bool

	// urls is how many URL records are on disk, counted at start and kept
	// by every write and removal; urlLimit bounds them (tests; 0:
	// maxListURLs, listdate_bound.go).
	urls     atomic.Int64
	urlLimit int

	// beforePrune, when set, is called as a prune pass takes up the list
	// of record name, before it looks at the record (tests).
	beforePrune func(name string)
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

func newDurable(dir *state.Dir, budget int64, maker string, now time.Time) *durable {
	if dir == nil {
		return nil
	}
	d := &durable{dir: dir, pending: map[string]durableRecord{}, loading: map[string]*durableLoad{}, bodies: map[string]string{},
		touches: map[string]time.Time{}, dates: map[string]listURLRecord{}, budget: budget}
	d.idle = sync.NewCond(&d.mu)
	d.countUsed()
	d.madeBefore = madeBefore(dir, maker, now)
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

// writeDurable trims what start found (trimAtStart), writes the pending
// records, then the URL records (listdate_state.go), then dates the
// records of lists served, until none is left.
func (s *Service) writeDurable() {
	d := s.durable
	d.mu.Lock()
	for d.trim || len(d.pending) > 0 || len(d.dates) > 0 || len(d.touches) > 0 {
		if d.trim {
			d.trim = false
			d.mu.Unlock()
			s.trimFound()
			d.mu.Lock()
			continue
		}
		var name string
		var rec durableRecord
		var date listURLRecord
		var at time.Time
		isList, isDate := len(d.pending) > 0, len(d.pending) == 0 && len(d.dates) > 0
		switch {
		case isList:
			for name, rec = range d.pending {
				break
			}
		case isDate:
			for name, date = range d.dates {
				break
			}
		default:
			for name, at = range d.touches {
				break
			}
		}
		// A list being pruned stays queued: the pass sees it in use.
		if d.pruning == name {
			d.idle.Wait()
			continue
		}
		switch {
		case isList:
			delete(d.pending, name)
		case isDate:
			delete(d.dates, name)
		default:
			delete(d.touches, name)
		}
		d.writing = name
		d.mu.Unlock()
		switch {
		case isList:
			if err := s.writeWithin(name, rec); err != nil {
				s.opts.Logger.Warn("last good list not written", "error", err)
			}
		case isDate:
			if err := s.writeListURL(name, date); err != nil {
				s.opts.Logger.Warn("list date not written", "error", err)
			}
		default:
			_ = d.dir.Touch(name, at) // a list not on disk (yet) has nothing to date
		}
		d.mu.Lock()
		d.writing = ""
	}
	d.running = false
	d.idle.Broadcast()
	d.mu.Unlock()
}

// writeList writes rec under the record name: its body first, unless the
// body file of its ETag is known intact, then the record, then it removes
// the body file the record named before. A crash leaves the former record
// and its body, or the new ones.
func (d *durable) writeList(name string, rec durableRecord) error {
	body := bodyName(name, rec.a.ETag)
	d.mu.Lock()
	prev, known := d.bodies[name]
	d.mu.Unlock()
	if !known {
		prev = d.bodyOnDisk(name)
	}
	// The body file known is looked for: a reader may have named one the
	// writer removed since, or a prune pass removed it.
	if !known || prev != body || !d.exists(body) {
		if err := d.writeFile(body, rec.a.Body); err != nil {
			return err
		}
	}
	if err := d.writeFile(name, sideRecord(rec)); err != nil {
		return err
	}
	d.knowBody(name, body)
	if prev != "" && prev != body {
		d.removeFile(prev)
	}
	return nil
}

// bodyOnDisk returns the body file the record name names, or "" (none, or
// a record of the former format).
func (d *durable) bodyOnDisk(name string) string {
	b, ok, err := d.dir.Read(name)
	if err != nil || !ok {
		return ""
	}
	_, body, err := decodeSide(recordKey(b), name, b)
	if err != nil {
		return ""
	}
	return body
}

// exists reports whether the state file name is there.
func (d *durable) exists(name string) bool {
	_, err := d.dir.ModTime(name)
	return err == nil
}

// maxKnownBodies bounds durable.bodies; past it one is forgotten, and its
// list's body written again at its next build.
const maxKnownBodies = 10000

// knowBody records body as the intact body file of the record name.
func (d *durable) knowBody(name, body string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.bodies[name]; !ok && len(d.bodies) >= maxKnownBodies {
		for n := range d.bodies {
			delete(d.bodies, n)
			break
		}
	}
	d.bodies[name] = body
}

// readDurable returns the record of key kept on disk. A corrupt or
// foreign file is logged and ignored.
func (s *Service) readDurable(key string) (durableRecord, bool) {
	d := s.durable
	if d == nil {
		return durableRecord{}, false
	}
	name := durableName(key)
	// A write between reading the record and its body can remove that
	// body: the record is read again once.
	for try := 0; ; try++ {
		rec, ok, retry := s.readRecord(key, name)
		if !retry || try == 1 {
			return rec, ok
		}
	}
}

// readRecord reads the last good list of key from its record name and its
// body file. retry is true when the body file named is missing.
func (s *Service) readRecord(key, name string) (rec durableRecord, ok, retry bool) {
	d := s.durable
	b, ok, err := d.dir.Read(name)
	if err != nil {
		s.opts.Logger.Warn("last good list unreadable", "error", err)
		return durableRecord{}, false, false
	}
	if !ok {
		return durableRecord{}, false, false
	}
	rec, bodyFile, err := decodeSide(key, name, b)
	if err != nil {
		s.opts.Logger.Warn("last good list on disk is corrupt; ignoring it", "file", name, "state_dir", d.dir.Path())
		return durableRecord{}, false, false
	}
	if bodyFile == "" { // the former format, body included
		return rec, true, false
	}
	body, err := d.dir.ReadFile(bodyFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return durableRecord{}, false, true
	case err != nil || rec.a.ETag != ETagOf(body):
		s.opts.Logger.Warn("last good list on disk is corrupt; ignoring it", "file", bodyFile, "state_dir", d.dir.Path(), "error", err)
		return durableRecord{}, false, false
	}
	rec.a.Body = body[:len(body):len(body)]
	d.knowBody(name, bodyFile)
	return rec, true, false
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
