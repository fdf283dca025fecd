package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// After a restart a list's last good copy on disk is served as the list
// in the cache would have been: within its lifetime (counted from its
// last MISP read) as a HIT, then within the maximum staleness while one
// background rebuild runs. A clear of the list's cache (clear_cache, or
// the release of a hold) is written to the state directory, so that a
// list read from MISP before it is rebuilt first, as it would have been
// without the restart.

// clearAllMark is the state file of the last clear of every list.
const clearAllMark = "clear-all"

// maxClearMarks bounds the clear-<hash> files: past it they give way to
// one clear of every list (clear-all), so that a token clearing many
// distinct URLs does not fill the state directory.
const maxClearMarks = 4096

// clearMarks are the clear times known, by state file (the zero time:
// none on disk).
type clearMarks struct {
	mu    sync.Mutex
	known map[string]time.Time
	// unreadable are the clears whose file could not be read, taken as
	// clears at the first read: read and logged once. Guarded by mu.
	unreadable map[string]time.Time

	// writing orders the writes of clears; files is how many clear-<hash>
	// files are on disk (counted at start), at most limit (tests; 0:
	// maxClearMarks). Both guarded by writing.
	writing sync.Mutex
	files   int
	limit   int
}

// isClearMark reports whether the state file name is a group's clear.
func isClearMark(name string) bool {
	return strings.HasPrefix(name, "clear-") && name != clearAllMark
}

// clearMarkName is the state file of the last clear of a cache group.
func clearMarkName(group string) string {
	sum := sha256.Sum256([]byte(group))
	return "clear-" + hex.EncodeToString(sum[:16])
}

// restore puts the last good list of l's key in the cache when there is
// none there: read from the state directory after a restart, it is served
// as the cached list would be, fresh for r until its lifetime since its
// last MISP read ends, then kept for revalidation within the maximum
// staleness, unless a list of the key was built since its read. It does
// nothing when the list is held, or was cleared since MISP was read for
// it, or is past both; nor with memcached, whose lists come first and
// whose clears, made by other processes, the state directory does not
// know.
func (s *Service) restore(r Request, l *lookUp) {
	if s.durable == nil || s.opts.Shared != nil || l.a != nil || r.TTL <= 0 || s.holdOf(l.k.artifact) != nil {
		return
	}
	a, ok := s.lastGood(l.k.artifact)
	if !ok || a.Fetched.IsZero() || s.clearedSince(l.k.group, a.Fetched) || s.durable.madeByOthers(a) {
		return
	}
	read := a.Fetched
	expires := read.Add(r.TTL)
	if !l.now.Before(expires) && !servable(r, read, l.now) {
		return
	}
	if h := s.beforeRestore; h != nil {
		h(l.k.artifact)
	}
	// A list built (or kept by another request) while the file was read
	// stays: the one on disk is never put over it.
	t := s.accepting(l.k.artifact)
	defer t.mu.Unlock()
	if cur, curExpires, ok := s.arts.Peek(l.nsArtifact); ok {
		l.a, l.expires = cur, curExpires
		return
	}
	if t.builtRead.After(read) {
		return // a later list was accepted or held, and is gone from the cache
	}
	s.arts.Keep(l.nsArtifact, a, expires, read.Add(keepFor(r)))
	l.a, l.expires = a, expires
}

// makerMark is the state file naming the code that made the lists on disk.
const makerMark = "lists-maker"

// madeBefore returns the start before which the lists in dir were made
// by other code than maker (another version of Cratos or of a plugin, or
// one that did not say), the zero time when there is none: the start
// noted in dir with maker; when dir notes another maker or none, now (the
// zero time when dir holds no list), noted with maker. A list made by
// other code may carry what a fix since then left out: it waits for a
// build, after this start and after the later starts of maker alike.
// maker "" takes every list for its own.
func madeBefore(dir *state.Dir, maker string, now time.Time) time.Time {
	if maker == "" {
		return time.Time{}
	}
	if b, ok, err := dir.Read(makerMark); err == nil && ok {
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 && string(b[:i]) == maker {
			if ns, err := strconv.ParseInt(string(b[i+1:]), 10, 64); err == nil {
				if ns == 0 {
					return time.Time{}
				}
				return time.Unix(0, ns)
			}
		}
	}
	cut := now
	if !holdsLists(dir) {
		cut = time.Time{}
	}
	at := int64(0)
	if !cut.IsZero() {
		at = cut.UnixNano()
	}
	_ = dir.Write(makerMark, []byte(maker+"\n"+strconv.FormatInt(at, 10))) // unwritten: the next start cuts again
	return cut
}

// holdsLists reports whether dir may hold a list's files.
func holdsLists(dir *state.Dir) bool {
	files, err := dir.Files()
	return err != nil || slices.ContainsFunc(files, func(f state.File) bool { return isListFile(f.Name) })
}

// madeByOthers reports whether a, read from disk, was made by other code
// than this process's: read from MISP no later than a start that found
// the lists made by another maker.
func (d *durable) madeByOthers(a *Artifact) bool {
	return !d.madeBefore.IsZero() && !a.Fetched.After(d.madeBefore)
}

// clearedSince reports whether group's lists, or every list, were
// cleared no earlier than read.
func (s *Service) clearedSince(group string, read time.Time) bool {
	for _, name := range []string{clearAllMark, clearMarkName(group)} {
		if at := s.clearedAt(name); !at.IsZero() && !read.After(at) {
			return true
		}
	}
	return false
}

// clearedAt returns the time of the clear the state file name records,
// zero when there is none.
func (s *Service) clearedAt(name string) time.Time {
	d := s.durable
	m := &d.marks
	m.mu.Lock()
	at, ok := m.known[name]
	if bad, isBad := m.unreadable[name]; isBad && !ok {
		at, ok = bad, true
	}
	m.mu.Unlock()
	if ok {
		return at
	}
	b, err := d.dir.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err == nil && len(b) == 8:
		at = time.Unix(0, int64(binary.BigEndian.Uint64(b)))
	default:
		return s.clearUnreadable(name, err)
	}
	s.knowCleared(name, at)
	return at
}

// clearUnreadable takes the clear of the state file name, corrupt or
// unreadable (err), as a clear now, never as none, remembered until a
// clear of the name is written: the file is not read again, and the
// first request that read it logs it. Past maxClearMarks such files the
// next ones are read again.
func (s *Service) clearUnreadable(name string, err error) time.Time {
	d := s.durable
	m := &d.marks
	m.mu.Lock()
	defer m.mu.Unlock()
	if at, ok := m.unreadable[name]; ok {
		return at
	}
	at := s.opts.Now()
	if m.unreadable == nil {
		m.unreadable = map[string]time.Time{}
	}
	if len(m.unreadable) <= maxClearMarks {
		m.unreadable[name] = at
	}
	s.opts.Logger.Warn("clear in the state directory unreadable; its lists are rebuilt", "file", name, "state_dir", d.dir.Path(), "error", err)
	return at
}

// markCleared records on disk that group's lists ("" for every list)
// were cleared now.
func (s *Service) markCleared(group string) {
	d := s.durable
	if d == nil {
		return
	}
	name := clearAllMark
	if group != "" {
		name = clearMarkName(group)
	}
	m := &d.marks
	m.writing.Lock()
	defer m.writing.Unlock()
	limit := m.limit
	if limit <= 0 {
		limit = maxClearMarks
	}
	if name != clearAllMark && !d.exists(name) {
		if m.files >= limit {
			name = clearAllMark // as of now: clears every group's too
		} else {
			m.files++
		}
	}
	at := s.opts.Now()
	s.knowCleared(name, at)
	if err := d.dir.Write(name, binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))); err != nil {
		s.opts.Logger.Warn("clear not written to the state directory", "state_dir", d.dir.Path(), "error", err)
		return
	}
	if name == clearAllMark {
		s.removeClearMarks()
	}
}

// removeClearMarks removes the clear-<hash> files, which the clear of
// every list just written makes of no use. Called holding marks.writing.
func (s *Service) removeClearMarks() {
	d := s.durable
	files, err := d.dir.Files()
	if err != nil {
		return
	}
	left := 0
	for _, f := range files {
		if isClearMark(f.Name) && d.dir.Remove(f.Name) != nil {
			left++
		}
	}
	d.marks.files = left
}

// knowCleared remembers the clear time of the state file name; the table
// is bounded, forgotten all at once when full.
func (s *Service) knowCleared(name string, at time.Time) {
	d := s.durable
	d.marks.mu.Lock()
	defer d.marks.mu.Unlock()
	if d.marks.known == nil || len(d.marks.known) >= maxLists {
		d.marks.known = map[string]time.Time{}
	}
	d.marks.known[name] = at
	delete(d.marks.unreadable, name) // a clear written since
}
