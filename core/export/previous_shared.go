package export

import (
	"context"
	"encoding/binary"
	"time"
)

// A renderer that versions its objects against the list last served
// (renderers.Info.Versioned: stix21) gives the same list other bytes
// when rendered without it. Replicas sharing memcached rebuild a list in
// turns, and one that never served it (just started, its state
// directory new or emptied) would otherwise version every object anew
// under the same list date: the replicas would serve two versions of one
// list, and an object's version could go back. So the last good list of
// such a renderer is kept in the shared level too, outside the cache
// generations (like the last good lists in process, it outlives a
// clear), and the newer of it and the process's own is rendered against.
//
// The list may be tens of megabytes. Beside it a small record names its
// list date, the read of MISP it came from and its size: a build reads
// the record, and the list only when its date is later than that of the
// process's own last good list (or the process has none). The list is
// written when its date moves, when the record is missing or names a
// list that could not be read, and at least every previousRewrite, so
// that it stays while its content does.

// previousRewrite is how often a list whose date has not moved is
// written to the shared level again.
const previousRewrite = 24 * time.Hour

// previousMagic starts a previous list's record in the shared level.
const previousMagic = "CPV1"

// previousKey names the last good list of an artifact key in the shared
// level, and previousRecordKey its record.
func previousKey(artifactKey string) string       { return "previous|" + artifactKey }
func previousRecordKey(artifactKey string) string { return "previous-record|" + artifactKey }

// previousRecord describes the list kept under previousKey.
type previousRecord struct {
	generated, fetched time.Time
	size               int64 // its body's length
}

func encodePreviousRecord(p previousRecord) []byte {
	b := make([]byte, 0, len(previousMagic)+24)
	b = append(b, previousMagic...)
	b = binary.BigEndian.AppendUint64(b, uint64(p.generated.UnixNano()))
	b = binary.BigEndian.AppendUint64(b, uint64(fetchedNano(p.fetched)))
	return binary.BigEndian.AppendUint64(b, uint64(p.size))
}

func decodePreviousRecord(b []byte) (previousRecord, bool) {
	if len(b) != len(previousMagic)+24 || string(b[:len(previousMagic)]) != previousMagic {
		return previousRecord{}, false
	}
	b = b[len(previousMagic):]
	p := previousRecord{generated: time.Unix(0, int64(binary.BigEndian.Uint64(b))),
		size: int64(binary.BigEndian.Uint64(b[16:]))}
	if ns := int64(binary.BigEndian.Uint64(b[8:])); ns != 0 {
		p.fetched = time.Unix(0, ns)
	}
	return p, p.size >= 0
}

// sharedPrevious is what a build found of its list's record: the record
// (ok: there was one) and whether the list it names could not be read.
type sharedPrevious struct {
	rec     previousRecord
	ok      bool
	missing bool
}

// outdatedBy reports whether a, the list just built, is to be written to
// the shared level in place of what the build found there.
func (p sharedPrevious) outdatedBy(a *Artifact) bool {
	return !p.ok || p.missing || !p.rec.generated.Equal(a.Generated) || a.Fetched.Sub(p.rec.fetched) >= previousRewrite
}

// newerPrevious returns the newer of own, the process's last good list of
// key (nil: none), and the one kept in the shared level (the later list
// date; own at an equal one), with what was found of the shared one. The
// shared list is read only when its record dates it later than own, and
// not when it is larger than a render may make.
func (s *Service) newerPrevious(ctx context.Context, key string, own *Artifact) (*Artifact, sharedPrevious) {
	if s.shared == nil {
		return own, sharedPrevious{}
	}
	var seen sharedPrevious
	if b, found, _ := s.shared.Get(ctx, previousRecordKey(key)); found {
		seen.rec, seen.ok = decodePreviousRecord(b)
	}
	if !seen.ok || own != nil && !seen.rec.generated.After(own.Generated) || seen.rec.size > s.limits.lim.RenderMaxBytes {
		return own, seen
	}
	b, found, _ := s.shared.Get(ctx, previousKey(key))
	if !found {
		seen.missing = true
		return own, seen
	}
	// The body stays in b, not copied: a render only reads it.
	shared, err := decodeArtifactIn(b)
	if err != nil {
		seen.missing = true
		return own, seen
	}
	if own != nil && !shared.Generated.After(own.Generated) {
		return own, seen
	}
	return shared, seen
}

// sharePrevious writes a, the last good list of key, and its record to
// the shared level when what the build found there (seen) is outdated
// by it.
func (s *Service) sharePrevious(ctx context.Context, key string, a *Artifact, seen sharedPrevious) {
	if s.shared == nil || !seen.outdatedBy(a) {
		return
	}
	s.arts.Publish(ctx, previousKey(key), a, contentStateTTL)
	rec := previousRecord{generated: a.Generated, fetched: a.Fetched, size: int64(len(a.Body))}
	_ = s.shared.Set(ctx, previousRecordKey(key), encodePreviousRecord(rec), contentStateTTL)
}
