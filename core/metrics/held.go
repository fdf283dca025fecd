package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
)

var listHeldDesc = prometheus.NewDesc("cratos_list_held",
	"1 while the circuit breaker holds a rebuilt list of these labels (of any age) and the last good one is served.",
	[]string{"site", "feed", "type", "output"}, nil)

// heldSeries names one series of cratos_list_held.
type heldSeries struct{ site, feed, dataType, output string }

// heldLists exports cratos_list_held at scrape time from the holds the
// service lists (those of /v1/holds), so a hold released, ended or
// forgotten reads 0 at once. A series once held stays, at 0, for the
// maxLists most recently held, of the sites still served.
type heldLists struct {
	holds func() []export.Hold
	lists *listAges // whose siteServed tells the sites served
	mu    sync.Mutex
	// seen is the scrape each series was last seen held at.
	seen    map[heldSeries]uint64
	scrapes uint64
}

// Describe implements prometheus.Collector.
func (h *heldLists) Describe(ch chan<- *prometheus.Desc) { ch <- listHeldDesc }

// Collect implements prometheus.Collector.
func (h *heldLists) Collect(ch chan<- prometheus.Metric) {
	holds := h.holds()
	h.lists.mu.Lock()
	served := h.lists.siteServed
	h.lists.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.scrapes++
	for _, x := range holds {
		if served == nil || served(x.Site) {
			h.seen[heldSeries{x.Site, x.Feed, x.DataType, x.Output}] = h.scrapes
		}
	}
	for len(h.seen) > maxLists {
		h.forgetOldest()
	}
	for s, last := range h.seen {
		if served != nil && !served(s.site) {
			delete(h.seen, s)
			continue
		}
		v := 0.0
		if last == h.scrapes {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(listHeldDesc, prometheus.GaugeValue, v, s.site, s.feed, s.dataType, s.output)
	}
}

// forgetOldest drops the series held least recently.
func (h *heldLists) forgetOldest() {
	var oldest heldSeries
	first, at := true, uint64(0)
	for s, last := range h.seen {
		if first || last < at {
			oldest, at, first = s, last, false
		}
	}
	delete(h.seen, oldest)
}

// WatchHolds exports, at every scrape, the holds holds returns (the
// service's, as /v1/holds lists them) as cratos_list_held.
func (m *Metrics) WatchHolds(holds func() []export.Hold) error {
	return m.reg.Register(&heldLists{holds: holds, lists: m.lists, seen: map[heldSeries]uint64{}})
}
