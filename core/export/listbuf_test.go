package export

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
)

// TestListBuffer: whatever mix of writes, the list comes back byte for byte
// as written, in a slice of exactly its length, and a write past the bound
// is refused whole.
func TestListBuffer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes int
		size   int // largest write
	}{
		{"empty", 0, 1},
		{"one byte", 1, 1},
		{"small writes", 5000, 40},
		{"writes across chunks", 300, 100 << 10},
		{"larger than the largest chunk", 3, 9 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tc.writes)))
			b := listBuffer{max: 1 << 40}
			var want bytes.Buffer
			for i := range tc.writes {
				p := bytes.Repeat([]byte{byte('a' + i%26)}, 1+r.IntN(tc.size))
				want.Write(p)
				var err error
				switch i % 4 {
				case 0:
					_, err = b.Write(p)
				case 1:
					_, err = b.WriteString(string(p))
				case 2:
					err = b.WriteByte(p[0])
					want.Truncate(want.Len() - len(p) + 1)
				case 3:
					_, err = b.ReadFrom(bytes.NewReader(p))
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if b.Len() != want.Len() {
				t.Fatalf("Len %d, want %d", b.Len(), want.Len())
			}
			got := b.Bytes()
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%d bytes back differ from the %d written", len(got), want.Len())
			}
			if cap(got) != len(got) {
				t.Errorf("cap %d for %d bytes, want exactly the length", cap(got), len(got))
			}
			if b.Len() != 0 {
				t.Errorf("Len %d after Bytes, want 0", b.Len())
			}
		})
	}
}

func TestListBufferBound(t *testing.T) {
	b := listBuffer{max: 10}
	if _, err := b.WriteString("12345678"); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Write([]byte("abc")); n != 0 || !errors.Is(err, ErrRenderTooLarge) {
		t.Errorf("Write past the bound: %d, %v; want 0, ErrRenderTooLarge", n, err)
	}
	if n, err := b.WriteString("abc"); n != 0 || !errors.Is(err, ErrRenderTooLarge) {
		t.Errorf("WriteString past the bound: %d, %v", n, err)
	}
	if _, err := b.ReadFrom(strings.NewReader("abc")); !errors.Is(err, ErrRenderTooLarge) {
		t.Errorf("ReadFrom past the bound: %v", err)
	}
	for _, c := range []byte("90!") {
		err := b.WriteByte(c)
		if c != '!' && err != nil || c == '!' && !errors.Is(err, ErrRenderTooLarge) {
			t.Errorf("WriteByte %q: %v", c, err)
		}
	}
	if got := string(b.Bytes()); got != "1234567890" {
		t.Errorf("kept %q, want the writes within the bound", got)
	}
}

// TestListBufferExpected: a list about as large as expected is handed over
// in its one chunk, with little spare room; a much smaller or a larger one
// is copied to its exact length.
func TestListBufferExpected(t *testing.T) {
	for _, tc := range []struct {
		name            string
		expected, wrote int
		exact           bool
	}{
		{"as expected", 1 << 20, 1 << 20, false},
		{"a little smaller", 1 << 20, 1<<20 - 100, false},
		{"half", 1 << 20, 1 << 19, true},
		{"larger", 1 << 20, 1<<20 + 1<<14, true},
		{"small lists ignore it", 100, 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := listBuffer{max: 1 << 30}
			b.reuse(bytes.Repeat([]byte("x"), tc.expected)) // a previous build that differs
			want := bytes.Repeat([]byte("0123456789\n"), tc.wrote/11+1)[:tc.wrote]
			if _, err := b.Write(want[:tc.wrote/2]); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WriteString(string(want[tc.wrote/2:])); err != nil {
				t.Fatal(err)
			}
			got := b.Bytes()
			if !bytes.Equal(got, want) {
				t.Fatalf("%d bytes back differ from the %d written", len(got), len(want))
			}
			if tc.exact && cap(got) != len(got) || cap(got)-len(got) > len(got)/spare {
				t.Errorf("cap %d for %d bytes (exact: %v)", cap(got), len(got), tc.exact)
			}
			if !tc.exact && cap(got) == len(got) {
				t.Errorf("a list of the expected size was copied (cap %d)", cap(got))
			}
		})
	}
}

// TestListBufferReuse: a rebuild that writes its previous build's bytes
// gets that build back, not a copy; any other list comes back as written,
// in a slice of its own.
func TestListBufferReuse(t *testing.T) {
	prev := bytes.Repeat([]byte("192.0.2.1\n"), 10_000)
	changed := slices.Clone(prev)
	changed[len(changed)/2] = '7'
	for _, tc := range []struct {
		name   string
		prev   []byte
		write  []byte
		shared bool
	}{
		{"the same", prev, prev, true},
		{"a byte changed", prev, changed, false},
		{"shorter", prev, prev[:len(prev)-10], false},
		{"longer", prev, append(slices.Clone(prev), "x\n"...), false},
		{"different from the first byte", prev, bytes.ReplaceAll(prev, []byte("1"), []byte("3")), false},
		{"empty, as before", []byte{}, nil, false},
		{"small", []byte("a\n"), []byte("a\n"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := listBuffer{max: 1 << 30}
			b.reuse(tc.prev)
			r := rand.New(rand.NewPCG(2, 3))
			for rest := tc.write; len(rest) > 0; {
				k := min(len(rest), 1+r.IntN(5000))
				switch r.IntN(3) {
				case 0:
					_, _ = b.Write(rest[:k])
				case 1:
					_, _ = b.WriteString(string(rest[:k]))
				case 2:
					k = 1
					_ = b.WriteByte(rest[0])
				}
				rest = rest[k:]
			}
			if b.Len() != len(tc.write) {
				t.Fatalf("Len %d, want %d", b.Len(), len(tc.write))
			}
			got := b.Bytes()
			if !bytes.Equal(got, tc.write) {
				t.Fatalf("%d bytes back differ from the %d written", len(got), len(tc.write))
			}
			shared := len(got) > 0 && &got[0] == &tc.prev[0]
			if shared != tc.shared {
				t.Errorf("shares the previous build: %v, want %v", shared, tc.shared)
			}
			if cap(got)-len(got) > len(got)/spare {
				t.Errorf("cap %d for %d bytes", cap(got), len(got))
			}
		})
	}
}

// TestListBufferCollects: a large list put together from chunks runs the
// collector once, before the copy; a small one, or a large one handed over
// as its unchanged previous build, does not.
func TestListBufferCollects(t *testing.T) {
	large := bytes.Repeat([]byte("192.0.2.1\n"), collectAt/10+1)
	for _, tc := range []struct {
		name    string
		prev    []byte
		list    []byte
		collect bool
	}{
		{"large, from chunks", nil, large, true},
		{"large, unchanged", large, large, false},
		{"small, from chunks", nil, large[:collectAt/4], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := listBuffer{max: 1 << 30}
			b.reuse(tc.prev)
			for p := tc.list; len(p) > 0; p = p[min(len(p), 64<<10):] {
				if _, err := b.Write(p[:min(len(p), 64<<10)]); err != nil {
					t.Fatal(err)
				}
			}
			before := forcedCollections()
			got := b.Bytes()
			ran := forcedCollections() - before
			if !bytes.Equal(got, tc.list) {
				t.Fatalf("%d bytes back differ from the %d written", len(got), len(tc.list))
			}
			if tc.collect && ran == 0 || !tc.collect && ran != 0 {
				t.Errorf("%d forced collections, want them: %v", ran, tc.collect)
			}
		})
	}
}

// forcedCollections is the count of collections the program asked for.
func forcedCollections() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
