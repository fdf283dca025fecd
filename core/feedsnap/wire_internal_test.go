package feedsnap

import (
	"bytes"
	"compress/flate"
	"fmt"
	"testing"
)

// zeros returns a DEFLATE stream of mib MiB of zero bytes, about a
// thousandth of that size.
func zeros(t *testing.T, mib int) []byte {
	t.Helper()
	var mb bytes.Buffer
	zw, err := flate.NewWriter(&mb, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = zw.Write(make([]byte, 1<<20))
	if err := zw.Flush(); err != nil { // non-final blocks ending on a byte
		t.Fatal(err)
	}
	wire := bytes.Repeat(mb.Bytes(), mib)
	return append(wire, 0x03, 0x00) // an empty final block
}

// A wire form is read from memcached, where anyone who reaches it can
// write: one that inflates far beyond any delta's ratio is refused once
// it passes its bound, not read into memory whole.
func TestUnmarshalDeltaInflationBound(t *testing.T) {
	for _, tc := range []struct {
		name string
		mib  int
		err  string
	}{
		{"within the floor", 8, "feedsnap: corrupt delta: bad magic"},
		{"a bomb", 512, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wire := zeros(t, tc.mib)
			want := tc.err
			if want == "" {
				want = fmt.Sprintf("feedsnap: corrupt delta: it inflates past %d bytes", inflateLimit(len(wire)))
			}
			if _, err := UnmarshalDelta(wire); err == nil || err.Error() != want {
				t.Fatalf("%d bytes inflating to %d MiB: error %v, want %q", len(wire), tc.mib, err, want)
			}
		})
	}
	if got := inflateLimit(1 << 30); got != maxWireBytes {
		t.Errorf("the bound of a 1 GiB wire form is %d, want %d", got, maxWireBytes)
	}
}
