package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/binread"
)

// The date, serial and artifact key last given to each URL's list
// (listdate.go) are kept in the state directory too, one small record per
// URL (listURLName), so that a process started with no memcached knows
// them: the first list made under a new key after a restart that applied
// a change of settings is then dated after the one devices hold, and a
// STIX bundle is made against the one last served at its URL. The record
// is written when they change, by the writer of the last good lists, and
// a prune pass removes it with the list it names.

// listURLMagic starts a URL's record.
const listURLMagic = "CLU1"

// maxPendingDates bounds the URL records waiting to be written; past it
// one is written at its list's next change.
const maxPendingDates = 4096

// listURLRecord is what a URL's record holds.
type listURLRecord struct {
	list string
	date listDate
}

// listURLName is the state file of a list key's record.
func listURLName(list string) string {
	sum := sha256.Sum256([]byte(list))
	return "url-" + hex.EncodeToString(sum[:16])
}

func encodeListURL(r listURLRecord) []byte {
	e := encoder{b: make([]byte, 0, len(listURLMagic)+len(r.list)+len(r.date.artifact)+64)}
	e.b = append(e.b, listURLMagic...)
	e.str(r.list)
	e.str(r.date.artifact)
	e.b = append(e.b, encodeContent(r.date.sharedContent)...)
	return e.b
}

// decodeListURL reads a URL's record; the artifact key must be the one
// its digest names.
func decodeListURL(b []byte) (listURLRecord, error) {
	if len(b) < len(listURLMagic) || string(b[:len(listURLMagic)]) != listURLMagic {
		return listURLRecord{}, errCorrupt
	}
	d := decoder{binread.New(b[len(listURLMagic):])}
	list, artifact := d.String(), d.String()
	if d.Failed() {
		return listURLRecord{}, errCorrupt
	}
	c, ok := decodeContent(d.Next(d.Len()))
	if !ok || artifact == "" || c.digest != sha256.Sum256([]byte(artifact)) {
		return listURLRecord{}, errCorrupt
	}
	return listURLRecord{list: list, date: listDate{sharedContent: c, artifact: artifact}}, nil
}

// storedListDate returns the date of list kept in the state directory
// (serial 0: none).
func (s *Service) storedListDate(list string) listDate {
	d := s.durable
	if d == nil {
		return listDate{}
	}
	b, ok, err := d.dir.Read(listURLName(list))
	if err != nil || !ok {
		return listDate{}
	}
	r, err := decodeListURL(b)
	if err != nil || r.list != list {
		return listDate{}
	}
	return r.date
}

// persistListDate queues date, the one now given to list, for writing.
func (s *Service) persistListDate(list string, date listDate) {
	d := s.durable
	if d == nil {
		return
	}
	name := listURLName(list)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.dates[name]; !ok && len(d.dates) >= maxPendingDates && d.pruning != name {
		return
	}
	d.dates[name] = listURLRecord{list: list, date: date}
	if !d.running {
		d.running = true
		go s.writeDurable()
	}
}

// isListURL reports whether the state file name is a URL's record.
func isListURL(name string) bool { return strings.HasPrefix(name, "url-") }

// pruneListURL removes the URL record name, of size bytes, when it was
// last written before listCutoff and the list it names has no record
// (pruned, or never written), or it cannot be read: a URL served has its
// list's record dated. It does nothing while the record is queued or
// being written, or its list is.
func (d *durable) pruneListURL(name string, size int64, listCutoff time.Time) (files int, bytes int64) {
	if !d.startPrune(name) {
		return 0, 0
	}
	defer d.endPrune(name)
	if d.beforePrune != nil {
		d.beforePrune(name)
	}
	mtime, err := d.dir.ModTime(name)
	if err != nil || !mtime.Before(listCutoff) {
		return 0, 0
	}
	b, err := d.dir.ReadFile(name)
	var r listURLRecord
	switch {
	case errors.Is(err, state.ErrCorrupt):
	case err != nil:
		return 0, 0
	default:
		if r, err = decodeListURL(b); err == nil && d.listHeld(durableName(r.date.artifact)) {
			return 0, 0
		}
	}
	removed := func(file string, _ int64) bool {
		if d.dir.Remove(file) != nil {
			return false
		}
		d.urls.Add(-1) // listdate_bound.go
		return true
	}
	if !d.removeUnused(name, removed, size) {
		return 0, 0
	}
	return 1, size
}

// listHeld reports whether the list of record name is on disk, or queued
// or being written.
func (d *durable) listHeld(name string) bool {
	d.mu.Lock()
	_, queued := d.pending[name]
	writing := d.writing == name
	d.mu.Unlock()
	if queued || writing {
		return true
	}
	_, err := d.dir.ModTime(name)
	return !errors.Is(err, fs.ErrNotExist)
}
