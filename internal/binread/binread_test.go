package binread

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// Each read gives its value and moves on; a read past the end, a bad
// varint or a length longer than what is left fails, and every read after
// a failure gives a zero value.
func TestReader(t *testing.T) {
	var good []byte
	good = binary.AppendUvarint(good, 300)
	good = binary.AppendVarint(good, -7)
	good = AppendString(good, "abc")
	good = append(good, 9)
	tests := []struct {
		name    string
		in      []byte
		want    string
		failed  bool
		leftLen int
	}{
		{"whole", good, "300 -7 abc 9", false, 0},
		{"trailing byte kept", append(append([]byte{}, good...), 1), "300 -7 abc 9", false, 1},
		{"cut in the string", good[:len(good)-3], "300 -7  0", true, 0},
		{"empty", nil, "0 0  0", true, 0},
		{"varint never ends", []byte{0xff, 0xff}, "0 0  0", true, 0},
		{"length past the end", append(binary.AppendUvarint(binary.AppendVarint(binary.AppendUvarint(nil, 1), 1), 50), 'x'), "1 1  0", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(tc.in)
			u, v, s, b := r.Uvarint(), r.Varint(), r.String(), r.Byte()
			got := fmt.Sprintf("%d %d %s %d", u, v, s, b)
			if got != tc.want || r.Failed() != tc.failed || r.Len() != tc.leftLen {
				t.Fatalf("read %q failed %v left %d, want %q %v %d", got, r.Failed(), r.Len(), tc.want, tc.failed, tc.leftLen)
			}
		})
	}
}

// Count refuses a count the remaining bytes cannot hold, so a corrupt
// count never makes a large allocation; Next hands out bytes that cannot
// be appended into what follows them.
func TestCountAndNext(t *testing.T) {
	r := New(binary.AppendUvarint(nil, 1<<40))
	if n := r.Count(); n != 0 || !r.Failed() {
		t.Fatalf("count %d failed %v, want 0 and a failure", n, r.Failed())
	}
	for _, c := range []struct {
		count, size, left int
		ok                bool
	}{
		{count: 3, size: 1, left: 3, ok: true},
		{count: 4, size: 1, left: 3},
		{count: 3, size: 8, left: 24, ok: true},
		{count: 3, size: 8, left: 23},
		{count: 1, size: 0, left: 1, ok: true},
		{count: 0, size: 8, left: 0, ok: true},
	} {
		r := New(append(binary.AppendUvarint(nil, uint64(c.count)), make([]byte, c.left)...))
		n := r.CountOf(c.size)
		if want := map[bool]int{true: c.count}[c.ok]; n != want || r.Failed() == c.ok {
			t.Errorf("CountOf(%d) of %d with %d bytes left: %d, failed %v; want %d", c.size, c.count, c.left, n, r.Failed(), want)
		}
	}
	r = New([]byte{2, 'a', 'b', 'c'})
	b := r.Bytes()
	if string(b) != "ab" || cap(b) != 2 || r.Len() != 1 {
		t.Fatalf("bytes %q cap %d left %d", b, cap(b), r.Len())
	}
	if r.Next(-1); !r.Failed() {
		t.Fatal("a negative length was read")
	}
}
