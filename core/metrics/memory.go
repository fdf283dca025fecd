package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
)

var (
	heldDesc = prometheus.NewDesc("cratos_memory_held_bytes",
		"Bytes each in-process store holds, as its budget charges them.", []string{"store"}, nil)
	budgetDesc = prometheus.NewDesc("cratos_memory_budget_bytes",
		"The budget of each in-process store; the most recent last good list and feed snapshot are kept even when alone larger.", []string{"store"}, nil)
)

// memoryHeld exports what the stores of an export.Service hold at scrape
// time.
type memoryHeld func() []export.MemoryUse

// Describe implements prometheus.Collector.
func (h memoryHeld) Describe(ch chan<- *prometheus.Desc) {
	ch <- heldDesc
	ch <- budgetDesc
}

// Collect implements prometheus.Collector.
func (h memoryHeld) Collect(ch chan<- prometheus.Metric) {
	for _, u := range h() {
		ch <- prometheus.MustNewConstMetric(heldDesc, prometheus.GaugeValue, float64(u.Held), u.Store)
		ch <- prometheus.MustNewConstMetric(budgetDesc, prometheus.GaugeValue, float64(u.Budget), u.Store)
	}
}

// WatchMemory exports, at every scrape, what held returns:
// cratos_memory_held_bytes and cratos_memory_budget_bytes by store.
func (m *Metrics) WatchMemory(held func() []export.MemoryUse) error {
	return m.reg.Register(memoryHeld(held))
}
