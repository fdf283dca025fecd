package feedsnap

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// The wire form of a Delta is binary, then compressed with DEFLATE at its
// fastest level. Before compression:
//
//	magic      "CFD1"
//	read       varint unix nanoseconds
//	attributes uvarint
//	dropped    uvarint count, then each id as a varint difference from the previous
//	strings    uvarint count, then each as uvarint length and bytes: the types and
//	           categories, which attributes name by index
//	events     uvarint count, then by id: varint difference from the previous id,
//	           uvarint attribute count, then each attribute:
//	             uvarint type index, uvarint category index,
//	             byte flags (1: to_ids, 2: uuid as 16 bytes),
//	             uuid (16 bytes, or uvarint length and bytes), value (uvarint
//	             length and bytes), varint timestamp
//
// A uuid in MISP's lowercase 8-4-4-4-12 form takes 16 bytes; any other is
// kept as it is.
const wireMagic = "CFD1"

// maxWireBytes bounds what a wire form decompresses to.
const maxWireBytes = 4 << 30

const (
	flagToIDS      = 1
	flagPackedUUID = 2
)

var errWire = errors.New("feedsnap: corrupt delta")

// MarshalBinary returns d's wire form.
func (d Delta) MarshalBinary() ([]byte, error) {
	var raw bytes.Buffer
	if err := d.writeRaw(&raw); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(raw.Len() / 2)
	zw, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (d Delta) writeRaw(w *bytes.Buffer) error {
	var b []byte
	b = append(b, wireMagic...)
	b = binary.AppendVarint(b, d.Read.UnixNano())
	b = binary.AppendUvarint(b, uint64(d.Attributes))
	b = binary.AppendUvarint(b, uint64(len(d.Dropped)))
	prev := int64(0)
	for _, id := range d.Dropped {
		b = binary.AppendVarint(b, id-prev)
		prev = id
	}
	ids := slices.Sorted(func(yield func(int64) bool) {
		for id := range d.Events {
			if !yield(id) {
				return
			}
		}
	})
	index := map[string]uint64{}
	var names []string
	for _, id := range ids {
		for _, a := range d.Events[id] {
			for _, s := range []string{a.Type, a.Category} {
				if _, ok := index[s]; !ok {
					index[s] = uint64(len(names))
					names = append(names, s)
				}
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, s := range names {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(ids)))
	prev = 0
	for _, id := range ids {
		attrs := d.Events[id]
		b = binary.AppendVarint(b, id-prev)
		prev = id
		b = binary.AppendUvarint(b, uint64(len(attrs)))
		for _, a := range attrs {
			b = binary.AppendUvarint(b, index[a.Type])
			b = binary.AppendUvarint(b, index[a.Category])
			b = appendUUIDAndFlags(b, a)
			b = appendString(b, a.Value)
			b = binary.AppendVarint(b, a.Timestamp)
		}
		if len(b) > 1<<20 {
			w.Write(b)
			b = b[:0]
		}
	}
	w.Write(b)
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendUUIDAndFlags(b []byte, a indicator.Attribute) []byte {
	var flags byte
	if a.ToIDS {
		flags |= flagToIDS
	}
	if packed, ok := packUUID(a.UUID); ok {
		return append(append(b, flags|flagPackedUUID), packed[:]...)
	}
	return appendString(append(b, flags), a.UUID)
}

// packUUID returns the 16 bytes of a lowercase 8-4-4-4-12 uuid.
func packUUID(s string) (out [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return out, false
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	for i := 0; i < len(hexDigits); i++ {
		if c := hexDigits[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return out, false
		}
	}
	_, err := hex.Decode(out[:], []byte(hexDigits))
	return out, err == nil
}

func unpackUUID(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// UnmarshalDelta decodes a wire form made by MarshalBinary. Bad input is
// an error, never a panic.
func UnmarshalDelta(wire []byte) (Delta, error) {
	in := bytes.NewReader(wire)
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(in), maxWireBytes+1))
	if err != nil || len(raw) > maxWireBytes || in.Len() != 0 {
		return Delta{}, fmt.Errorf("%w: bad compressed stream", errWire)
	}
	r := &reader{b: raw}
	if string(r.bytes(len(wireMagic))) != wireMagic {
		return Delta{}, fmt.Errorf("%w: bad magic", errWire)
	}
	d := Delta{Read: time.Unix(0, r.varint()), Events: map[int64][]indicator.Attribute{}}
	if n := r.uvarint(); n <= maxWireBytes {
		d.Attributes = int(n)
	} else {
		r.fail()
	}
	prev := int64(0)
	for range r.count() {
		prev += r.varint()
		d.Dropped = append(d.Dropped, prev)
	}
	names := make([]string, r.count())
	for i := range names {
		names[i] = r.str()
	}
	name := func() string {
		i := r.uvarint()
		if i >= uint64(len(names)) {
			r.fail()
			return ""
		}
		return names[i]
	}
	prev = 0
	for range r.count() {
		prev += r.varint()
		attrs := make([]indicator.Attribute, r.count())
		for i := range attrs {
			a := indicator.Attribute{EventID: prev, Type: name(), Category: name()}
			flags := r.byte()
			a.ToIDS = flags&flagToIDS != 0
			if flags&flagPackedUUID != 0 {
				a.UUID = unpackUUID(r.bytes(16))
			} else {
				a.UUID = r.str()
			}
			a.Value = r.str()
			a.Timestamp = r.varint()
			attrs[i] = a
		}
		if r.err != nil {
			break
		}
		d.Events[prev] = attrs
	}
	if r.err != nil || len(r.b) != 0 {
		return Delta{}, fmt.Errorf("%w: truncated or trailing bytes", errWire)
	}
	return d, nil
}

// reader decodes the raw wire form; after the first error every read
// returns zero values and err stays set.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	r.err, r.b = errWire, nil
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length that the remaining bytes can hold, one byte per
// item at least, so a corrupt count allocates nothing large.
func (r *reader) count() int {
	v := r.uvarint()
	if v > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) str() string { return string(r.bytes(r.count())) }
