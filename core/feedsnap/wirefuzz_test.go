package feedsnap_test

import (
	"bytes"
	"compress/flate"
	"io"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
)

// deflate compresses raw as the wire form does.
func deflate(tb testing.TB, raw []byte) []byte {
	var out bytes.Buffer
	zw, _ := flate.NewWriter(&out, flate.BestSpeed)
	if _, err := zw.Write(raw); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// FuzzUnmarshalDeltaRaw feeds the decoder arbitrary bytes as the
// uncompressed form, so the fuzzer reaches past the DEFLATE stream into
// the fields: they decode or fail, never panic, and a delta decoded is
// encoded again into a wire form that decodes to the same delta.
func FuzzUnmarshalDeltaRaw(f *testing.F) {
	d := deltaOf(f, map[int64][]indicator.Attribute{
		1: {{Type: "ip-dst", Category: "Network activity", Value: "192.0.2.1", UUID: "5f1c7e1e-2b1a-4c1e-9a1e-000000000001", ToIDS: true}},
		9: {{Type: "domain", Value: "example.org", UUID: "not-a-uuid"}},
	}, 2)
	d.Read, d.MISPStart, d.Dropped = time.Unix(1700000000, 5), time.Unix(1699999000, 0), []int64{3, 4}
	for _, seed := range []feedsnap.Delta{d, {}} {
		wire, err := seed.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(wire)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := feedsnap.UnmarshalDelta(deflate(t, raw))
		if err != nil {
			return
		}
		_, _ = (*feedsnap.Snapshot)(nil).Apply(d)
		once, err := d.MarshalBinary()
		if err != nil {
			t.Fatalf("a decoded delta does not encode: %v", err)
		}
		again, err := feedsnap.UnmarshalDelta(once)
		if err != nil {
			t.Fatalf("a decoded delta's wire form does not decode: %v", err)
		}
		twice, err := again.MarshalBinary()
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("a decoded delta changes on a round trip (%v)", err)
		}
	})
}
