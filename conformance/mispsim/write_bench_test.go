package mispsim

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkWrites1M measures single writes against 1,000,000 generated
// attributes: an attribute edit (which checks MISP's uniqueness rule over
// the table) and an attribute add.
func BenchmarkWrites1M(b *testing.B) {
	s, err := New(Options{Generate: 1_000_000, Seed: 1, Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("edit", func(b *testing.B) {
		for i := range b.N {
			rec := call(b, s, http.MethodPost, fmt.Sprintf("/attributes/edit/%d", i%1000+1), fmt.Sprintf(`{"comment":"c%d"}`, i), nil)
			if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
	})
	n := 0 // values stay unique across the runs of "add"
	b.Run("add", func(b *testing.B) {
		for range b.N {
			n++
			i := n
			rec := call(b, s, http.MethodPost, "/attributes/add/1", fmt.Sprintf(`{"type":"ip-dst","value":"10.%d.%d.%d"}`, i>>16&255, i>>8&255, i&255), nil)
			if rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
		}
	})
}
