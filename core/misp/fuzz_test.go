package misp

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/valyala/fastjson"
)

// FuzzDecodePage feeds arbitrary bytes to the page decoder: it must never
// panic, and whatever it accepts it reports consistently.
func FuzzDecodePage(f *testing.F) {
	for _, s := range []string{
		`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.1","to_ids":true,"event_id":"7","timestamp":"1700000000"}]}}`,
		`{"response":[]}`, `[]`, `{"response":{"Attribute":{}}}`, `{"name":"x","message":"y","url":"/z"}`,
		`{"response":{"Attribute":[1,2]}}`, `{"response":{"Attribute":[{"to_ids":"1","event_id":12.5}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got []indicator.Attribute
		n, err := decodePage(b, func(a indicator.Attribute) { got = append(got, a.Own()) }) // given borrowed
		if err == nil && n != len(got) {
			t.Fatalf("reported %d attributes, delivered %d", n, len(got))
		}
		// Whatever the whole-tree decoder accepts, the streaming one
		// accepts too, with the same attributes.
		var want []indicator.Attribute
		wn, werr := decodePageTree(new(fastjson.Parser), b, func(a indicator.Attribute) { want = append(want, a) })
		if werr == nil {
			if err != nil || n != wn || !slices.Equal(got, want) {
				t.Fatalf("streaming decode %d %v (%v), tree decode %d %v", n, got, err, wn, want)
			}
		}
	})
}
