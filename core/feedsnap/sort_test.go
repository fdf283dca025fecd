package feedsnap

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/cratos-project/cratos/core/indicator"
)

// stableSortUnique is what uuidSorter.sortUnique must give: a stable sort
// by uuid, then the first of each run of equal non-empty uuids.
func stableSortUnique(attrs []indicator.Attribute) []indicator.Attribute {
	slices.SortStableFunc(attrs, func(a, b indicator.Attribute) int { return cmp.Compare(a.UUID, b.UUID) })
	return slices.CompactFunc(attrs, func(a, b indicator.Attribute) bool { return a.UUID != "" && a.UUID == b.UUID })
}

func TestSortUniqueAsStableSort(t *testing.T) {
	uuids := map[string]func(r *rand.Rand) string{
		"random": func(r *rand.Rand) string {
			return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<16), r.Int64N(1<<48))
		},
		"repeated":  func(r *rand.Rand) string { return fmt.Sprintf("%08x-0000", r.IntN(8)) },
		"empty":     func(r *rand.Rand) string { return []string{"", "b", "a"}[r.IntN(3)] },
		"same head": func(r *rand.Rand) string { return fmt.Sprintf("00000000-%d", r.IntN(20)) },
		"short": func(r *rand.Rand) string {
			return []string{"", "a", "a\x00", "a\x00\x00", "ab", "\xff", "abcdefgh", "abcdefgh\x00"}[r.IntN(8)]
		},
		"long prefix": func(r *rand.Rand) string { return fmt.Sprintf("abcdefghijklmnop%d", r.IntN(5)) },
		// Held packed (lowercase 8-4-4-4-12) or as they are, side by side.
		"mixed forms": func(r *rand.Rand) string {
			u := fmt.Sprintf("%08x-0000-4000-8000-%012x", r.IntN(4), r.IntN(3))
			switch r.IntN(4) {
			case 0:
				return strings.ToUpper(u)
			case 1:
				return u[:35] + "g"
			case 2:
				return u + "0"
			}
			return u
		},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var sorter uuidSorter
	for name, uuid := range uuids {
		for _, n := range []int{0, 1, 2, 3, 7, 20, 100, 1000} {
			for _, presorted := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/presorted=%v", name, n, presorted), func(t *testing.T) {
					attrs := make([]indicator.Attribute, n)
					for i := range attrs {
						attrs[i] = indicator.Attribute{UUID: uuid(rng), Value: fmt.Sprint(i), Timestamp: int64(i)}
					}
					if presorted {
						attrs = stableSortUnique(attrs)
					}
					want := stableSortUnique(slices.Clone(attrs))
					e, err := packEvent(attrs)
					if err != nil {
						t.Fatal(err)
					}
					if full, packed := orderOf(e, (*uuidSorter).orderFull), orderOf(e, (*uuidSorter).orderPacked); !slices.Equal(full, packed) {
						t.Errorf("packed keys ordered the records %v, full keys %v", packed, full)
					}
					if got := sorter.sortUnique(e).Attributes(0); !slices.Equal(got, want) {
						t.Errorf("sortUnique gave\n%v\nwant\n%v", got, want)
					}
				})
			}
		}
	}
}

// orderOf returns the places of e's records in the order that order (a
// uuidSorter's orderFull or orderPacked) gives.
func orderOf(e Event, order func(*uuidSorter, Event)) []int {
	s := uuidSorter{keys: make([]uuidKey, len(e.recs))}
	order(&s, e)
	places := make([]int, len(s.keys))
	for i, k := range s.keys {
		places[i] = k.at
	}
	return places
}

// sortEvents sorts each event as sortUnique does, on several goroutines
// when the events hold enough records, also when the events are stretches
// of one array of records, as a full read leaves most of them.
func TestSortEventsAsSortUnique(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, total := range []int{1000, sortParallelMin + 5000} {
		attrs := make([]indicator.Attribute, total)
		for i := range attrs {
			attrs[i] = indicator.Attribute{UUID: fmt.Sprintf("%08x-0000-4000-8000-%012x", rng.IntN(1<<20), rng.IntN(4)), Value: fmt.Sprint(i)}
		}
		all, err := packEvent(attrs)
		if err != nil {
			t.Fatal(err)
		}
		var events []Event
		var want [][]indicator.Attribute
		for lo := 0; lo < total; {
			hi := min(total, lo+rng.IntN(total/10+1))
			if rng.IntN(20) == 0 {
				hi = total // one large event now and then
			}
			events = append(events, Event{recs: all.recs[lo:hi:hi], st: all.st})
			want = append(want, stableSortUnique(slices.Clone(attrs[lo:hi])))
			lo = hi
		}
		sortEvents(events, total)
		for k, e := range events {
			if got := e.Attributes(0); !slices.Equal(got, want[k]) {
				t.Fatalf("%d records: event %d of %d sorted as\n%v\nwant\n%v", total, k, len(events), got, want[k])
			}
		}
	}
}

// A uuid is held as 16 bytes only in MISP's lowercase 8-4-4-4-12 form,
// and comes back as it was.
func TestPackUUID(t *testing.T) {
	for _, tc := range []struct {
		in     string
		packed bool
	}{
		{"5f0c7c4e-1c2b-4d3e-9f00-0123456789ab", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"ffffffff-ffff-ffff-ffff-ffffffffffff", true},
		{"5F0C7C4E-1C2B-4D3E-9F00-0123456789AB", false},
		{"5f0c7c4e-1c2b-4d3e-9f00-0123456789ag", false},
		{"5f0c7c4e1c2b-4d3e-9f00-0123456789abc", false},
		{"5f0c7c4e-1c2b-4d3e-9f00-0123456789a", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			b, ok := packUUID(tc.in)
			if ok != tc.packed {
				t.Fatalf("packed %v, want %v", ok, tc.packed)
			}
			var buf [36]byte
			if ok && string(formatUUID(&buf, b[:])) != tc.in {
				t.Errorf("comes back as %q", formatUUID(&buf, b[:]))
			}
			e, err := packEvent([]indicator.Attribute{{Value: "v", UUID: tc.in}})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Attr(1, 0); got.UUID != tc.in || got.Value != "v" || e.recs[0].packed() != tc.packed {
				t.Errorf("held and read back as %+v (packed %v)", got, e.recs[0].packed())
			}
		})
	}
}

// A read whose attributes name more types and categories than records can
// index is refused whole, not held wrong.
func TestTooManyNamesRefused(t *testing.T) {
	attrs := make([]indicator.Attribute, 1<<16+1)
	for i := range attrs {
		attrs[i] = indicator.Attribute{Type: fmt.Sprint("t", i), Category: "c", UUID: fmt.Sprint(i), Value: "v"}
	}
	if _, err := NewEvent(attrs); !errors.Is(err, errTooLarge) {
		t.Fatalf("error %v, want errTooLarge", err)
	}
	p := newPart()
	for _, a := range attrs {
		p.add(a)
	}
	if _, err := joinParts([]*part{p}); !errors.Is(err, errTooLarge) {
		t.Fatalf("full read: error %v, want errTooLarge", err)
	}
	if _, err := NewEvent(attrs[:1<<15]); err != nil {
		t.Fatalf("32,768 names: %v", err)
	}
}

// A record takes 20 bytes; its uuid's length and flags share two of them,
// so a uuid longer than 8,191 bytes is refused whole, not held wrong.
func TestRecordHoldsItsFlagsAndUUIDLength(t *testing.T) {
	if size := unsafe.Sizeof(rec{}); size != 20 {
		t.Errorf("a record takes %d bytes", size)
	}
	long := strings.Repeat("u", metaULen)
	attrs := []indicator.Attribute{
		{Value: "a", UUID: long, ToIDS: true},
		{Value: "b", UUID: "5f0c7c4e-1c2b-4d3e-9f00-0123456789ab", ToIDS: true},
		{Value: "c", UUID: "5f0c7c4e-1c2b-4d3e-9f00-0123456789ac"},
		{Value: "d", UUID: ""},
	}
	e, err := packEvent(attrs)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range attrs {
		if got := e.Attr(0, i); got != want {
			t.Errorf("attribute %d read back as %+v", i, got)
		}
	}
	if _, err := packEvent([]indicator.Attribute{{Value: "a", UUID: long + "u"}}); !errors.Is(err, errTooLarge) {
		t.Errorf("a uuid of %d bytes: error %v, want errTooLarge", metaULen+1, err)
	}
}

// An event made from attributes holds their text in one slab of exactly
// its size, packed uuids counted as 16 bytes.
func TestPackEventSlabExact(t *testing.T) {
	e, err := packEvent([]indicator.Attribute{
		{Value: "192.0.2.1", UUID: "5f0c7c4e-1c2b-4d3e-9f00-0123456789ab"},
		{Value: "bad.example", UUID: "not-a-uuid"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := len("192.0.2.1") + 16 + len("bad.example") + len("not-a-uuid"); len(e.st.slabs) != 1 || cap(e.st.slabs[0]) != want {
		t.Errorf("slabs %d, first of %d bytes; want one of %d", len(e.st.slabs), cap(e.st.slabs[0]), want)
	}
}

// A large read passes through slabs and blocks of every size, up to the
// largest: each attribute reads back as it was given, and the sizes grow
// as declared.
func TestLargeReadGrowsSlabsAndBlocks(t *testing.T) {
	const n = blockMax + blockMax/2
	p := newPart()
	for i := range n {
		p.add(largeReadAttr(i))
	}
	p.written()
	for k, block := range p.blocks {
		if wantCap := min(blockFirst<<(2*k), blockMax); cap(block) != wantCap {
			t.Fatalf("block %d holds %d records, want %d", k, cap(block), wantCap)
		}
	}
	for k, slab := range p.w.st.slabs[:len(p.w.st.slabs)-1] {
		if wantLen := min(slabFirst<<(2*k), slabMax); len(slab) != wantLen {
			t.Fatalf("slab %d of %d bytes, want %d", k, len(slab), wantLen)
		}
	}
	if got := cap(p.w.st.slabs[len(p.w.st.slabs)-1]); got != slabMax {
		t.Fatalf("the last slab of %d bytes, want %d", got, slabMax)
	}
	events, err := joinParts([]*part{p})
	if err != nil {
		t.Fatal(err)
	}
	s := newSnapshot(events, time.Time{})
	// A snapshot reads back by event, then uuid: attribute i is in event
	// i%7, and its uuid grows with i.
	var order []int
	for e := range largeReadEvents {
		for i := e; i < n; i += largeReadEvents {
			order = append(order, i)
		}
	}
	k := 0
	s.Each(func(a indicator.Attribute) {
		if k < n {
			if want := largeReadAttr(order[k]); a != want {
				t.Fatalf("attribute %d read back as %+v, want %+v", k, a, want)
			}
		}
		k++
	})
	if k != n {
		t.Fatalf("%d attributes read back, want %d", k, n)
	}
}

// largeReadEvents is how many events TestLargeReadGrowsSlabsAndBlocks
// spreads its attributes over.
const largeReadEvents = 7

// largeReadAttr is the attribute i of TestLargeReadGrowsSlabsAndBlocks.
func largeReadAttr(i int) indicator.Attribute {
	hex := strconv.FormatUint(uint64(i), 16)
	return indicator.Attribute{
		Type: "ip-dst", Category: "Network activity", EventID: int64(i % largeReadEvents),
		Value: "198.51." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255) + "/" + strconv.Itoa(i%33),
		UUID:  strings.Repeat("0", 8-len(hex)) + hex + "-1c2b-4d3e-9f00-0123456789ab", Timestamp: int64(i),
	}
}

// fitted copies a slab or block whose unused room is more than slack and
// more than it holds, and otherwise only cuts its capacity.
func TestFitted(t *testing.T) {
	tests := []struct {
		name     string
		len, cap int
		wantCopy bool
	}{
		{"full", 3 << 20, 3 << 20, false},
		{"room under slack", 100, slack + 99, false},
		{"room under its length", 5 << 20, 8 << 20, false},
		{"room over both", 2 << 20, 8 << 20, true},
		{"empty", 0, 8 << 20, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]byte, tc.len, tc.cap)
			for i := range s {
				s[i] = byte(i)
			}
			got := fitted(s)
			copied := unsafe.SliceData(got) != unsafe.SliceData(s)
			if copied != tc.wantCopy || cap(got) != len(got) || !bytes.Equal(got, s) {
				t.Errorf("copied %v (want %v), len %d cap %d, same bytes %v", copied, tc.wantCopy, len(got), cap(got), bytes.Equal(got, s))
			}
		})
	}
}

// FuzzSortUnique checks sortUnique against a stable sort, and the packed
// keys' order against the full keys', for uuids of any form, one a line.
func FuzzSortUnique(f *testing.F) {
	f.Add("b\na\n\na\nB")
	f.Add("00000000-0000-4000-8000-000000000001\n00000000-0000-4000-8000-000000000000\n00000000-0000-4000-8000-000000000001")
	f.Add("abcdefgh\nabcdefgh\x00\nabcdefg\n\xff\xff\xff\xff\xff\xff\xff\xff")
	f.Fuzz(func(t *testing.T, lines string) {
		uuids := strings.Split(lines, "\n")
		if len(uuids) > 5000 {
			return
		}
		attrs := make([]indicator.Attribute, len(uuids))
		for i, u := range uuids {
			attrs[i] = indicator.Attribute{UUID: u, Value: fmt.Sprint(i), Timestamp: int64(i)}
		}
		want := stableSortUnique(slices.Clone(attrs))
		e, err := packEvent(attrs)
		if err != nil {
			return // a value or uuid the snapshot refuses
		}
		if full, packed := orderOf(e, (*uuidSorter).orderFull), orderOf(e, (*uuidSorter).orderPacked); !slices.Equal(full, packed) {
			t.Fatalf("packed keys ordered the records %v, full keys %v", packed, full)
		}
		var sorter uuidSorter
		if got := sorter.sortUnique(e).Attributes(0); !slices.Equal(got, want) {
			t.Fatalf("sortUnique gave\n%v\nwant\n%v", got, want)
		}
	})
}

// BenchmarkSortUnique sorts events of 1,000 attributes with random uuids,
// as MISP sends them, by uuid:
//
//	go test ./core/feedsnap -run '^$' -bench SortUnique
func BenchmarkSortUnique(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	attrs := make([]indicator.Attribute, 1000)
	for i := range attrs {
		attrs[i] = indicator.Attribute{Value: fmt.Sprint(i), Timestamp: int64(i),
			UUID: fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<16), rng.Int64N(1<<48))}
	}
	e, err := packEvent(attrs)
	if err != nil {
		b.Fatal(err)
	}
	misp := e.recs
	e.recs = make([]rec, len(misp))
	var sorter uuidSorter
	for b.Loop() {
		copy(e.recs, misp)
		sorter.sortUnique(e)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(misp)), "ns/attribute")
}
