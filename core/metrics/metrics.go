// Package metrics exposes what Cratos does as Prometheus metrics: requests
// by route, status and output; cache hits, misses and stale answers; MISP
// latency and errors per site; build time, entries and invalid values per
// feed; authentication failures; plugin restarts; the DNS zones' serial,
// rebuilds, transfers and NOTIFYs (zones.go).
//
// Names and types follow the Prometheus conventions (counters end in
// _total, units are seconds, one series per list) and pass
// promtool check metrics.
package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
)

// Metrics holds the collectors of one process. It implements
// export.Observer.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	cache        *prometheus.CounterVec
	mispLatency  *prometheus.HistogramVec
	mispErrors   *prometheus.CounterVec
	buildSeconds *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
	lists        *listAges
	children     *children // children.go
}

// New returns Metrics registered in a fresh registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cratos_http_requests_total",
			Help: "HTTP requests by route, status and output."}, []string{"route", "status", "output"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cratos_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: []float64{.0005, .001, .005, .01, .05, .1, .5, 1, 5, 30}}, []string{"route"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cratos_cache_results_total",
			Help: "Lists served by cache status (HIT, MISS, STALE)."}, []string{"status"}),
		mispLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cratos_misp_fetch_seconds",
			Help: "Time to read a feed from MISP, all pages.", Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"site"}),
		mispErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cratos_misp_errors_total",
			Help: "Failed MISP reads by site and kind."}, []string{"site", "kind"}),
		buildSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cratos_render_seconds",
			Help: "Time to render a list.", Buckets: []float64{.001, .01, .05, .1, .5, 1, 5, 30}}, []string{"site", "output"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cratos_auth_failures_total",
			Help: "Refused requests by HTTP status (401, 403, 429)."}, []string{"status"}),
		lists:    newListAges(time.Now),
		children: newChildren(),
	}
	m.reg.MustRegister(m.requests, m.duration, m.cache, m.mispLatency, m.mispErrors, m.buildSeconds, m.authFailures, m.lists,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// KnowSites has the per-list series, at each scrape, report only the
// lists of sites served says are configured and enabled: the lists of a
// site removed or disabled by a reload would otherwise grow stale in the
// metrics for good.
func (m *Metrics) KnowSites(served func(site string) bool) {
	m.lists.mu.Lock()
	m.lists.siteServed = served
	m.lists.mu.Unlock()
}

// Register adds another collector (a plugin's restart count, say).
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// WatchPlugin exports a plugin's restart count as the counter
// cratos_plugin_restarts_total{plugin="name"}.
func (m *Metrics) WatchPlugin(name string, restarts func() int) error {
	return m.reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name:        "cratos_plugin_restarts_total",
		Help:        "Times a renderer plugin process was started again after a failure.",
		ConstLabels: prometheus.Labels{"plugin": name},
	}, func() float64 { return float64(restarts()) }))
}

// Request records one HTTP request.
func (m *Metrics) Request(route string, status int, output string, d time.Duration) {
	m.requestCounter(route, status, output).Inc()
	m.durationObserver(route).Observe(d.Seconds())
	if status == 401 || status == 403 || status == 429 {
		m.authFailures.WithLabelValues(strconv.Itoa(status)).Inc()
	}
}

// CacheResult implements export.Observer.
func (m *Metrics) CacheResult(status export.Status) { m.cacheCounter(string(status)).Inc() }

// Fetched implements export.Observer.
func (m *Metrics) Fetched(site string, d time.Duration, _ int, err error) {
	if err != nil {
		kind := "other"
		var me *misp.Error
		if errors.As(err, &me) {
			kind = kindName(me.Kind)
		}
		m.mispErrors.WithLabelValues(site, kind).Inc()
		return
	}
	m.mispLatency.WithLabelValues(site).Observe(d.Seconds())
}

// Built implements export.Observer for callers that do not name the data
// type (BuiltList is used otherwise).
func (m *Metrics) Built(site, feed, output string, d time.Duration, entries, invalid int) {
	m.BuiltList(export.ListLabels{Site: site, Feed: feed, Output: output}, d, entries, invalid)
}

// BuiltList implements export.ListObserver: one series per list, so lists
// of different data types never overwrite each other.
func (m *Metrics) BuiltList(l export.ListLabels, d time.Duration, entries, invalid int) {
	m.buildSeconds.WithLabelValues(l.Site, l.Output).Observe(d.Seconds())
	m.lists.built(l, entries, invalid)
}

// RequestedList implements export.RequestObserver: a list asked for keeps
// its series (listIdle), its staleness growing while its builds fail.
func (m *Metrics) RequestedList(l export.ListLabels) { m.lists.requested(l) }

func kindName(k misp.Kind) string {
	switch k {
	case misp.Unreachable:
		return "unreachable"
	case misp.Timeout:
		return "timeout"
	case misp.HTTPStatus:
		return "http_status"
	case misp.AuthFailed:
		return "auth_failed"
	case misp.BadResponse:
		return "bad_response"
	case misp.Canceled:
		return "canceled"
	}
	return "other"
}
