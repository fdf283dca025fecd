package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/cache"
)

// maxChildren bounds each table of remembered series. Labels come from
// the route table, the status codes and the renderer names, so a process
// sees far fewer; a full table is emptied and the series looked up again.
const maxChildren = 1024

// requestLabels names one series of cratos_http_requests_total.
type requestLabels struct {
	route  string
	status int
	output string
}

// children remembers the series of the per-request metrics, so that a
// request hashes no label values and formats no status code.
type children struct {
	requests *cache.Memo[requestLabels, prometheus.Counter]
	duration *cache.Memo[string, prometheus.Observer]
	cache    *cache.Memo[string, prometheus.Counter]
}

func newChildren() *children {
	return &children{requests: cache.NewMemo[requestLabels, prometheus.Counter](maxChildren),
		duration: cache.NewMemo[string, prometheus.Observer](maxChildren), cache: cache.NewMemo[string, prometheus.Counter](maxChildren)}
}

func (m *Metrics) requestCounter(route string, status int, output string) prometheus.Counter {
	return m.children.requests.GetOrPut(requestLabels{route, status, output}, func() prometheus.Counter {
		return m.requests.WithLabelValues(route, strconv.Itoa(status), output)
	})
}

func (m *Metrics) durationObserver(route string) prometheus.Observer {
	return m.children.duration.GetOrPut(route, func() prometheus.Observer {
		return m.duration.WithLabelValues(route)
	})
}

func (m *Metrics) cacheCounter(status string) prometheus.Counter {
	return m.children.cache.GetOrPut(status, func() prometheus.Counter {
		return m.cache.WithLabelValues(status)
	})
}
