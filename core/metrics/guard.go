package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/guard"
)

var guardRules = []string{guard.RuleWidePrefix, guard.RuleReserved, guard.RuleNeverBlock, guard.RuleMISPHost, guard.RuleWarninglist, guard.RuleSnortAction, guard.RulePublicSuffix}

// guardMetrics are the guard stage's collectors, registered on first use.
type guardMetrics struct {
	once    sync.Once
	held    *prometheus.GaugeVec
	keptOut *prometheus.GaugeVec

	mu sync.Mutex
	// holds maps each held list's hold id to its series, and heldBy
	// counts the holds of each series: lists of several ages or MISP
	// keys share one.
	holds  map[string]heldSeries
	heldBy map[heldSeries]int
}

// heldSeries names one series of cratos_list_held.
type heldSeries struct{ site, feed, dataType, output string }

func (m *Metrics) guardVecs() *guardMetrics {
	g := &m.guard
	g.once.Do(func() {
		g.held = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "cratos_list_held",
			Help: "1 while the circuit breaker holds a rebuilt list of these labels (of any age) and the last good one is served."}, []string{"site", "feed", "type", "output"})
		g.keptOut = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "cratos_guard_kept_out",
			Help: "Values the guard kept out of the last list built, by rule."}, []string{"site", "feed", "output", "rule"})
		g.holds, g.heldBy = map[string]heldSeries{}, map[heldSeries]int{}
		m.reg.MustRegister(g.held, g.keptOut)
	})
	return g
}

// Held implements export.HoldObserver. A series is 1 while any of its
// lists is held: the end of one hold leaves it at 1 while another goes on.
func (m *Metrics) Held(h export.Hold, held bool) {
	g := m.guardVecs()
	series := heldSeries{h.Site, h.Feed, h.DataType, h.Output}
	g.mu.Lock()
	defer g.mu.Unlock()
	if prev, ok := g.holds[h.ID]; ok && !held {
		delete(g.holds, h.ID)
		if g.heldBy[prev]--; g.heldBy[prev] <= 0 {
			delete(g.heldBy, prev)
		}
		series = prev
	} else if !ok && held {
		g.holds[h.ID] = series
		g.heldBy[series]++
	}
	v := 0.0
	if g.heldBy[series] > 0 {
		v = 1
	}
	g.held.WithLabelValues(series.site, series.feed, series.dataType, series.output).Set(v)
}

// GuardKeptOut implements export.GuardObserver.
func (m *Metrics) GuardKeptOut(site, feed, output string, dropped map[string]int) {
	g := m.guardVecs()
	for _, rule := range guardRules {
		if n, ok := dropped[guard.DropReason(rule)]; ok || g.keptOut.DeleteLabelValues(site, feed, output, rule) {
			g.keptOut.WithLabelValues(site, feed, output, rule).Set(float64(n))
		}
	}
}
