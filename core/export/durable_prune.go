package export

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// A last good list's record is dated when the list is built (it is
// rewritten) and when it is served (touched, at most every touchEvery),
// so its modification time is when the list was last in use. A prune
// pass removes the lists not in use for Options.StateMaxAge: those of
// cache keys no longer asked for (a setting or an upgrade changed them,
// a consumer went away), which nothing else would ever remove.

// touchEvery is how often at most a served list's record is dated.
const touchEvery = time.Hour

// orphanAge is how old a body file no record names must be to be
// removed: a write under way writes the body before its record.
const orphanAge = time.Hour

// maxPendingTouches bounds the records waiting to be dated; past it a
// served list is dated at its next request after touchEvery.
const maxPendingTouches = 4096

// noteServed has the record of key, the list served to a request
// tracked as t, and the record of its URL's list, list (listdate_bound.go),
// dated now, unless it was less than touchEvery ago.
func (s *Service) noteServed(t *tracked, key, list string, now time.Time) {
	d := s.durable
	if d == nil {
		return
	}
	last := t.touched.Load()
	if last != 0 && now.UnixNano()-last < int64(touchEvery) {
		return
	}
	if t.record.Load() == nil { // before touched: servedSince reads them in turn
		name := durableName(key)
		t.record.CompareAndSwap(nil, &name)
	}
	if !t.touched.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	name, url := *t.record.Load(), listURLName(list)
	d.mu.Lock()
	defer d.mu.Unlock()
	// A record being pruned is queued past the bound: the pass must see it.
	if _, ok := d.pending[name]; !ok && (len(d.touches) < maxPendingTouches || d.pruning == name) {
		d.touches[name] = now
	}
	if _, ok := d.dates[url]; !ok && (len(d.touches) < maxPendingTouches || d.pruning == url) {
		d.touches[url] = now
	}
	if len(d.touches) > 0 && !d.running {
		d.running = true
		go s.writeDurable()
	}
}

// servedFrom records that the list served for the artifact key k (tracked
// as nsArtifact) is the last good list of key, whose record serving it
// then dates: after a change of settings gave the list a new key, the one
// built under the former settings is served (STALE, or as the baseline
// of a held rebuild) until a build under k is accepted, and a prune pass
// must not take it away from the devices given it.
func (s *Service) servedFrom(nsArtifact string, k keys, key string) {
	if s.durable == nil {
		return
	}
	t := s.track(nsArtifact)
	name := durableName(key)
	cur := t.record.Load()
	if cur == nil && key == k.artifact || cur != nil && *cur == name {
		return
	}
	t.record.Store(&name)
	t.touched.Store(0)
	s.noteServed(t, key, k.list, s.opts.Now())
}

// PruneDurable removes from the state directory the last good lists
// neither built nor served for Options.StateMaxAge (none when it is 0),
// then the records of URLs whose list is gone (listdate_state.go), and
// the body files no record names once orphanAge old (a crash between two
// writes). It logs and returns how many files it removed and their
// bytes. The files of a list being written are left alone.
func (s *Service) PruneDurable() (files int, bytes int64) {
	d := s.durable
	if d == nil || s.opts.StateMaxAge <= 0 {
		return 0, 0
	}
	now := s.opts.Now()
	all, err := d.dir.Files()
	if err != nil {
		s.opts.Logger.Warn("last good lists not pruned", "state_dir", d.dir.Path(), "error", err)
		return 0, 0
	}
	records := map[string]state.File{}
	bodies := map[string][]state.File{} // record name -> its body files
	var urls []state.File
	for _, f := range all {
		if isListURL(f.Name) {
			urls = append(urls, f)
		}
		if !strings.HasPrefix(f.Name, "list-") {
			continue
		}
		if name, _, isBody := strings.Cut(f.Name, "."); isBody {
			bodies[name] = append(bodies[name], f)
		} else {
			records[f.Name] = f
		}
	}
	names := make([]string, 0, len(records)+len(bodies))
	for name := range records {
		names = append(names, name)
	}
	for name := range bodies {
		if _, ok := records[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	lists := 0
	for _, name := range names {
		n, b, whole := d.prune(name, records[name].Size, bodies[name], now.Add(-s.opts.StateMaxAge), now.Add(-orphanAge), s.servedSince)
		files, bytes = files+n, bytes+b
		if whole {
			lists++
		}
	}
	// After the lists: a URL's record goes with the list it names.
	for _, f := range urls {
		n, b := d.pruneListURL(f.Name, f.Size, now.Add(-s.opts.StateMaxAge))
		files, bytes = files+n, bytes+b
	}
	if files > 0 {
		s.opts.Logger.Info("state_dir: removed last good lists no longer asked for and orphaned files",
			"state_dir", d.dir.Path(), "lists", lists, "files", files, "bytes", bytes, "max_age", s.opts.StateMaxAge.String())
	}
	return files, bytes
}

// prune removes the record name and its body files when the record was
// last dated before listCutoff and served does not report the list served
// since (whole is then true), else the body files dated before
// orphanCutoff that the record does not name. It does nothing while the
// list is queued or being written.
func (d *durable) prune(name string, size int64, bodies []state.File, listCutoff, orphanCutoff time.Time,
	served func(name string, since time.Time) bool) (files int, bytes int64, whole bool) {
	if !d.startPrune(name) {
		return 0, 0, false
	}
	defer d.endPrune(name)
	if d.beforePrune != nil {
		d.beforePrune(name)
	}
	remove := func(file string, n int64) bool {
		if !d.removeFile(file) {
			return false
		}
		files, bytes = files+1, bytes+n
		return true
	}
	mtime, err := d.dir.ModTime(name)
	missing := errors.Is(err, fs.ErrNotExist)
	named := ""
	switch {
	case err != nil && !missing:
		return 0, 0, false
	case !missing && mtime.Before(listCutoff) && !served(name, listCutoff):
		// The record goes first: none is left naming a body removed.
		if whole = d.removeUnused(name, remove, size); !whole {
			return files, bytes, false
		}
	case !missing:
		var readable bool
		if named, readable = d.recordBody(name); !readable {
			return 0, 0, false
		}
	}
	for _, b := range bodies {
		if whole || b.Name != named && b.ModTime.Before(orphanCutoff) {
			remove(b.Name, b.Size)
		}
	}
	return files, bytes, whole
}

// servedSince reports whether this process served the list of record
// name at or after since: its record may be dated earlier, its dating
// dropped (the queue full) or its write failed. A request after the look
// queues the record for dating past the bound, the list being pruned, and
// removeUnused sees it.
func (s *Service) servedSince(name string, since time.Time) bool {
	for _, t := range s.tracks.All() {
		if r := t.record.Load(); r != nil && *r == name && t.touched.Load() >= since.UnixNano() {
			return true
		}
	}
	return false
}

// removeUnused removes the record name unless its list was queued for
// writing or dating since the pass took it up: a request for it came, and
// may be about to read it, its build having failed. The check and the
// removal are one under d.mu, so none comes in between.
func (d *durable) removeUnused(name string, remove func(string, int64) bool, size int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, queued := d.pending[name]
	_, dated := d.dates[name]
	_, touched := d.touches[name]
	return !queued && !dated && !touched && remove(name, size)
}

// recordBody returns the body file the record name names: "" for a
// record of the former format, body included, or a corrupt one; ok is
// false when the record cannot be read.
func (d *durable) recordBody(name string) (body string, ok bool) {
	b, err := d.dir.ReadFile(name)
	switch {
	case errors.Is(err, state.ErrCorrupt):
		return "", true
	case err != nil:
		return "", false
	}
	_, body, err = decodeSide(recordKey(b), name, b)
	if err != nil {
		return "", true
	}
	return body, true
}

// startPrune marks the list of record name as being pruned, unless it is
// queued or being written or dated.
func (d *durable) startPrune(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, queued := d.pending[name]
	_, dated := d.dates[name]
	_, touched := d.touches[name]
	if queued || dated || touched || d.writing == name || d.evicting == name {
		return false
	}
	d.pruning = name
	return true
}

// endPrune lets the writer at the list of record name again.
func (d *durable) endPrune(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.bodies, name)
	d.pruning = ""
	d.idle.Broadcast()
}
