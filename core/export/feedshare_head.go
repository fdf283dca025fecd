package export

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// feedHead is what memcached's head item of a feed says of the feed's
// shared snapshot: its generation and read time, and the pieces that make
// it, each named and checksummed. The first piece is a whole snapshot,
// each later one a refresh's delta on the piece before. Pieces are
// written before the head that names them and never rewritten, so a
// reader of one head reads one generation, never parts of two.
type feedHead struct {
	generation uint64
	read       time.Time // the snapshot's read time
	fullAt     time.Time // when its last full read started
	attributes int       // attributes it holds
	pieces     []feedPiece
}

// feedPiece is one item of a shared feed snapshot.
type feedPiece struct {
	id   string // unique: generation and a random part
	size int
	sum  [sha256.Size]byte
}

// feedHeadMagic starts a head item.
const feedHeadMagic = "CFH1"

// maxFeedPieces bounds the pieces of one head: a whole snapshot and the
// deltas of the refreshes since.
const maxFeedPieces = 64

// id names the head's generation: its last piece.
func (h feedHead) id() string {
	if len(h.pieces) == 0 {
		return ""
	}
	return h.pieces[len(h.pieces)-1].id
}

// deltaBytes is the size of the head's deltas.
func (h feedHead) deltaBytes() int {
	n := 0
	for _, p := range h.pieces[1:] {
		n += p.size
	}
	return n
}

func (h feedHead) encode() []byte {
	b := append([]byte(nil), feedHeadMagic...)
	b = binary.AppendUvarint(b, h.generation)
	b = binary.AppendVarint(b, h.read.UnixNano())
	b = binary.AppendVarint(b, h.fullAt.UnixNano())
	b = binary.AppendUvarint(b, uint64(h.attributes))
	b = binary.AppendUvarint(b, uint64(len(h.pieces)))
	for _, p := range h.pieces {
		b = binary.AppendUvarint(b, uint64(len(p.id)))
		b = append(b, p.id...)
		b = binary.AppendUvarint(b, uint64(p.size))
		b = append(b, p.sum[:]...)
	}
	return b
}

// decodeFeedHead parses a head item; anything malformed is refused.
func decodeFeedHead(b []byte) (feedHead, bool) {
	if len(b) < len(feedHeadMagic) || string(b[:len(feedHeadMagic)]) != feedHeadMagic {
		return feedHead{}, false
	}
	d := headDecoder{b: b[len(feedHeadMagic):], ok: true}
	h := feedHead{generation: d.uvarint(), read: time.Unix(0, d.varint()), fullAt: time.Unix(0, d.varint()), attributes: int(d.uvarint())}
	n := d.uvarint()
	if n == 0 || n > maxFeedPieces {
		return feedHead{}, false
	}
	for range n {
		p := feedPiece{id: string(d.bytes(int(d.uvarint()))), size: int(d.uvarint())}
		copy(p.sum[:], d.bytes(sha256.Size))
		h.pieces = append(h.pieces, p)
	}
	if !d.ok || len(d.b) != 0 || h.attributes < 0 {
		return feedHead{}, false
	}
	for _, p := range h.pieces {
		if p.id == "" || p.size <= 0 {
			return feedHead{}, false
		}
	}
	return h, true
}

// headDecoder reads a head item; ok turns false at the first error, after
// which every read gives zero values.
type headDecoder struct {
	b  []byte
	ok bool
}

func (d *headDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<40 {
		d.ok, d.b = false, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *headDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.ok, d.b = false, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *headDecoder) bytes(n int) []byte {
	if n < 0 || n > len(d.b) {
		d.ok, d.b = false, nil
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}
