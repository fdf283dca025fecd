package export

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/binread"
)

// A last good list is kept in two state files: its body alone, in a file
// named after its ETag (bodyName) and rewritten only when the body
// changes, and a small record (durableName, magic durableMagicV2) of
// what changes at every build: the artifact key, the content state
// (digest, since, serial) and the artifact without its body
// (encodeArtifact of an empty body), each string and the artifact
// prefixed by its length as a uvarint. Its ETag names the body's file;
// the body read back must have that ETag.
//
// A record of the former format (durableMagic) held the body too, at its
// end; it is still read, and replaced at the list's next build.

// durableMagicV2 starts the record of a last good list whose body is in
// a file of its own.
const durableMagicV2 = "CLG2"

// bodyName is the state file of a last good list's body of the given
// ETag, beside its record name: the ETag's characters (base64url) are
// all allowed in a state file's name.
func bodyName(name, etag string) string {
	return name + "." + strings.Trim(etag, `"`)
}

// sideRecord is the payload of rec's record when its body is in its own
// file.
func sideRecord(rec durableRecord) []byte {
	return recordHeadOf(durableMagicV2, rec, 0)
}

// decodeSide reads the payload of key's record. For the former format
// the record is whole and body is empty; otherwise rec.a has no body yet
// and body is the state file that holds it.
func decodeSide(key, name string, b []byte) (rec durableRecord, body string, err error) {
	if len(b) >= 4 && string(b[:4]) == durableMagic {
		rec, err = decodeRecord(key, b)
		return rec, "", err
	}
	if len(b) < 4 || string(b[:4]) != durableMagicV2 {
		return durableRecord{}, "", errCorrupt
	}
	rec, err = decodeRecordAs(durableMagicV2, key, b)
	if err != nil || len(rec.a.Body) != 0 || rec.a.ETag == "" {
		return durableRecord{}, "", errCorrupt
	}
	return rec, bodyName(name, rec.a.ETag), nil
}

// recordKey returns the artifact key a record names, or "".
func recordKey(b []byte) string {
	if len(b) < 4 {
		return ""
	}
	d := decoder{binread.New(b[4:])}
	key := d.Bytes()
	if d.Failed() {
		return ""
	}
	return string(key)
}

// writeRecord writes rec to the state file name in the former format,
// body included (tests use it to make files an older version wrote).
func writeRecord(dir *state.Dir, name string, rec durableRecord) error {
	return dir.WriteParts(name, recordHead(rec), rec.a.Body)
}

// recordHead returns the payload of rec's state file up to its list's
// body: recordHead(rec) followed by rec.a.Body is the whole payload.
func recordHead(rec durableRecord) []byte {
	return recordHeadOf(durableMagic, rec, len(rec.a.Body))
}

// recordHeadOf is recordHead with the given magic and body length.
func recordHeadOf(magic string, rec durableRecord, body int) []byte {
	art := encoder{b: make([]byte, 0, 128)}
	art.artifactHead(rec.a)
	art.uvarint(uint64(body))
	e := encoder{b: make([]byte, 0, len(magic)+len(rec.key)+len(rec.digest)+len(art.b)+4*binary.MaxVarintLen64)}
	e.b = append(e.b, magic...)
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
	return decodeRecordAs(durableMagic, key, b)
}

// decodeRecordAs is decodeRecord of a record that starts with magic.
func decodeRecordAs(magic, key string, b []byte) (durableRecord, error) {
	if len(b) < 4 || string(b[:4]) != magic {
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
	if err != nil || magic == durableMagic && a.ETag != ETagOf(a.Body) {
		return durableRecord{}, errCorrupt
	}
	rec.a = a
	return rec, nil
}
