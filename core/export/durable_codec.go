package export

import (
	"encoding/binary"
	"time"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/binread"
)

// A last good list's state file payload is durableMagic, then the
// artifact key, the content state (digest, since, serial) and the
// encoded artifact (encodeArtifact), each string and the artifact
// prefixed by its length as a uvarint. The list's body comes last, so it
// is written from the artifact's own bytes and read back in place.

// writeRecord writes rec to the state file name without copying the
// list's body: the head of the payload is encoded, the body is written
// from where it lies.
func writeRecord(dir *state.Dir, name string, rec durableRecord) error {
	return dir.WriteParts(name, recordHead(rec), rec.a.Body)
}

// recordHead returns the payload of rec's state file up to its list's
// body: recordHead(rec) followed by rec.a.Body is the whole payload.
func recordHead(rec durableRecord) []byte {
	art := encoder{b: make([]byte, 0, 128)}
	art.artifactHead(rec.a)
	body := len(rec.a.Body)
	art.uvarint(uint64(body))
	e := encoder{b: make([]byte, 0, len(durableMagic)+len(rec.key)+len(rec.digest)+len(art.b)+4*binary.MaxVarintLen64)}
	e.b = append(e.b, durableMagic...)
	e.str(rec.key)
	e.uvarint(uint64(len(rec.digest)))
	e.b = append(e.b, rec.digest[:]...)
	e.varint(fetchedNano(rec.since))
	e.uvarint(uint64(rec.serial))
	e.uvarint(uint64(len(art.b) + body))
	e.b = append(e.b, art.b...)
	return e.b
}

// decodeRecord reads the payload of key's state file. The list's body is
// the part of b that holds it, not a copy: b must be left unchanged.
func decodeRecord(key string, b []byte) (durableRecord, error) {
	if len(b) < 4 || string(b[:4]) != durableMagic {
		return durableRecord{}, errCorrupt
	}
	d := decoder{binread.New(b[4:])}
	fileKey := d.Bytes()
	digest := d.Bytes()
	since := d.Varint()
	serial := d.Uvarint()
	art := d.Bytes()
	if d.Failed() || d.Len() != 0 || string(fileKey) != key || len(digest) != len(durableRecord{}.digest) || serial > 1<<32-1 {
		return durableRecord{}, errCorrupt
	}
	rec := durableRecord{key: key, serial: uint32(serial)}
	copy(rec.digest[:], digest)
	if since != 0 {
		rec.since = time.Unix(0, since)
	}
	a, err := decodeArtifactIn(art)
	if err != nil || a.ETag != ETagOf(a.Body) {
		return durableRecord{}, errCorrupt
	}
	rec.a = a
	return rec, nil
}
