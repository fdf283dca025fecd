package taxii

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// benchIndicators returns n distinct IPv4 and domain indicators.
func benchIndicators(n, offset int) []indicator.Indicator {
	out := make([]indicator.Indicator, 0, n)
	for i := offset; i < offset+n; i++ {
		if i%2 == 0 {
			out = append(out, indicator.Indicator{Type: indicator.IPv4, Value: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Timestamp: 1700000000})
		} else {
			out = append(out, indicator.Indicator{Type: indicator.Domain, Value: fmt.Sprintf("host-%d.example", i), Timestamp: 1700000000})
		}
	}
	return indicator.Normalize(out)
}

// BenchmarkTAXIIPoll compares, on a collection of 1M indicators, a poll
// with added_after (after a refresh that added 100 indicators, and after
// none) with building the feed's whole stix21 bundle.
func BenchmarkTAXIIPoll(b *testing.B) {
	const n = 1_000_000
	base := benchIndicators(n, 0)
	c := NewCollection(testID)
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := c.Apply(new(int), base, nil, t0); err != nil {
		b.Fatal(err)
	}
	last := stamp(c.last)
	grown := indicator.Normalize(append(append([]indicator.Indicator{}, base...), benchIndicators(100, n)...))
	if _, err := c.Apply(new(int), grown, nil, t0.Add(time.Minute)); err != nil {
		b.Fatal(err)
	}
	poll := func(b *testing.B, after string, want int) {
		q, _ := ParseQuery(url.Values{"added_after": {after}})
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Objects(q, "")
			if err != nil {
				b.Fatal(err)
			}
			if want >= 0 && len(p.Body) < want {
				b.Fatalf("page of %d bytes", len(p.Body))
			}
		}
	}
	b.Run("added_after/100-new", func(b *testing.B) { poll(b, last, 100*300) })
	b.Run("added_after/nothing-new", func(b *testing.B) { poll(b, stamp(c.last), 0) })
	b.Run("first-page-of-1000", func(b *testing.B) { poll(b, "1970-01-01T00:00:00Z", 1000*300) })
	// The manifest lists only versions the encoder writes: each is encoded.
	b.Run("manifest/first-page-of-1000", func(b *testing.B) {
		q, _ := ParseQuery(url.Values{"added_after": {"1970-01-01T00:00:00Z"}})
		b.ReportAllocs()
		for b.Loop() {
			if p, err := c.Manifest(q); err != nil || len(p.Body) < 1000*100 {
				b.Fatalf("page of %d bytes, error %v", len(p.Body), err)
			}
		}
	})
	b.Run("unchanged-refresh", func(b *testing.B) {
		src := new(int)
		_, _ = c.Apply(src, grown, nil, t0.Add(2*time.Minute))
		b.ReportAllocs()
		for b.Loop() {
			if changed, _ := c.Apply(src, grown, nil, t0.Add(3*time.Minute)); changed {
				b.Fatal("changed")
			}
		}
	})
	// A refreshed snapshot (once per cache lifetime, not per poll).
	b.Run("refresh/same-content", func(b *testing.B) {
		again := append([]indicator.Indicator{}, grown...)
		b.ReportAllocs()
		for b.Loop() {
			if changed, _ := c.Apply(new(int), again, nil, t0.Add(3*time.Minute)); changed {
				b.Fatal("changed")
			}
		}
	})
	b.Run("refresh/one-changed", func(b *testing.B) {
		// Every indicator is looked up: alternately one leaves and returns.
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			in := grown
			if i%2 == 0 {
				in = grown[1:]
			}
			i++
			if changed, _ := c.Apply(new(int), in, nil, t0.Add(time.Duration(3+i)*time.Minute)); !changed {
				b.Fatal("unchanged")
			}
		}
	})
	// The same with the circuit breaker's gate: one more pass to count
	// what the refresh keeps before it revokes anything.
	b.Run("refresh/one-changed-gated", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		gate := func(Counts) bool { return false }
		for b.Loop() {
			in := grown
			if i%2 == 0 {
				in = grown[1:]
			}
			i++
			if changed, _, _ := c.ApplyGated(new(int), func() []indicator.Indicator { return in }, nil, t0.Add(time.Duration(3+i)*time.Minute), gate); !changed {
				b.Fatal("unchanged")
			}
		}
	})
	b.Run("full-stix21-bundle", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := stix21.Renderer{}.Render(context.Background(), io.Discard, renderers.Request{Site: "s", Feed: "block", Generated: t0},
				renderers.Slice(grown))
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTAXIIState measures saving and loading the history of a
// 1M-indicator collection (at start-up and after each change).
func BenchmarkTAXIIState(b *testing.B) {
	c := NewCollection(testID)
	if _, err := c.Apply(new(int), benchIndicators(1_000_000, 0), nil, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		b.Fatal(err)
	}
	blob, err := c.MarshalState()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("marshal", func(b *testing.B) {
		b.SetBytes(int64(len(blob)))
		for b.Loop() {
			if _, err := c.MarshalState(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(blob)))
		for b.Loop() {
			if _, err := UnmarshalState(blob, testID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
