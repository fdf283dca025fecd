package metrics

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// maxChildren bounds each table of remembered series. Labels come from
// the route table, the status codes and the renderer names, so a process
// sees far fewer; past the bound a series is looked up as before.
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
	mu       sync.RWMutex
	requests map[requestLabels]prometheus.Counter
	duration map[string]prometheus.Observer
	cache    map[string]prometheus.Counter
}

func newChildren() *children {
	return &children{requests: make(map[requestLabels]prometheus.Counter),
		duration: make(map[string]prometheus.Observer), cache: make(map[string]prometheus.Counter)}
}

// remembered returns m[k], looking it up with get and remembering it the
// first time, while m is under its bound.
func remembered[K comparable, V any](mu *sync.RWMutex, m map[K]V, k K, get func() V) V {
	mu.RLock()
	v, ok := m[k]
	mu.RUnlock()
	if ok {
		return v
	}
	v = get()
	mu.Lock()
	if len(m) < maxChildren {
		m[k] = v
	}
	mu.Unlock()
	return v
}

func (m *Metrics) requestCounter(route string, status int, output string) prometheus.Counter {
	return remembered(&m.children.mu, m.children.requests, requestLabels{route, status, output}, func() prometheus.Counter {
		return m.requests.WithLabelValues(route, strconv.Itoa(status), output)
	})
}

func (m *Metrics) durationObserver(route string) prometheus.Observer {
	return remembered(&m.children.mu, m.children.duration, route, func() prometheus.Observer {
		return m.duration.WithLabelValues(route)
	})
}

func (m *Metrics) cacheCounter(status string) prometheus.Counter {
	return remembered(&m.children.mu, m.children.cache, status, func() prometheus.Counter {
		return m.cache.WithLabelValues(status)
	})
}
