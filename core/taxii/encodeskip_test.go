package taxii

import (
	"bytes"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// TestVersionNotEncodedLeavesValidJSON: a version that cannot be encoded
// (a value the stix21 encoder refuses, here a control character, in a
// history the loader accepts) is left out of the page, which stays a
// valid envelope. Its separator was written all the same, and the page
// held ",": a client could read no object of that page.
func TestVersionNotEncodedLeavesValidJSON(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100)
	c := NewCollection(testID)
	apply(t, c, t0, map[string]string{stix21.OptTLP: "clear"}, a, b)
	apply(t, c, t0.Add(time.Minute), map[string]string{stix21.OptTLP: "red"}, a, b) // a version of each
	data, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`"evil.example"`), []byte(`"evil\x01.example"`), 1)
	loaded, err := UnmarshalState(data, testID)
	if err != nil {
		t.Fatal(err)
	}
	for _, query := range []string{"match[version]=all", "match[version]=first", ""} {
		t.Run(query, func(t *testing.T) {
			p := mustObjects(t, loaded, query, "")
			e, objs := decode(t, p)
			if e.More {
				t.Fatal("more")
			}
			for _, o := range objs {
				if o.Type == "indicator" && o.Pattern != "[ipv4-addr:value = '192.0.2.1']" {
					t.Fatalf("object %+v", o)
				}
			}
		})
	}
}
