package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/guard"
)

var guardRules = []string{guard.RuleWidePrefix, guard.RuleReserved, guard.RuleNeverBlock, guard.RuleMISPHost, guard.RuleWarninglist, guard.RuleSnortAction, guard.RulePublicSuffix}

var keptOutDesc = prometheus.NewDesc("cratos_guard_kept_out",
	"Values the guard kept out of the last list built, by site, feed, data type, output and rule.",
	[]string{"site", "feed", "data_type", "output", "rule"}, nil)

// keptOut is what the guard kept out of a list's last build, by rule. A
// rule once counted stays, at 0, rather than its series vanishing.
type keptOut struct {
	at     time.Time
	byRule map[string]int
}

// guardKeptOut records what the guard kept out of the list l.
func (a *listAges) guardKeptOut(l export.ListLabels, dropped map[string]int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	prev, ok := a.kept[l]
	var byRule map[string]int
	for _, rule := range guardRules {
		n, counted := dropped[guard.DropReason(rule)]
		if _, had := prev.byRule[rule]; counted || had {
			if byRule == nil {
				byRule = map[string]int{}
			}
			byRule[rule] = n
		}
	}
	if byRule == nil {
		return // nothing kept out, ever: no series
	}
	if !ok && len(a.kept) >= maxLists {
		forgetOldest(a.kept, func(k keptOut) time.Time { return k.at })
	}
	a.kept[l] = keptOut{at: a.now(), byRule: byRule}
}

// collectKeptOut sends the cratos_guard_kept_out series; a.mu is held.
func (a *listAges) collectKeptOut(ch chan<- prometheus.Metric) {
	for l, k := range a.kept {
		if a.siteServed != nil && !a.siteServed(l.Site) {
			delete(a.kept, l)
			continue
		}
		for _, rule := range guardRules {
			if n, ok := k.byRule[rule]; ok {
				ch <- prometheus.MustNewConstMetric(keptOutDesc, prometheus.GaugeValue, float64(n), l.Site, l.Feed, l.DataType, l.Output, rule)
			}
		}
	}
}

// guardMetrics are the guard stage's collectors, registered on first use.
type guardMetrics struct {
	once sync.Once
	held *prometheus.GaugeVec

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
		g.holds, g.heldBy = map[string]heldSeries{}, map[heldSeries]int{}
		m.reg.MustRegister(g.held)
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

// GuardKeptOut implements export.GuardObserver: one series per list and
// rule, so the lists of different data types never overwrite each other.
// They cover the lists the per-list series do.
func (m *Metrics) GuardKeptOut(l export.ListLabels, dropped map[string]int) {
	m.lists.guardKeptOut(l, dropped)
}
