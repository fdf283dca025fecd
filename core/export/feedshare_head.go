package export

import (
	"crypto/sha256"
	"time"

	"github.com/cratos-project/cratos/internal/binread"
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
	e := encoder{b: []byte(feedHeadMagic)}
	e.uvarint(h.generation)
	e.varint(h.read.UnixNano())
	e.varint(h.fullAt.UnixNano())
	e.uvarint(uint64(h.attributes))
	e.uvarint(uint64(len(h.pieces)))
	for _, p := range h.pieces {
		e.str(p.id)
		e.uvarint(uint64(p.size))
		e.str(string(p.sum[:]))
	}
	return e.b
}

// decodeFeedHead parses a head item; anything malformed is refused.
func decodeFeedHead(b []byte) (feedHead, bool) {
	if len(b) < len(feedHeadMagic) || string(b[:len(feedHeadMagic)]) != feedHeadMagic {
		return feedHead{}, false
	}
	d := decoder{binread.New(b[len(feedHeadMagic):])}
	h := feedHead{generation: d.Uvarint(), read: time.Unix(0, d.Varint()), fullAt: time.Unix(0, d.Varint()), attributes: int(d.Uvarint())}
	n := d.Uvarint()
	if n == 0 || n > maxFeedPieces {
		return feedHead{}, false
	}
	for range n {
		p := feedPiece{id: d.String(), size: int(d.Uvarint())}
		if sum := d.Bytes(); copy(p.sum[:], sum) != sha256.Size || len(sum) != sha256.Size {
			return feedHead{}, false
		}
		if d.Failed() || p.id == "" || p.size <= 0 {
			return feedHead{}, false
		}
		h.pieces = append(h.pieces, p)
	}
	if d.Failed() || d.Len() != 0 || h.attributes < 0 {
		return feedHead{}, false
	}
	return h, true
}
