package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
)

// listLabelNames label every per-list series.
var listLabelNames = []string{"site", "feed", "data_type", "output"}

var (
	lastBuildDesc = prometheus.NewDesc("cratos_feed_last_success_timestamp_seconds",
		"Unix time of the last successful build of a list from MISP.", listLabelNames, nil)
	stalenessDesc = prometheus.NewDesc("cratos_feed_staleness_seconds",
		"Seconds since a list was last built from MISP; grows while MISP fails and the last good list is served.", listLabelNames, nil)
)

// listAges remembers when each list was last built and exports its age
// at scrape time.
type listAges struct {
	now  func() time.Time
	mu   sync.Mutex
	last map[export.ListLabels]time.Time
}

func newListAges(now func() time.Time) *listAges {
	return &listAges{now: now, last: map[export.ListLabels]time.Time{}}
}

func (a *listAges) built(l export.ListLabels) {
	a.mu.Lock()
	a.last[l] = a.now()
	a.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (a *listAges) Describe(ch chan<- *prometheus.Desc) {
	ch <- lastBuildDesc
	ch <- stalenessDesc
}

// Collect implements prometheus.Collector.
func (a *listAges) Collect(ch chan<- prometheus.Metric) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for l, t := range a.last {
		labels := []string{l.Site, l.Feed, l.DataType, l.Output}
		ch <- prometheus.MustNewConstMetric(lastBuildDesc, prometheus.GaugeValue, float64(t.UnixNano())/1e9, labels...)
		ch <- prometheus.MustNewConstMetric(stalenessDesc, prometheus.GaugeValue, now.Sub(t).Seconds(), labels...)
	}
}
