package export

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// The list files in the state directory (records and bodies, list-*) are
// bounded by Options.StateMaxBytes: every list built becomes a last good
// list, and a token asking many distinct lists would otherwise fill the
// disk, the devices' own lists, the zones and the TAXII histories then
// kept no more. Their bytes are counted once at start and kept up to date
// by every write and removal; a write that would pass the budget first
// removes the lists least recently built or served.

// countUsed sets the bytes of the list files to what the directory holds,
// corrupt and partial files included, and counts the clears' files and
// the URL records: its one walk, at start.
func (d *durable) countUsed() {
	files, err := d.dir.Files()
	if err != nil {
		return
	}
	var n int64
	for _, f := range files {
		switch {
		case isListFile(f.Name):
			n += f.Size
		case isClearMark(f.Name):
			d.marks.files++ // restore.go
		case isListURL(f.Name):
			d.urls.Add(1) // listdate_bound.go
		}
	}
	d.used.Store(n)
}

// isListFile reports whether the state file name is a list's record or
// body, as opposed to a URL's record.
func isListFile(name string) bool { return strings.HasPrefix(name, "list-") }

// writeFile writes the list file name and counts its bytes, less those of
// the file it replaces.
func (d *durable) writeFile(name string, payload []byte) error {
	old, _ := d.dir.Size(name)
	if err := d.dir.Write(name, payload); err != nil {
		return err
	}
	d.used.Add(state.FileSize(len(payload)) - old)
	return nil
}

// removeFile removes the list file name and takes its bytes off the
// count; it reports whether the file is gone. It does not take d.mu
// (removeUnused calls it holding it).
func (d *durable) removeFile(name string) bool {
	size, err := d.dir.Size(name)
	if d.dir.Remove(name) != nil {
		return false
	}
	if err == nil {
		d.used.Add(-size)
	}
	return true
}

// trimAtStart has the writer remove, before anything else, the lists
// least recently built or served when those found at start pass the
// budget (lowered since they were written), and the URL records least
// recently used past their bound: a bound applies at once, not at the
// next write.
func (s *Service) trimAtStart() {
	d := s.durable
	if d == nil || !d.overBudget() && d.urls.Load() <= d.urlBound() {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trim = true
	if !d.running {
		d.running = true
		go s.writeDurable()
	}
}

// trimFound is trimAtStart's removal, in the writer.
func (s *Service) trimFound() {
	d := s.durable
	if d.overBudget() {
		s.makeRoom("", 0)
	}
	if d.urls.Load() > d.urlBound() {
		s.trimListURLs("")
	}
}

// overBudget reports whether the list files pass the budget.
func (d *durable) overBudget() bool { return d.budget > 0 && d.used.Load() > d.budget }

// writeWithin is writeList within the budget: when the list's files would
// pass it, the lists least recently built or served are removed first,
// and a list that alone is larger, or that the lists in use leave no
// room for, is not written.
func (s *Service) writeWithin(name string, rec durableRecord) error {
	d := s.durable
	if d.budget <= 0 {
		return d.writeList(name, rec)
	}
	need := state.FileSize(len(sideRecord(rec)))
	if !d.exists(bodyName(name, rec.a.ETag)) {
		need += state.FileSize(len(rec.a.Body))
	}
	if need > d.budget {
		return fmt.Errorf("its %d bytes are more than state_max_bytes (%d)", need, d.budget)
	}
	if d.used.Load()+need > d.budget {
		s.makeRoom(name, need)
		if d.used.Load()+need > d.budget {
			return fmt.Errorf("state_max_bytes (%d) taken by lists in use", d.budget)
		}
	}
	return d.writeList(name, rec)
}

// diskList is one list's files in the state directory, dated when it was
// last built or served.
type diskList struct {
	name      string
	date      time.Time
	files     []state.File
	hasRecord bool
}

// makeRoom removes the lists least recently built or served until need
// more bytes leave a tenth of the budget free (so that the next writes
// do not each walk the directory), never keep (the list being written)
// nor a list queued, being read or pruned, and logs what it removed.
func (s *Service) makeRoom(keep string, need int64) {
	d := s.durable
	all, err := d.dir.Files()
	if err != nil {
		s.opts.Logger.Warn("state_dir: last good lists not removed to stay within state_max_bytes", "state_dir", d.dir.Path(), "error", err)
		return
	}
	byName := map[string]*diskList{}
	for _, f := range all {
		if !isListFile(f.Name) {
			continue
		}
		name, _, isBody := strings.Cut(f.Name, ".")
		l := byName[name]
		if l == nil {
			l = &diskList{name: name}
			byName[name] = l
		}
		l.files = append(l.files, f)
		switch {
		case !isBody:
			l.date, l.hasRecord = f.ModTime, true
		case !l.hasRecord && f.ModTime.After(l.date): // a body no record names
			l.date = f.ModTime
		}
	}
	// A list served since its record was last dated counts as served then.
	for _, t := range s.tracks.All() {
		if r := t.record.Load(); r != nil && byName[*r] != nil {
			if at := time.Unix(0, max(t.touched.Load(), t.lastRequest.Load())); at.After(byName[*r].date) {
				byName[*r].date = at
			}
		}
	}
	read := map[string]bool{}
	d.loadMu.Lock()
	for key := range d.loading {
		read[durableName(key)] = true
	}
	d.loadMu.Unlock()
	lists := make([]*diskList, 0, len(byName))
	for _, l := range byName {
		if l.name != keep && !read[l.name] {
			lists = append(lists, l)
		}
	}
	slices.SortFunc(lists, func(a, b *diskList) int {
		if c := a.date.Compare(b.date); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	target := d.budget - d.budget/10
	removed, files, bytes := 0, 0, int64(0)
	for _, l := range lists {
		if d.used.Load()+need <= target {
			break
		}
		n, b := d.evict(l)
		if n > 0 {
			removed, files, bytes = removed+1, files+n, bytes+b
		}
	}
	if removed > 0 {
		s.opts.Logger.Warn("state_dir: removed the last good lists least recently built or served to stay within state_max_bytes",
			"state_dir", d.dir.Path(), "lists", removed, "files", files, "bytes", bytes, "state_max_bytes", d.budget)
	}
}

// evict removes the files of l, its record first, unless the list is
// queued for writing or dating (a request for it came) or being pruned.
func (d *durable) evict(l *diskList) (files int, bytes int64) {
	d.mu.Lock()
	_, queued := d.pending[l.name]
	_, dated := d.dates[l.name]
	_, touched := d.touches[l.name]
	if queued || dated || touched || d.pruning == l.name {
		d.mu.Unlock()
		return 0, 0
	}
	d.evicting = l.name
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		delete(d.bodies, l.name)
		d.evicting = ""
		d.mu.Unlock()
	}()
	// The record goes first: none is left naming a body removed.
	slices.SortFunc(l.files, func(a, b state.File) int { return len(a.Name) - len(b.Name) })
	for i, f := range l.files {
		if !d.removeFile(f.Name) {
			if i == 0 && l.hasRecord {
				return 0, 0
			}
			continue
		}
		files, bytes = files+1, bytes+f.Size
	}
	return files, bytes
}
