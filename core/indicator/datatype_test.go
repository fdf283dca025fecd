package indicator

import "testing"

// TestReads: a data type reads exactly the MISP types whose attributes
// the Extractor does not skip as of another kind, its own among them.
func TestReads(t *testing.T) {
	var mispTypes []string
	for m := range singleKinds {
		mispTypes = append(mispTypes, m)
	}
	for m := range mispKinds {
		mispTypes = append(mispTypes, m)
	}
	mispTypes = append(mispTypes, "ip_dst", "link", "!domain", "")
	for _, dt := range DataTypes() {
		for _, m := range dt.MISPTypes {
			if !dt.Reads(m) {
				t.Errorf("%s does not read its own %s", dt.Name, m)
			}
		}
		for _, m := range mispTypes {
			x := NewExtractor(dt, 0)
			x.Add(nil, Attribute{Type: m, Value: "x|x"})
			if skipped := x.Stats().Skipped != 0; dt.Reads(m) == skipped {
				t.Errorf("%s: Reads(%q) = %v, yet skipped = %v", dt.Name, m, dt.Reads(m), skipped)
			}
		}
	}
}
