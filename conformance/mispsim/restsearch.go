package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// restSearch answers POST /attributes/restSearch.
func (s *Server) restSearch(r *http.Request, body []byte, u User) response {
	path := r.URL.Path
	if strings.TrimSpace(string(body)) == "" {
		if r.Method == http.MethodGet {
			return errorResponse(http.StatusBadRequest, "Restsearch queries using GET and no parameters are not allowed. If you have passed parameters via a JSON body, make sure you use POST requests.", path)
		}
		return errorResponse(http.StatusBadRequest, "Either specify the search terms in the url, or POST a json with the filter parameters.", path)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return errorResponse(http.StatusMethodNotAllowed, "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request.", path)
	}
	params, _ := doc.(map[string]any)
	if inner, ok := params["request"].(map[string]any); ok {
		params = inner
	}
	if len(params) == 0 {
		return errorResponse(http.StatusBadRequest, "Either specify the search terms in the url, or POST a json with the filter parameters.", path)
	}
	format := strings.TrimSpace(phpString(params["returnFormat"]))
	if !validReturnFormats[format] {
		return errorResponse(http.StatusNotFound, "Invalid output format.", path)
	}

	s.mu.RLock()
	q := s.st.compileSearch(params, s.opts.Now())
	s.hideFrom(q, u)
	var hits []uint64
	if q.enforceWL {
		hits = s.warninglistHits()
	}
	var matched []int32
	if (q.limit > 0 || q.order != nil) && !q.none {
		matched = s.pagedMatches(params, q)
	}
	if q.limit > 0 && q.order == nil && s.opts.UnorderedPlans {
		matched = s.st.unorderedPlan(matched, q.page)
	}
	res := s.st.search(q, hits, matched, s.opts.MemoryLimitMB*s.memoryCoefficient())
	s.mu.RUnlock()
	s.counters.attrs.Add(int64(len(res.spans)))

	count := resultCount(q, res)
	return response{
		status:      http.StatusOK,
		contentType: jsonType,
		headers: [][2]string{
			{"X-Result-Count", strconv.Itoa(count)},
			{"X-Export-Module-Used", "json"},
			{"X-Response-Format", "json"},
			{"X-Skipped-Elements-Count", strconv.Itoa(res.skipped)},
		},
		size:  res.size,
		write: res.writeTo,
	}
}

// memoryCoefficient is the attributes MISP reads per MB of memory_limit.
func (s *Server) memoryCoefficient() int {
	if s.opts.MemoryCoefficient > 0 {
		return s.opts.MemoryCoefficient
	}
	return AttributesPerMB
}

// resultCount is X-Result-Count as MISP's __iteratedFetch counts it: the
// rows the page read, warninglisted ones included, and for a paged search
// read in one go one more when the warninglists left a full page (MISP's
// hint that another may follow) or nothing at all (pageReader).
func resultCount(q *searchQuery, res *searchResult) int {
	if q.limit > 0 {
		return res.count
	}
	return res.fetched
}

// matchCache keeps the matches of a paged query, so that a client paging
// through a large result scans the store once.
type matchCache struct {
	key     string
	gen     uint64
	matched []int32
}

const matchCacheSize = 4

// pagedMatches returns matchAll for a paged or ordered query, sorted as
// q.order says, from the cache when the same filters (limit and page
// aside, times resolved) were seen since the last change. The caller
// holds the read lock.
func (s *Server) pagedMatches(params map[string]any, q *searchQuery) []int32 {
	rest := make(map[string]any, len(params))
	for k, v := range params {
		if k != "limit" && k != "page" {
			rest[k] = v
		}
	}
	b, err := json.Marshal(rest)
	if err != nil {
		return s.st.sortedMatches(q)
	}
	key := fmt.Sprintf("%s|%d|%d|%s|%d", b, q.tsFrom, q.tsTo, q.timeKey, q.viewer)
	gen := s.st.gen
	s.cacheMu.Lock()
	for i, c := range s.cache {
		if c.key == key && c.gen == gen {
			copy(s.cache[1:i+1], s.cache[:i])
			s.cache[0] = c
			s.cacheMu.Unlock()
			return c.matched
		}
	}
	s.cacheMu.Unlock()
	m := s.st.sortedMatches(q)
	s.cacheMu.Lock()
	s.cache = append([]matchCache{{key: key, gen: gen, matched: m}}, s.cache...)
	if len(s.cache) > matchCacheSize {
		s.cache = s.cache[:matchCacheSize]
	}
	s.cacheMu.Unlock()
	return m
}

// warninglistHits returns a bit per attribute, set when the attribute's
// value is on an enabled warninglist that applies to its type. It is
// computed on first use and after every change. The caller holds the read
// lock.
func (s *Server) warninglistHits() []uint64 {
	s.wlMu.Lock()
	defer s.wlMu.Unlock()
	st := s.st
	if s.hits != nil && s.hitsGen == st.gen {
		return s.hits
	}
	if s.wlIx == nil || s.wlGen != st.gen {
		s.wlIx = buildWLIndex(st.wls)
		s.wlGen = st.gen
	}
	ix := s.wlIx
	lists := make([]*typeLists, len(st.typeNames))
	for i, t := range st.typeNames {
		lists[i] = ix.forType(t)
	}
	n := len(st.attrs)
	hits := make([]uint64, (n+63)/64)
	workers := runtime.GOMAXPROCS(0)
	per := ((n+workers-1)/workers + 63) &^ 63 // whole words per worker
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				a := &st.attrs[i]
				if ix.hit(lists[a.typ], st.typeNames[a.typ], a.value) {
					hits[i>>6] |= 1 << (i & 63)
				}
			}
		}(lo, hi)
	}
	wg.Wait()
	s.hits, s.hitsGen = hits, st.gen
	return hits
}
