package export

import (
	"bytes"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// The circuit breaker's settings decide whether a rebuilt list replaces
// the last good one, not what a list may hold: after a restart that
// changes only them, with MISP down, the list last served is still served
// STALE, as after any change that keeps nothing more out.
func TestBreakerChangeAfterRestartServesFormerList(t *testing.T) {
	off := false
	for _, tc := range []struct {
		name   string
		change func(*config.Guard)
	}{
		{"hold_drop_percent", func(g *config.Guard) { g.HoldDropPercent = 90 }},
		{"hold_min_entries", func(g *config.Guard) { g.HoldMinEntries = 5 }},
		{"circuit_breaker", func(g *config.Guard) { g.CircuitBreaker = &off }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good, res, err := guardChangedAfterRestart(t, func(_ Result, g *config.Guard) { tc.change(g) })
			if err != nil {
				t.Fatalf("MISP down after a change of %s only: %v; want the former list STALE", tc.name, err)
			}
			if res.Status != Stale || !bytes.Equal(res.Body, good.Body) {
				t.Fatalf("status %s, body\n%s\nwant STALE and the former list:\n%s", res.Status, res.Body, good.Body)
			}
		})
	}
}
