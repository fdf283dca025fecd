package indicator

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// A List gives back every indicator exactly as it was, holds a column
// only for a field some indicator sets, and lays the text out in list
// order.
func TestList(t *testing.T) {
	fill := func(n int, set func(i int, in *Indicator)) []Indicator {
		ins := make([]Indicator, n)
		for i := range ins {
			ins[i] = Indicator{Type: IPv4, Value: fmt.Sprintf("192.0.2.%d", i%256)}
			if set != nil {
				set(i, &ins[i])
			}
		}
		return ins
	}
	names := [][2]string{{"ip-dst", "Network activity"}, {"ip-src", "Network activity"}, {"ip-dst", ""}, {"", "External analysis"}}
	for _, tc := range []struct {
		name string
		ins  []Indicator
		// columns are the optional fields the list holds: u(uid),
		// e(vent), t(imestamp), o(rigin); E and T in 64 bits.
		columns string
	}{
		{"empty", nil, ""},
		{"values", fill(3, nil), ""},
		{"an empty value", fill(3, func(i int, in *Indicator) {
			if i == 1 {
				in.Value = ""
			}
		}), ""},
		{"to_ids and types", fill(4, func(i int, in *Indicator) { in.ToIDS, in.Type = i%2 == 1, Type(i%3) }), ""},
		{"one uuid", fill(3, func(i int, in *Indicator) {
			if i == 2 {
				in.UUID = "5f0c-u"
			}
		}), "u"},
		{"negative events", fill(3, func(i int, in *Indicator) { in.EventID = int64(i) - 1 }), "E"},
		{"timestamps past 2106", fill(3, func(i int, in *Indicator) { in.Timestamp = int64(i) << 40 }), "T"},
		{"events and timestamps in 32 bits", fill(3, func(i int, in *Indicator) {
			in.EventID, in.Timestamp = int64(i), math.MaxUint32-int64(i)
		}), "et"},
		{"a timestamp one past 32 bits", fill(3, func(i int, in *Indicator) {
			in.EventID, in.Timestamp = int64(i), math.MaxUint32-1+int64(i)
		}), "eT"},
		{"names, repeated apart", fill(9, func(i int, in *Indicator) {
			in.MISPType, in.Category = names[i*7%len(names)][0], names[i*7%len(names)][1]
		}), "o"},
		{"everything, in runs", fill(listRunsMin+3, func(i int, in *Indicator) {
			in.UUID, in.EventID, in.Timestamp, in.ToIDS = fmt.Sprintf("u-%d", i), int64(i/10), int64(1700000000+i), i%3 == 0
			in.MISPType, in.Category = names[i/1000%len(names)][0], names[i/1000%len(names)][1]
			if i%7 == 3 {
				in.UUID = ""
			}
			if i%11 == 5 {
				in.Value = ""
			}
		}), "ueto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewList(tc.ins)
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != len(tc.ins) {
				t.Fatalf("Len %d, want %d", l.Len(), len(tc.ins))
			}
			for i, want := range tc.ins {
				if got := l.At(i); got != want || l.Type(i) != want.Type {
					t.Fatalf("At(%d) = %+v, want %+v", i, got, want)
				}
			}
			if !slices.Equal(l.Slice(), tc.ins) || !slices.Equal(slices.Collect(l.All()), tc.ins) {
				t.Fatal("Slice or All differs from the indicators")
			}
			held := ""
			for _, c := range []struct {
				name string
				set  bool
			}{{"u", l.uuidLen != nil}, {"e", l.events.narrow != nil}, {"E", l.events.wide != nil},
				{"t", l.stamps.narrow != nil}, {"T", l.stamps.wide != nil}, {"o", l.origins != nil}} {
				if c.set {
					held += c.name
				}
			}
			if held != tc.columns {
				t.Errorf("columns %q, want %q", held, tc.columns)
			}
			text := 0
			for _, in := range tc.ins {
				text += len(in.Value) + len(in.UUID)
			}
			perIndicator := map[rune]int64{'u': 4, 'e': 4, 'E': 8, 't': 4, 'T': 8, 'o': 4}
			want := int64(text) + 12*int64(len(tc.ins))
			for _, c := range tc.columns {
				want += perIndicator[c] * int64(len(tc.ins))
			}
			for _, n := range l.names {
				want += 32 + int64(len(n.mispType)+len(n.category))
			}
			if l.Bytes() != want {
				t.Errorf("Bytes %d, want %d", l.Bytes(), want)
			}
			// The text lies in list order: each value, then its uuid.
			var next uintptr
			for i := range l.Len() {
				in := l.At(i)
				for _, s := range []string{in.Value, in.UUID} {
					if s == "" {
						continue
					}
					at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
					if next != 0 && at != next {
						t.Fatalf("indicator %d's text does not follow the one before it", i)
					}
					next = at + uintptr(len(s))
				}
			}
		})
	}
}

// A list whose text would pass what a List indexes is refused.
func TestListTooLarge(t *testing.T) {
	ins := []Indicator{{Type: Domain, Value: "example.org", UUID: "u"}} // 12 bytes of text
	if _, err := newList(len(ins), func(i int) Indicator { return ins[i] }, 11); !errors.Is(err, ErrListTooLarge) {
		t.Errorf("12 bytes of text, 11 allowed: %v, want ErrListTooLarge", err)
	}
	if l, err := newList(len(ins), func(i int) Indicator { return ins[i] }, 12); err != nil || l.At(0) != ins[0] {
		t.Errorf("12 bytes of text, 12 allowed: %+v, %v", l.At(0), err)
	}
}

// BenchmarkNewList makes a list of a million indicators whose text lies
// out of list order, as it does after Normalize.
func BenchmarkNewList(b *testing.B) {
	const n = 1 << 20
	text := make([]byte, 0, n*49)
	for i := range n {
		text = fmt.Appendf(text, "10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		text = fmt.Appendf(text, "%08x-0000-4000-8000-%012x", i, i)
	}
	all := string(text)
	ins := make([]Indicator, n)
	at := 0
	for i := range ins {
		v := len(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		ins[i] = Indicator{Type: IPv4, Value: all[at : at+v], UUID: all[at+v : at+v+36], MISPType: "ip-dst", Timestamp: int64(i)}
		at += v + 36
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { ins[i], ins[j] = ins[j], ins[i] })
	b.SetBytes(int64(len(all)))
	for b.Loop() {
		if _, err := NewList(ins); err != nil {
			b.Fatal(err)
		}
	}
}
