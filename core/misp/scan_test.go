package misp

import "testing"

// TestScanString checks the eight-bytes-at-a-time string scan against a
// byte-by-byte one on every text of up to 11 bytes made of 'a', '"' and
// '\', at every start, so quotes and backslashes fall on each side of the
// eight-byte boundaries.
func TestScanString(t *testing.T) {
	naive := func(b []byte, i int) (int, bool) {
		esc := false
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				return i, esc
			case '\\':
				esc = true
				i++
			}
		}
		return -1, esc
	}
	alphabet := []byte{'a', '"', '\\'}
	var b []byte
	var walk func(n int)
	walk = func(n int) {
		for i := 0; i <= len(b); i++ {
			gotEnd, gotEsc := scanString(b, i)
			wantEnd, wantEsc := naive(b, i)
			if gotEnd != wantEnd || gotEnd >= 0 && gotEsc != wantEsc {
				t.Fatalf("scanString(%q, %d) = %d, %v; want %d, %v", b, i, gotEnd, gotEsc, wantEnd, wantEsc)
			}
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			b = append(b, c)
			walk(n - 1)
			b = b[:len(b)-1]
		}
	}
	walk(11)
}
