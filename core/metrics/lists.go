package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/export"
)

// listLabelNames label every per-list series.
var listLabelNames = []string{"site", "feed", "data_type", "output"}

// maxLists bounds the lists whose series are exported, as the service
// bounds its own per-list records: the uuid route names a list per
// organisation a client asks for, so without a bound any token holder
// could add series without end. Past it the least recently built list
// is forgotten.
const maxLists = 10000

// listIdle is how long a list neither built nor asked for keeps its
// series: a list pulled once and never again would otherwise show a
// staleness that grows, and fires the staleness alert, for good.
const listIdle = 24 * time.Hour

var (
	entriesDesc = prometheus.NewDesc("cratos_feed_entries",
		"Indicators in the last list built, by site, feed, data type and output.", listLabelNames, nil)
	invalidDesc = prometheus.NewDesc("cratos_feed_invalid_values",
		"MISP values dropped as invalid in the last list built, by site, feed, data type and output.", listLabelNames, nil)
	lastBuildDesc = prometheus.NewDesc("cratos_feed_last_success_timestamp_seconds",
		"Unix time of the last successful build of a list from MISP.", listLabelNames, nil)
	stalenessDesc = prometheus.NewDesc("cratos_feed_staleness_seconds",
		"Seconds since a list was last built from MISP; grows while MISP fails and the last good list is served.", listLabelNames, nil)
)

// listBuild is what the per-list series say of a list's last build.
type listBuild struct {
	at               time.Time
	entries, invalid int
	// asked is when the list was last asked for (zero: not since built).
	asked time.Time
}

// idleSince is when the list was last built or asked for.
func (b listBuild) idleSince() time.Time {
	if b.asked.After(b.at) {
		return b.asked
	}
	return b.at
}

// listAges remembers the last build of each list and exports its series
// at scrape time: those of the maxLists most recently built lists, of
// the sites still served, built or asked for within listIdle.
type listAges struct {
	now  func() time.Time
	mu   sync.Mutex
	last map[export.ListLabels]listBuild
	// kept is what the guard kept out of each list (guard.go), as
	// bounded as last.
	kept map[export.ListLabels]keptOut
	// siteServed, when set, tells whether a site is configured and
	// enabled: the lists of a site removed or disabled since are
	// forgotten.
	siteServed func(site string) bool
}

func newListAges(now func() time.Time) *listAges {
	return &listAges{now: now, last: map[export.ListLabels]listBuild{}, kept: map[export.ListLabels]keptOut{}}
}

func (a *listAges) built(l export.ListLabels, entries, invalid int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.last[l]; !ok && len(a.last) >= maxLists {
		forgetOldest(a.last, func(b listBuild) time.Time { return b.at })
	}
	a.last[l] = listBuild{at: a.now(), entries: entries, invalid: invalid}
}

// requested records that the list l was asked for; a list never built
// has no series and is not recorded.
func (a *listAges) requested(l export.ListLabels) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b, ok := a.last[l]; ok {
		b.asked = a.now()
		a.last[l] = b
	}
}

// forgetOldest drops the list of m reported least recently.
func forgetOldest[V any](m map[export.ListLabels]V, at func(V) time.Time) {
	var oldest export.ListLabels
	var when time.Time
	first := true
	for l, v := range m {
		if t := at(v); first || t.Before(when) {
			oldest, when, first = l, t, false
		}
	}
	delete(m, oldest)
}

// Describe implements prometheus.Collector.
func (a *listAges) Describe(ch chan<- *prometheus.Desc) {
	ch <- entriesDesc
	ch <- invalidDesc
	ch <- lastBuildDesc
	ch <- stalenessDesc
	ch <- keptOutDesc
}

// Collect implements prometheus.Collector.
func (a *listAges) Collect(ch chan<- prometheus.Metric) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for l, b := range a.last {
		if a.siteServed != nil && !a.siteServed(l.Site) || now.Sub(b.idleSince()) > listIdle {
			delete(a.last, l)
			delete(a.kept, l)
			continue
		}
		labels := []string{l.Site, l.Feed, l.DataType, l.Output}
		ch <- prometheus.MustNewConstMetric(entriesDesc, prometheus.GaugeValue, float64(b.entries), labels...)
		ch <- prometheus.MustNewConstMetric(invalidDesc, prometheus.GaugeValue, float64(b.invalid), labels...)
		ch <- prometheus.MustNewConstMetric(lastBuildDesc, prometheus.GaugeValue, float64(b.at.UnixNano())/1e9, labels...)
		ch <- prometheus.MustNewConstMetric(stalenessDesc, prometheus.GaugeValue, now.Sub(b.at).Seconds(), labels...)
	}
	a.collectKeptOut(ch)
}
