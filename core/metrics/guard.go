package metrics

import (
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

// GuardKeptOut implements export.GuardObserver: one series per list and
// rule, so the lists of different data types never overwrite each other.
// They cover the lists the per-list series do.
func (m *Metrics) GuardKeptOut(l export.ListLabels, dropped map[string]int) {
	m.lists.guardKeptOut(l, dropped)
}
