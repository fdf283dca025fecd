package stix21

import (
	"bytes"
	"encoding/hex"
	"time"
)

// An indicator's id follows its value, while its modified time is the
// timestamp of the MISP attribute behind it. When that attribute goes
// (deleted, retagged) and an older one of the same value stays, a
// stateless bundle gives the id an older modified time, and a TIP that
// keeps the latest version of each id ignores the change. So a bundle
// reads the one last served for its list (Request.Previous) and gives
// every indicator found there its created time (STIX versioning keeps
// created across the versions of an object), the earlier of its
// valid_from and its own (it moves back to an older attribute now behind
// the value, never forward: an attribute time ahead of the clock, written
// as the list's date, would otherwise move it at every list date, and an
// edit of the attribute does not make the value bad only from then on),
// and:
//
//   - its previous modified time when its other properties are the same
//     (the bytes, and the list's ETag, stay stable);
//   - its own time when that is later than the previous one;
//   - otherwise the later of the list's date and the previous time plus
//     a millisecond.
//
// An indicator missing from that bundle may have been served before it
// (a value that left the list and came back) under a later modified time
// than its own (bumped as above), of which nothing is kept. It gets the
// later of its own time and the list's date: the date moves past every
// earlier one whenever the list's values change, as they did when it
// came back, so it is later than any version served before.

// indicatorPrefix starts an indicator object up to its id's UUID.
const indicatorPrefix = `{"type":"indicator","spec_version":"2.1","id":"indicator--`

// modifiedKey precedes the modified time in an object. Property values
// are JSON strings, in which '"' is escaped, so its first occurrence is
// the property.
const modifiedKey = `","modified":"`

// createdKey precedes the created time, and validFromKey the valid_from
// time, in an indicator object; as with modifiedKey, the first
// occurrence of each is the property, and the last too.
const (
	createdKey   = `","created":"`
	validFromKey = `","valid_from":"`
)

// stixTimeLen is the length of a timestamp as this renderer writes it,
// 2006-01-02T15:04:05.000Z.
const stixTimeLen = len(stixLayout)

// stixLayout is the layout of such a timestamp for package time.
const stixLayout = "2006-01-02T15:04:05.000Z"

// versions are the indicators of the bundle last served for a list. A
// bundle is written in the order of its input, so the previous version of
// an indicator is most often the line after the last one found; the index
// of every line is built at the first indicator that is not.
type versions struct {
	prev []byte
	// whole: prev is a whole bundle of this renderer, so an indicator
	// missing from it was not in the list last served.
	whole bool
	next  int          // offset of the line after the last one found
	at    map[uuid]int // indicator id -> offset of its line in prev
}

// readVersions returns the versions of prev, a bundle as Render writes
// it, one object per line; nil when there is none.
func readVersions(prev []byte) *versions {
	if len(prev) == 0 {
		return nil
	}
	end := len(prev) - len(bundleTail) - 36 - len(`"}`+"\n")
	whole := end >= len(bundleHead) && bytes.HasPrefix(prev, []byte(bundleHead)) &&
		bytes.HasPrefix(prev[end:], []byte(bundleTail)) && bytes.HasSuffix(prev, []byte(`"}`+"\n"))
	return &versions{prev: prev, whole: whole}
}

// lineAt returns the line of prev at off, without its end.
func (v *versions) lineAt(off int) []byte {
	line := v.prev[off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return line
}

// find returns the previous version of obj, an indicator object, or nil.
func (v *versions) find(obj []byte) []byte {
	if len(obj) < len(indicatorPrefix)+36 {
		return nil
	}
	idText := obj[len(indicatorPrefix) : len(indicatorPrefix)+36]
	for v.next < len(v.prev) {
		line := v.lineAt(v.next)
		if !bytes.HasPrefix(line, []byte(indicatorPrefix)) {
			v.next += len(line) + 1 // the bundle's head, identity, marking
			continue
		}
		if bytes.HasPrefix(line[len(indicatorPrefix):], idText) {
			v.next += len(line) + 1
			return line
		}
		break
	}
	if v.at == nil {
		v.index()
	}
	id, ok := objectID(obj)
	if !ok {
		return nil
	}
	off, ok := v.at[id]
	if !ok {
		return nil
	}
	line := v.lineAt(off)
	v.next = off + len(line) + 1
	return line
}

// index reads the id of every indicator line of prev.
func (v *versions) index() {
	v.at = make(map[uuid]int, len(v.prev)/512)
	for off := 0; off < len(v.prev); {
		line := v.lineAt(off)
		if id, ok := objectID(line); ok {
			v.at[id] = off
		}
		off += len(line) + 1
	}
}

// objectID returns the id of the indicator object obj.
func objectID(obj []byte) (uuid, bool) {
	var u uuid
	if !bytes.HasPrefix(obj, []byte(indicatorPrefix)) || len(obj) < len(indicatorPrefix)+36 {
		return u, false
	}
	t := obj[len(indicatorPrefix) : len(indicatorPrefix)+36]
	if t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return u, false
	}
	var h [32]byte
	n := copy(h[:], t[:8])
	n += copy(h[n:], t[9:13])
	n += copy(h[n:], t[14:18])
	n += copy(h[n:], t[19:23])
	copy(h[n:], t[24:])
	if _, err := hex.Decode(u[:], h[:]); err != nil {
		return u, false
	}
	return u, true
}

// modifiedOffset is where an indicator object as the encoder writes it
// has modifiedKey: after its id, created_by_ref and created.
const modifiedOffset = len(indicatorPrefix) + 36 + len(`","created_by_ref":"identity--`) + 36 + len(`","created":"`) + stixTimeLen

// modifiedAt returns the offset of obj's modified time, or -1.
func modifiedAt(obj []byte) int {
	i := modifiedOffset
	if len(obj) < i+len(modifiedKey) || string(obj[i:i+len(modifiedKey)]) != modifiedKey {
		i = bytes.Index(obj, []byte(modifiedKey))
	}
	if i < 0 || len(obj) < i+len(modifiedKey)+stixTimeLen+1 {
		return -1
	}
	return i + len(modifiedKey)
}

// createdAt returns the offset of obj's created time, which comes right
// before modifiedKey at m (modifiedAt), or -1.
func createdAt(obj []byte, m int) int {
	c := m - len(modifiedKey) - stixTimeLen
	if c < len(createdKey) || string(obj[c-len(createdKey):c]) != createdKey || !isStixTime(obj[c:c+stixTimeLen]) {
		return -1
	}
	return c
}

// validFromAt returns the offset of obj's valid_from time, or -1. It
// follows the pattern, near the object's end.
func validFromAt(obj []byte) int {
	i := bytes.LastIndex(obj, []byte(validFromKey))
	if i < 0 || len(obj) < i+len(validFromKey)+stixTimeLen || !isStixTime(obj[i+len(validFromKey):i+len(validFromKey)+stixTimeLen]) {
		return -1
	}
	return i + len(validFromKey)
}

// isStixTime reports whether t has the form 2006-01-02T15:04:05.000Z.
func isStixTime(t []byte) bool {
	const form = "0000-00-00T00:00:00.000Z"
	if len(t) != len(form) {
		return false
	}
	for i := range len(form) {
		if form[i] == '0' && (t[i] < '0' || t[i] > '9') || form[i] != '0' && t[i] != form[i] {
			return false
		}
	}
	return true
}

// sameButModified reports whether old and obj, whose modified times are
// at om and nm, differ in nothing else.
func sameButModified(old []byte, om int, obj []byte, nm int) bool {
	return bytes.Equal(old[:om], obj[:nm]) && bytes.Equal(old[om+stixTimeLen:], obj[nm+stixTimeLen:])
}

// keepTimes gives obj the created time of old, its version served before,
// and old's valid_from when that is earlier; om and nm are where their
// modified times are.
func keepTimes(old []byte, om int, obj []byte, nm int) {
	if oc, nc := createdAt(old, om), createdAt(obj, nm); oc >= 0 && nc >= 0 {
		if t := old[oc : oc+stixTimeLen]; !bytes.Equal(t, obj[nc:nc+stixTimeLen]) && isDate(t) {
			copy(obj[nc:], t)
		}
	}
	if ov, nv := validFromAt(old), validFromAt(obj); ov >= 0 && nv >= 0 {
		if t := old[ov : ov+stixTimeLen]; bytes.Compare(t, obj[nv:nv+stixTimeLen]) < 0 && isDate(t) {
			copy(obj[nv:], t)
		}
	}
}

// isDate reports whether t, of the form isStixTime checks, is a time.
func isDate(t []byte) bool {
	_, err := time.Parse(stixLayout, string(t))
	return err == nil
}

// settle gives obj, an indicator object, the created time of the version
// served before under its id and a valid_from no later than its own, and
// rewrites its modified time so that it never goes back from that
// version's (see above).
// generated is the list's date as a STIX timestamp.
func (v *versions) settle(obj, generated []byte) {
	old := bytes.TrimSuffix(v.find(obj), []byte(","))
	if old == nil {
		if nm := modifiedAt(obj); v.whole && nm >= 0 && bytes.Compare(generated, obj[nm:nm+stixTimeLen]) > 0 {
			copy(obj[nm:], generated)
		}
		return
	}
	om, nm := modifiedAt(old), modifiedAt(obj)
	if om < 0 || nm < 0 {
		return
	}
	was, now := old[om:om+stixTimeLen], obj[nm:nm+stixTimeLen]
	if !isStixTime(was) {
		return
	}
	if !sameButModified(old, om, obj, nm) {
		keepTimes(old, om, obj, nm)
	}
	switch {
	case sameButModified(old, om, obj, nm):
		copy(now, was)
	case bytes.Compare(now, was) > 0:
	default:
		wasTime, err := time.Parse(stixLayout, string(was))
		if err != nil {
			return
		}
		later := appendTime(make([]byte, 0, stixTimeLen), wasTime.Add(time.Millisecond))
		if bytes.Compare(generated, later) > 0 {
			later = generated
		}
		if bytes.Compare(later, was) > 0 { // not past year 9999
			copy(now, later)
		}
	}
}
