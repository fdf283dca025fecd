package export

import (
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/binread"
)

// Snapshot is the canonical, sorted, de-duplicated indicator list of one
// query, with what extraction counted on the way.
type Snapshot struct {
	Fetched time.Time
	// Indicators is the list, held compactly while it is cached.
	Indicators indicator.List
	Stats      indicator.Stats
	// Refused are the nets the guard kept out before they were expanded
	// (ipv4ext), so a refused /16 counts as one value, not 65,536, and
	// uses none of the expansion budget; and the other halves of
	// composite attributes for which the guard kept the half the list
	// takes out (pairGuard), of types the data type does not yield.
	Refused []indicator.Indicator
}

// Artifact is one rendered list, ready to send.
type Artifact struct {
	Body        []byte
	ETag        string // strong, quoted
	ContentType string
	Generated   time.Time // the snapshot's fetch time: Last-Modified
	Fetched     time.Time // when MISP was read for it; zero when unknown
	Entries     int       // indicators given to the renderer
	Invalid     int       // values dropped as invalid during extraction
	KeptNets    int       // ipv4ext nets kept as nets (too wide or past the budget)
	Dropped     map[string]int
	// Input is how many attributes MISP gave for the list, before the
	// guard or the renderer dropped any; HasInput is false for a list an
	// earlier version recorded, which did not count them.
	Input    int
	HasInput bool

	gz  gzipOnce
	md5 md5Once
	hdr headersOnce
}

type md5Once struct {
	once sync.Once
	s    string
}

var errCorrupt = errors.New("export: corrupt cache entry")

const (
	snapshotMagic = "CSN2"
	artifactMagic = "CAR4"
	// artifactMagicV3 entries (no input count) and artifactMagicV2 ones
	// (no fetch time either) are still read.
	artifactMagicV3 = "CAR3"
	artifactMagicV2 = "CAR2"
)

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)     { e.b = binread.AppendString(e.b, s) }

// decoder reads what encoder wrote.
type decoder struct{ binread.Reader }

// internStr returns a shared copy of short repeated strings (MISP types
// and categories).
func (d *decoder) internStr(m map[string]string) string {
	b := d.Bytes()
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(m) < 1024 {
		m[s] = s
	}
	return s
}

func encodeSnapshot(s *Snapshot) []byte {
	e := encoder{b: make([]byte, 0, 64+s.Indicators.Len()*96)}
	e.b = append(e.b, snapshotMagic...)
	e.varint(s.Fetched.UnixNano())
	st := s.Stats
	for _, v := range []int{st.Attributes, st.Invalid, st.Skipped, st.Expanded, st.KeptNets} {
		e.uvarint(uint64(v))
	}
	e.list(s.Indicators.Len(), s.Indicators.At)
	e.list(len(s.Refused), func(i int) indicator.Indicator { return s.Refused[i] })
	return e.b
}

// list appends a count, n, and the indicators at(0) to at(n-1).
func (e *encoder) list(n int, at func(int) indicator.Indicator) {
	e.uvarint(uint64(n))
	for i := range n {
		in := at(i)
		e.b = append(e.b, byte(in.Type))
		e.str(in.Value)
		e.str(in.MISPType)
		e.str(in.Category)
		e.str(in.UUID)
		e.varint(in.EventID)
		e.varint(in.Timestamp)
		if in.ToIDS {
			e.b = append(e.b, 1)
		} else {
			e.b = append(e.b, 0)
		}
	}
}

func decodeSnapshot(b []byte) (*Snapshot, error) {
	if len(b) < 4 || string(b[:4]) != snapshotMagic {
		return nil, errCorrupt
	}
	d := decoder{binread.New(b[4:])}
	s := &Snapshot{Fetched: time.Unix(0, d.Varint())}
	vals := make([]int, 5)
	for i := range vals {
		vals[i] = int(d.Uvarint())
	}
	s.Stats = indicator.Stats{Attributes: vals[0], Invalid: vals[1], Skipped: vals[2], Expanded: vals[3], KeptNets: vals[4]}
	shared := map[string]string{}
	ins, err := d.list(shared)
	if err != nil {
		return nil, err
	}
	if s.Indicators, err = indicator.NewList(ins); err != nil {
		return nil, err
	}
	if s.Refused, err = d.list(shared); err != nil {
		return nil, err
	}
	if len(s.Refused) == 0 {
		s.Refused = nil
	}
	if d.Failed() || d.Len() != 0 {
		return nil, errCorrupt
	}
	return s, nil
}

// minEncodedIndicator is the fewest bytes encoder.list writes for an
// indicator: its type, four string lengths, two varints and the to_ids
// byte, at one byte each.
const minEncodedIndicator = 8

// list reads what encoder.list wrote.
func (d *decoder) list(shared map[string]string) ([]indicator.Indicator, error) {
	out := make([]indicator.Indicator, d.CountOf(minEncodedIndicator))
	for i := range out {
		in := &out[i]
		in.Type = indicator.Type(d.Byte())
		in.Value = d.String()
		in.MISPType = d.internStr(shared)
		in.Category = d.internStr(shared)
		in.UUID = d.String()
		in.EventID = d.Varint()
		in.Timestamp = d.Varint()
		in.ToIDS = d.Byte() == 1
		if d.Failed() {
			return nil, errCorrupt
		}
	}
	if d.Failed() {
		return nil, errCorrupt
	}
	return out, nil
}

func encodeArtifact(a *Artifact) []byte {
	e := encoder{b: make([]byte, 0, 128+len(a.Body))}
	e.artifactHead(a)
	e.uvarint(uint64(len(a.Body)))
	e.b = append(e.b, a.Body...)
	return e.b
}

// artifactHead appends what an encoded artifact holds before its body's
// length and bytes.
func (e *encoder) artifactHead(a *Artifact) {
	e.b = append(e.b, artifactMagic...)
	e.str(a.ETag)
	e.str(a.ContentType)
	e.varint(a.Generated.UnixNano())
	e.varint(fetchedNano(a.Fetched))
	input := uint64(0) // 0: not counted, else the count plus one
	if a.HasInput {
		input = uint64(a.Input) + 1
	}
	e.uvarint(input)
	e.uvarint(uint64(a.Entries))
	e.uvarint(uint64(a.Invalid))
	e.uvarint(uint64(a.KeptNets))
	e.uvarint(uint64(len(a.Dropped)))
	for _, k := range sortedKeys(a.Dropped) {
		e.str(k)
		e.uvarint(uint64(a.Dropped[k]))
	}
}

// decodeArtifact reads what encodeArtifact wrote; the artifact's body is
// a copy, so b may be reused.
func decodeArtifact(b []byte) (*Artifact, error) {
	a, err := decodeArtifactIn(b)
	if err != nil {
		return nil, err
	}
	a.Body = append([]byte(nil), a.Body...)
	return a, nil
}

// decodeArtifactIn is decodeArtifact with a body that is part of b (its
// capacity cut to its length), for a caller that owns b and leaves it
// unchanged: the body is not copied.
func decodeArtifactIn(b []byte) (*Artifact, error) {
	magic := ""
	if len(b) >= 4 {
		magic = string(b[:4])
	}
	if magic != artifactMagic && magic != artifactMagicV3 && magic != artifactMagicV2 {
		return nil, errCorrupt
	}
	d := decoder{binread.New(b[4:])}
	a := &Artifact{ETag: d.String(), ContentType: d.String(), Generated: time.Unix(0, d.Varint())}
	if magic != artifactMagicV2 {
		if ns := d.Varint(); ns != 0 {
			a.Fetched = time.Unix(0, ns)
		}
	}
	if magic == artifactMagic {
		if n := d.Uvarint(); n != 0 {
			a.Input, a.HasInput = int(n-1), true
		}
	}
	a.Entries = int(d.Uvarint())
	a.Invalid = int(d.Uvarint())
	a.KeptNets = int(d.Uvarint())
	n := d.Uvarint()
	if n > 1024 {
		return nil, errCorrupt
	}
	for range n {
		k := d.String()
		v := int(d.Uvarint())
		if a.Dropped == nil {
			a.Dropped = map[string]int{}
		}
		a.Dropped[k] = v
	}
	body := d.Bytes()
	if d.Failed() || d.Len() != 0 {
		return nil, errCorrupt
	}
	a.Body = body[:len(body):len(body)]
	return a, nil
}

func fetchedNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// snapshotSize estimates the memory a snapshot holds.
func snapshotSize(_ string, s *Snapshot) int64 {
	n := 256 + s.Indicators.Bytes()
	for i := range s.Refused {
		n += int64(len(s.Refused[i].Value)+len(s.Refused[i].UUID)) + 112
	}
	return n
}
