package feedsnap

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/cratos-project/cratos/internal/binread"
)

// The wire form of a Delta is binary, then compressed with DEFLATE at its
// fastest level. Before compression:
//
//	magic      "CFD1"
//	read       varint unix nanoseconds
//	misp start varint unix nanoseconds; 0 when not known
//	feed tags  byte 1 when known, else 0; then the key (uvarint length and bytes)
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
//	states     uvarint count of states dropped, then each id as a varint
//	           difference from the previous; uvarint count of states, then by
//	           id: varint difference from the previous id, tags (uvarint length
//	           and bytes), varint timestamp, byte flags (1: read after the
//	           attributes, 2: uuid as 16 bytes), the event's uuid (16 bytes,
//	           or uvarint length and bytes; empty when not known)
//
// A uuid in MISP's lowercase 8-4-4-4-12 form takes 16 bytes; any other is
// kept as it is.
const wireMagic = "CFD5"

// maxWireBytes bounds what a wire form decompresses to.
const maxWireBytes = 4 << 30

// A wire form holds a random uuid per attribute, so it never inflates to
// much more than its size: past maxWireRatio times it, or minWireLimit
// for a small one, it is refused as it is read rather than held whole.
const (
	maxWireRatio = 128
	minWireLimit = 64 << 20
)

// inflateLimit is the most a wire form of n bytes may decompress to.
func inflateLimit(n int) int64 {
	return min(maxWireBytes, max(minWireLimit, maxWireRatio*int64(n)))
}

// The flags of an event state.
const (
	stateAfterRead  = 1
	statePackedUUID = 2
)

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
	var mispStart int64
	if !d.MISPStart.IsZero() {
		mispStart = d.MISPStart.UnixNano()
	}
	b = binary.AppendVarint(b, mispStart)
	if d.tags.known {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binread.AppendString(b, d.tags.key)
	b = binary.AppendUvarint(b, uint64(d.Attributes))
	b = appendIDs(b, d.Dropped)
	ids := slices.Sorted(maps.Keys(d.Events))
	index := map[string]uint64{}
	var names []string
	for _, id := range ids {
		e := d.Events[id]
		for i := range e.recs {
			for _, s := range []string{e.st.names[e.recs[i].typ], e.st.names[e.recs[i].cat]} {
				if _, ok := index[s]; !ok {
					index[s] = uint64(len(names))
					names = append(names, s)
				}
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, s := range names {
		b = binread.AppendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(ids)))
	prev := int64(0)
	for _, id := range ids {
		e := d.Events[id]
		b = binary.AppendVarint(b, id-prev)
		prev = id
		b = binary.AppendUvarint(b, uint64(e.Len()))
		for i := range e.recs {
			r := &e.recs[i]
			value, uuid := e.raw(i)
			b = binary.AppendUvarint(b, index[e.st.names[r.typ]])
			b = binary.AppendUvarint(b, index[e.st.names[r.cat]])
			b = appendUUIDAndFlags(b, uuid, r.packed(), r.toIDS())
			b = binread.AppendString(b, value)
			b = binary.AppendVarint(b, e.timestamp(i))
		}
		if len(b) > 1<<20 {
			w.Write(b)
			b = b[:0]
		}
	}
	w.Write(appendStates(b, d))
	return nil
}

func appendStates(b []byte, d Delta) []byte {
	b = appendIDs(b, d.StatesDropped)
	b = binary.AppendUvarint(b, uint64(len(d.States)))
	prev := int64(0)
	for _, id := range slices.Sorted(maps.Keys(d.States)) {
		st := d.States[id]
		b = binary.AppendVarint(b, id-prev)
		prev = id
		b = binread.AppendString(b, st.tags)
		b = binary.AppendVarint(b, st.ts)
		flags := byte(0)
		if st.afterRead {
			flags |= stateAfterRead
		}
		if u, ok := packUUID(st.uuid); ok {
			b = append(b, flags|statePackedUUID)
			b = append(b, u[:]...)
		} else {
			b = append(b, flags)
			b = binread.AppendString(b, st.uuid)
		}
	}
	return b
}

// appendIDs appends a count and ids in order, each as the difference
// from the previous.
func appendIDs(b []byte, ids []int64) []byte {
	b = binary.AppendUvarint(b, uint64(len(ids)))
	prev := int64(0)
	for _, id := range ids {
		b = binary.AppendVarint(b, id-prev)
		prev = id
	}
	return b
}

// appendUUIDAndFlags appends the flags byte and a uuid held as it is, or
// packed as 16 bytes.
func appendUUIDAndFlags(b []byte, uuid string, packed, toIDS bool) []byte {
	var flags byte
	if toIDS {
		flags |= flagToIDS
	}
	if packed {
		return append(append(b, flags|flagPackedUUID), uuid...)
	}
	return binread.AppendString(append(b, flags), uuid)
}

// UnmarshalDelta decodes a wire form made by MarshalBinary. Bad input is
// an error, never a panic.
func UnmarshalDelta(wire []byte) (Delta, error) {
	in := bytes.NewReader(wire)
	limit := inflateLimit(len(wire))
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(in), limit+1))
	if err == nil && int64(len(raw)) > limit {
		return Delta{}, fmt.Errorf("%w: it inflates past %d bytes", errWire, limit)
	}
	if err != nil || in.Len() != 0 {
		return Delta{}, fmt.Errorf("%w: bad compressed stream", errWire)
	}
	r := binread.New(raw)
	if string(r.Next(len(wireMagic))) != wireMagic {
		return Delta{}, fmt.Errorf("%w: bad magic", errWire)
	}
	d := Delta{Read: time.Unix(0, r.Varint()), Events: map[int64]Event{}}
	if ns := r.Varint(); ns != 0 {
		d.MISPStart = time.Unix(0, ns)
	}
	switch r.Byte() {
	case 0:
	case 1:
		d.tags.known = true
	default:
		r.Fail()
	}
	d.tags.key = r.String()
	if n := r.Uvarint(); n <= maxWireBytes {
		d.Attributes = int(n)
	} else {
		r.Fail()
	}
	d.Dropped = readIDs(&r)
	w := newWriter()
	names := make([]uint16, r.Count())
	for i := range names {
		names[i] = w.name(r.String())
	}
	name := func() uint16 {
		i := r.Uvarint()
		if i >= uint64(len(names)) {
			r.Fail()
			return 0
		}
		return names[i]
	}
	prev := int64(0)
	for range r.Count() {
		prev += r.Varint()
		recs := make([]rec, r.Count())
		for i := range recs {
			x := rec{typ: name(), cat: name()}
			flags := r.Byte()
			x.meta = toIDSMeta(flags&flagToIDS != 0)
			var (
				buf  [36]byte
				uuid []byte
			)
			if flags&flagPackedUUID != 0 {
				uuid = formatUUID(&buf, r.Next(16))
			} else {
				uuid = r.Bytes()
			}
			value := r.Bytes()
			recs[i] = w.put(x, inPlace(value), inPlace(uuid), r.Varint())
		}
		if r.Failed() || w.err != nil {
			r.Fail()
			break
		}
		d.Events[prev] = Event{recs: recs, st: w.st}
	}
	w.trim()
	d.StatesDropped, d.States = readIDs(&r), map[int64]eventState{}
	prev = 0
	var buf [36]byte
	for range r.Count() {
		prev += r.Varint()
		st := eventState{tags: r.String(), ts: r.Varint()}
		flags := r.Byte()
		st.afterRead = flags&stateAfterRead != 0
		switch {
		case flags&^(stateAfterRead|statePackedUUID) != 0:
			r.Fail()
		case flags&statePackedUUID != 0:
			st.uuid = string(formatUUID(&buf, r.Next(16)))
		default:
			st.uuid = r.String()
		}
		d.States[prev] = st
	}
	if r.Failed() || r.Len() != 0 {
		return Delta{}, fmt.Errorf("%w: truncated or trailing bytes", errWire)
	}
	return d, nil
}

// readIDs reads what appendIDs wrote.
func readIDs(r *binread.Reader) []int64 {
	var ids []int64
	prev := int64(0)
	for range r.Count() {
		prev += r.Varint()
		ids = append(ids, prev)
	}
	return ids
}
