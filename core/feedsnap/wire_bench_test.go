package feedsnap_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
)

// wholeDelta is a feed of n attributes shaped like MISP's: 1,000 per
// event, random uuids, a few types and categories; also as attributes by
// event.
func wholeDelta(b *testing.B, n int) (feedsnap.Delta, map[int64][]indicator.Attribute) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"ip-dst", "ip-src", "domain", "url", "sha256", "md5"}
	events := map[int64][]indicator.Attribute{}
	for i := range n {
		ev := int64(i/1000 + 1)
		typ := types[rng.IntN(len(types))]
		value := fmt.Sprintf("%d.%d.%d.%d", rng.IntN(224), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		if typ == "domain" || typ == "url" {
			value = fmt.Sprintf("host%d.example%d.net", rng.IntN(1e6), rng.IntN(100))
		}
		events[ev] = append(events[ev], indicator.Attribute{Type: typ, Value: value, Category: "Network activity",
			UUID:    fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<16), rng.Int64N(1<<48)),
			EventID: ev, Timestamp: 1700000000 + rng.Int64N(1e8), ToIDS: rng.IntN(4) > 0})
	}
	for _, attrs := range events {
		slices.SortFunc(attrs, func(a, b indicator.Attribute) int { return bytes.Compare([]byte(a.UUID), []byte(b.UUID)) })
	}
	return deltaOf(b, events, n), events
}

// BenchmarkWire1M encodes and decodes a 1,000,000-attribute snapshot in
// the wire form, and for comparison as gzip'd JSON:
//
//	go test ./core/feedsnap -run '^$' -bench Wire1M -benchtime 3x
func BenchmarkWire1M(b *testing.B) {
	d, events := wholeDelta(b, 1_000_000)
	b.Run("binary+deflate/encode", func(b *testing.B) {
		var n int
		for b.Loop() {
			wire, err := d.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			n = len(wire)
		}
		b.ReportMetric(float64(n), "bytes")
	})
	wire, _ := d.MarshalBinary()
	b.Run("binary+deflate/decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := feedsnap.UnmarshalDelta(wire); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json+gzip/encode", func(b *testing.B) {
		var n int
		for b.Loop() {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
			if err := json.NewEncoder(zw).Encode(events); err != nil {
				b.Fatal(err)
			}
			_ = zw.Close()
			n = buf.Len()
		}
		b.ReportMetric(float64(n), "bytes")
	})
}
