package taxii

import (
	"bytes"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// FuzzUnmarshalState: a state file of any bytes (a disk fault, a file of
// another version) is refused with an error or read as a collection
// whose state, written, reads back and writes the same bytes again; it
// never panics. (A state read back may be written in another form: the
// current format, a final newline added.)
func FuzzUnmarshalState(f *testing.F) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	c := NewCollection(testID)
	opts := map[string]string{stix21.OptTLP: "clear"}
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Email, "x@example.org", 1700000000)
	for i, ins := range [][]indicator.Indicator{{a, b}, {a}, {a, b}} {
		if _, err := c.Apply(new(int), indicator.Normalize(ins), opts, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			f.Fatal(err)
		}
	}
	blob, err := c.MarshalState()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Add(bytes.Replace(blob, []byte(stateHeader), []byte(legacyHeader), 1))
	f.Add([]byte(stateHeader + " 0 0 0 0\n{}\n"))
	// A history whose TLP changed: format 4, with re-marked versions and an era.
	if _, err := c.Apply(new(int), indicator.Normalize([]indicator.Indicator{a}), map[string]string{stix21.OptTLP: "red"}, t0.Add(3*time.Hour)); err != nil {
		f.Fatal(err)
	}
	if blob, err = c.MarshalState(); err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := UnmarshalState(data, testID)
		if err != nil {
			return
		}
		written, err := got.MarshalState()
		if err != nil {
			t.Fatalf("a state read back does not write: %v", err)
		}
		reread, err := UnmarshalState(written, testID)
		if err != nil {
			t.Fatalf("a written state is refused: %v\n%q\nread from\n%q", err, written, data)
		}
		if again, err := reread.MarshalState(); err != nil || !bytes.Equal(again, written) {
			t.Fatalf("a written state writes other bytes (%v):\n%q\n%q", err, written, again)
		}
	})
}
