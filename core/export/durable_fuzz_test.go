package export

import (
	"bytes"
	"maps"
	"testing"
)

// FuzzDecodeSide feeds a last good list's record arbitrary bytes, as a
// damaged state_dir may hold: decodeSide refuses what it cannot read,
// never panics, and a record it reads is written again (in the format it
// was read in) and read again the same, naming the same body file.
func FuzzDecodeSide(f *testing.F) {
	for _, fx := range durableFixtures()[:1] {
		f.Add(fx.rec.key, sideRecord(fx.rec))
		f.Add(fx.rec.key, legacyRecord(fx.rec))
	}
	f.Add("k", []byte("CLG2"))
	f.Fuzz(func(t *testing.T, key string, b []byte) {
		const name = "list"
		rec, body, err := decodeSide(key, name, b)
		if err != nil {
			return
		}
		again := sideRecord(rec)
		if body == "" {
			again = append(recordHead(rec), rec.a.Body...)
		}
		rec2, body2, err := decodeSide(key, name, again)
		if err != nil {
			t.Fatalf("a record read is not read again: %v", err)
		}
		if body2 != body || !sameRecord(rec, rec2) {
			t.Fatalf("read again differently: %+v %q, then %+v %q", rec, body, rec2, body2)
		}
	})
}

// sameRecord reports whether two records hold the same fields.
func sameRecord(a, b durableRecord) bool {
	if a.key != b.key || a.digest != b.digest || !a.since.Equal(b.since) || a.serial != b.serial || !bytes.Equal(a.a.Body, b.a.Body) {
		return false
	}
	x, y := a.a, b.a
	return x.ETag == y.ETag && x.ContentType == y.ContentType && x.Generated.Equal(y.Generated) && x.Fetched.Equal(y.Fetched) &&
		x.Entries == y.Entries && x.Invalid == y.Invalid && x.KeptNets == y.KeptNets && maps.Equal(x.Dropped, y.Dropped) &&
		x.Input == y.Input && x.HasInput == y.HasInput
}
