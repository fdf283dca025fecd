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
}

func (m *Metrics) guardVecs() *guardMetrics {
	g := &m.guard
	g.once.Do(func() {
		g.held = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "cratos_list_held",
			Help: "1 while the circuit breaker holds a rebuilt list and the last good one is served."}, []string{"site", "feed", "type", "output"})
		g.keptOut = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "cratos_guard_kept_out",
			Help: "Values the guard kept out of the last list built, by rule."}, []string{"site", "feed", "output", "rule"})
		m.reg.MustRegister(g.held, g.keptOut)
	})
	return g
}

// Held implements export.HoldObserver.
func (m *Metrics) Held(h export.Hold, held bool) {
	v := 0.0
	if held {
		v = 1
	}
	m.guardVecs().held.WithLabelValues(h.Site, h.Feed, h.DataType, h.Output).Set(v)
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
