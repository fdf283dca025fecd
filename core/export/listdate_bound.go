package export

import (
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/state"
)

// The URL records (listdate_state.go) are bounded by count, not only by
// age: one token asking many distinct URLs (age/1000d, age/1001d, ...)
// writes a record for each, and a directory of millions of small files
// costs inodes and a long walk at every prune pass. A record is dated
// when it is written and, with its list's record, when its list is
// served (durable_prune.go), so its modification time is when it was
// last in use; a write of a new record past the bound first removes the
// least recently used.

// maxListURLs bounds the URL records in the state directory: as many as
// the lists whose dates a process keeps in memory.
const maxListURLs = maxLists

// urlBound is the most URL records kept: maxListURLs, or urlLimit
// (tests).
func (d *durable) urlBound() int64 {
	if d.urlLimit > 0 {
		return int64(d.urlLimit)
	}
	return maxListURLs
}

// writeListURL writes the URL record name, first removing the least
// recently used when a new record would pass the bound.
func (s *Service) writeListURL(name string, r listURLRecord) error {
	d := s.durable
	isNew := !d.exists(name)
	if isNew && d.urls.Load() >= d.urlBound() {
		s.trimListURLs(name)
	}
	if err := d.dir.Write(name, encodeListURL(r)); err != nil {
		return err
	}
	if isNew {
		d.urls.Add(1)
	}
	return nil
}

// trimListURLs removes the URL records least recently written or served
// until nine tenths of the bound are left (so that the next writes do not
// each walk the directory), never keep (the one being written) nor one
// queued for writing or dating or being pruned, and logs what it removed.
func (s *Service) trimListURLs(keep string) {
	d := s.durable
	all, err := d.dir.Files()
	if err != nil {
		s.opts.Logger.Warn("state_dir: list URL records not removed to stay within their bound", "state_dir", d.dir.Path(), "error", err)
		return
	}
	urls := slices.DeleteFunc(all, func(f state.File) bool { return !isListURL(f.Name) || f.Name == keep })
	slices.SortFunc(urls, func(a, b state.File) int {
		if c := a.ModTime.Compare(b.ModTime); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	bound := d.urlBound()
	target := bound - bound/10
	removed := 0
	for _, f := range urls {
		if d.urls.Load() <= target {
			break
		}
		if d.removeListURL(f.Name) {
			removed++
		}
	}
	if removed > 0 {
		s.opts.Logger.Warn("state_dir: removed the list URL records least recently used to stay within their bound",
			"state_dir", d.dir.Path(), "files", removed, "bound", bound)
	}
}

// removeListURL removes the URL record name unless it is queued for
// writing or dating or being pruned, and takes it off the count. The
// check and the removal are one under d.mu.
func (d *durable) removeListURL(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, dated := d.dates[name]
	_, touched := d.touches[name]
	if dated || touched || d.pruning == name || !d.exists(name) || d.dir.Remove(name) != nil {
		return false
	}
	d.urls.Add(-1)
	return true
}
