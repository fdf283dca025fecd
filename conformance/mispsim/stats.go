package mispsim

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"sync/atomic"
)

// Counters is the emulator's count of its own work since it started or
// since the last reset: what MISP would have had to do.
type Counters struct {
	// RestSearchRequests counts requests to /attributes/restSearch.
	RestSearchRequests int64 `json:"restsearch_requests"`
	// AttributesReturned counts the attributes written into restSearch
	// answers (after warninglists dropped theirs).
	AttributesReturned int64 `json:"attributes_returned"`
	// Requests counts all requests, answered or refused.
	Requests int64 `json:"requests"`
	// Paths counts requests by endpoint, ids left out
	// ("/events/edit", not "/events/edit/5"); paths the emulator does not
	// serve count as "other". Endpoints with no request are left out.
	Paths map[string]int64 `json:"paths"`
}

// statPaths are the endpoints counted one by one, as MISP spells them.
var statPaths = [...]string{
	"/attributes/restSearch", "/attributes/add", "/attributes/edit", "/attributes/delete",
	"/attributes/describeTypes", "/attributes/attributeStatistics",
	"/events/add", "/events/edit", "/events/delete", "/events/view", "/events/publish", "/events/unpublish",
	"/events/addTag", "/events/removeTag", "/events/index", "/tags/edit", "/tags/search",
	"/servers/getVersion", "/servers/getPyMISPVersion", "/users/view/me",
	"/warninglists/index", "/warninglists/view", "other",
}

var statIndex = func() map[string]int {
	m := map[string]int{}
	for i, p := range statPaths {
		m[strings.ToLower(strings.TrimPrefix(p, "/"))] = i
	}
	m["users/view"] = m["users/view/me"]
	m["warninglists"] = m["warninglists/index"]
	return m
}()

// counters are the atomics behind Counters.
type counters struct {
	restSearch, attrs, total atomic.Int64
	byPath                   [len(statPaths)]atomic.Int64
}

// count records one request to route (as routeOf gives it).
func (c *counters) count(route string) {
	c.total.Add(1)
	parts := strings.SplitN(route, "/", 3)
	key := parts[0]
	if len(parts) > 1 {
		key += "/" + parts[1]
	}
	i, ok := statIndex[key]
	if !ok {
		i = len(statPaths) - 1
	}
	if key == "attributes/restsearch" {
		c.restSearch.Add(1)
	}
	c.byPath[i].Add(1)
}

// snapshot reads the counters, zeroing them when reset is set.
func (c *counters) snapshot(reset bool) Counters {
	load := func(v *atomic.Int64) int64 {
		if reset {
			return v.Swap(0)
		}
		return v.Load()
	}
	out := Counters{
		RestSearchRequests: load(&c.restSearch), AttributesReturned: load(&c.attrs),
		Requests: load(&c.total), Paths: map[string]int64{},
	}
	for i := range c.byPath {
		if n := load(&c.byPath[i]); n != 0 {
			out.Paths[statPaths[i]] = n
		}
	}
	return out
}

// Counters returns the work counters.
func (s *Server) Counters() Counters { return s.counters.snapshot(false) }

// ResetCounters zeroes the work counters and returns their last values.
func (s *Server) ResetCounters() Counters { return s.counters.snapshot(true) }

// serveStats answers GET /mispsim/stats and POST /mispsim/stats/reset
// (with the API key, never faulted, not counted, not in the request log);
// ok is false for other routes.
func (s *Server) serveStats(route string, r *http.Request) (resp response, ok bool) {
	if route != "mispsim/stats" && route != "mispsim/stats/reset" {
		return response{}, false
	}
	switch {
	case subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), s.key) != 1:
		return errorResponse(http.StatusForbidden, authFailed, r.URL.Path), true
	case route == "mispsim/stats" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		return jsonResponse(http.StatusOK, s.Counters()), true
	case route == "mispsim/stats/reset" && r.Method == http.MethodPost:
		return jsonResponse(http.StatusOK, s.ResetCounters()), true
	}
	return errorResponse(http.StatusMethodNotAllowed, "Method not allowed.", r.URL.Path), true
}
