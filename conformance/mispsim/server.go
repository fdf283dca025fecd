package mispsim

import (
	"bufio"
	"compress/gzip"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultKey is the API key the emulator accepts when Options.Key is empty.
// It is a public demo value: never use it for a real MISP.
const DefaultKey = "MispSimDemoKeyForCratosTestsOnly00000000"

// Version is the MISP version the emulator reports.
const Version = "2.5.1"

// Options configure a Server.
type Options struct {
	// Key is the API key that the Authorization header must carry;
	// "" means DefaultKey.
	Key string
	// DataDir holds MISP event files (*.json) and a warninglists/ folder;
	// when it has a misp-events/ folder, events are read from there. An
	// indicators/ folder supplies values for generated attributes. "" loads
	// nothing.
	DataDir string
	// Generate adds this many generated attributes.
	Generate int
	// GenerateTypes, when set, limits generated attributes to these MISP
	// types (keeping their relative weights), so that one data type's feed
	// can hold all of them.
	GenerateTypes []string
	// Seed makes generation deterministic.
	Seed int64
	// TagPrefix, when set, gives each loaded event the event tag
	// "<prefix>:incident-classification=<class>". Generated events always
	// get one, with prefix "cratos" when TagPrefix is empty.
	TagPrefix string
	// Now is the emulator's clock; nil means time.Now.
	Now func() time.Time
	// Gzip compresses responses for clients that accept gzip.
	Gzip bool
	// Delay delays every restSearch answer.
	Delay time.Duration
}

// Stats counts what a Server holds.
type Stats struct {
	Events, Attributes, Warninglists int
}

// Request is one request as the emulator received it.
type Request struct {
	Time   time.Time
	Method string
	Path   string
	Query  string
	// Header holds the recorded headers only: Authorization, Accept,
	// Accept-Encoding, Content-Type, Content-Encoding and User-Agent.
	Header http.Header
	Body   []byte
}

var recordedHeaders = []string{"Authorization", "Accept", "Accept-Encoding", "Content-Type", "Content-Encoding", "User-Agent"}

// maxRecorded bounds the request log; older entries are dropped first.
const maxRecorded = 10000

// FaultKind names a failure the emulator can simulate.
type FaultKind int

// Fault kinds.
const (
	FaultNone      FaultKind = iota
	FaultSlow                // wait Fault.Delay, then answer normally
	FaultStatus              // answer Fault.Status with MISP's error JSON
	FaultHTML                // answer 200 with an HTML login page
	FaultTruncated           // send the start of the answer, then drop the connection
	FaultReset               // close the connection without answering
)

func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "none"
	case FaultSlow:
		return "slow"
	case FaultStatus:
		return "status"
	case FaultHTML:
		return "html"
	case FaultTruncated:
		return "truncated"
	case FaultReset:
		return "reset"
	}
	if n, ok := hostileName(k); ok {
		return n
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a simulated failure; set it with (*Server).SetFault.
type Fault struct {
	Kind  FaultKind
	Delay time.Duration // FaultSlow
	// Status is the FaultStatus code; 0 means 500.
	Status int
	// After is how many body bytes FaultTruncated sends; 0 or too many
	// means half the body.
	After int64
	// RestSearchOnly limits the fault to /attributes/restSearch.
	RestSearchOnly bool
	// Times limits the fault to that many requests; 0 means until reset.
	Times int
	// Length is the size FaultHugeLength declares and FaultGzipBomb
	// inflates to (default 1 GiB).
	Length int64
	// Location is where FaultRedirect sends the client (scheme://host:port).
	Location string
}

// Server emulates the MISP REST API. It is an http.Handler and is safe for
// concurrent use.
type Server struct {
	opts Options
	key  []byte

	mu sync.RWMutex
	st *store

	wlMu    sync.Mutex
	wlGen   uint64
	wlIx    *wlIndex
	hitsGen uint64
	hits    []uint64

	cacheMu sync.Mutex
	cache   []matchCache // most recent first

	faultMu   sync.Mutex
	fault     Fault
	faultLeft int

	restSearches atomic.Int64
	counters     counters
	reqMu        sync.Mutex
	reqs         []Request

	httpSrv *http.Server
}

// New builds a Server and loads its data.
func New(opts Options) (*Server, error) {
	if opts.Key == "" {
		opts.Key = DefaultKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, key: []byte(opts.Key), st: newStore()}
	if opts.DataDir != "" {
		if err := s.loadDir(opts.DataDir); err != nil {
			return nil, err
		}
	}
	if opts.Generate > 0 {
		if err := s.generate(opts.Generate); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// AddEvent stores an event with its attributes and returns its id.
func (s *Server) AddEvent(ev Event) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addEvent(ev, s.opts.Now().Unix())
}

// AddWarninglist stores an enabled (unless w.Disabled) warninglist and
// returns its id.
func (s *Server) AddWarninglist(w Warninglist) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addWarninglist(w)
}

// Stats reports how many events, attributes and warninglists are loaded.
func (s *Server) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Stats{Events: len(s.st.events), Attributes: len(s.st.attrs), Warninglists: len(s.st.wls)}
}

// SetFault makes the emulator fail as f says; SetFault(Fault{}) restores
// normal service.
func (s *Server) SetFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.fault = f
	s.faultLeft = f.Times
}

func (s *Server) takeFault(restSearch bool) Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.fault
	if f.Kind == FaultNone || f.RestSearchOnly && !restSearch {
		return Fault{}
	}
	if f.Times > 0 {
		s.faultLeft--
		if s.faultLeft <= 0 {
			s.fault = Fault{}
		}
	}
	return f
}

// RestSearchCount returns how many restSearch requests arrived.
func (s *Server) RestSearchCount() int64 { return s.restSearches.Load() }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// ResetRequests empties the request log and the restSearch counter.
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.reqs = nil
	s.restSearches.Store(0)
}

// Start serves on addr ("" means 127.0.0.1:0) and returns the base URL,
// e.g. "http://127.0.0.1:40123". Tests may instead wrap the Server in
// httptest.NewServer.
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("mispsim: listen: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.httpSrv = srv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // Serve returns when Close is called
	return "http://" + ln.Addr().String(), nil
}

// Close stops the listener opened by Start and drops open connections.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpSrv
	s.httpSrv = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// response is an answer ready to send.
type response struct {
	status      int
	contentType string
	headers     [][2]string
	size        int64
	write       func(io.Writer) error
}

const jsonType = "application/json; charset=UTF-8"

func bytesResponse(status int, contentType string, body []byte) response {
	return response{
		status: status, contentType: contentType, size: int64(len(body)),
		write: func(w io.Writer) error { _, err := w.Write(body); return err },
	}
}

// errorResponse is MISP's JSON error body.
func errorResponse(status int, msg, url string) response {
	b := append([]byte(`{"name":`), appendJSONString(nil, msg)...)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, msg)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, url)
	b = append(b, '}')
	return bytesResponse(status, jsonType, b)
}

const authFailed = "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := routeOf(r.URL.Path)
	if resp, ok := s.serveStats(route, r); ok {
		s.send(w, r, resp, -1)
		return
	}
	s.counters.count(route)
	isSearch := route == "attributes/restsearch"
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	s.record(r, body, isSearch)

	f := s.takeFault(isSearch)
	if isSearch && !s.searchDelay(r) {
		return
	}
	if s.serveHostile(w, r, f, body) {
		return
	}
	switch f.Kind {
	case FaultSlow:
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	case FaultStatus:
		code := f.Status
		if code == 0 {
			code = http.StatusInternalServerError
		}
		msg := http.StatusText(code)
		if code >= 500 {
			msg = "An Internal Error Has Occurred."
		}
		s.send(w, r, errorResponse(code, msg, r.URL.Path), -1)
		return
	case FaultHTML:
		s.send(w, r, bytesResponse(http.StatusOK, "text/html; charset=UTF-8", []byte(loginPage)), -1)
		return
	case FaultReset:
		resetConn(w)
		return
	}
	cut := int64(-1)
	if f.Kind == FaultTruncated {
		cut = f.After
	}

	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), s.key) != 1 {
		s.send(w, r, errorResponse(http.StatusForbidden, authFailed, r.URL.Path), cut)
		return
	}
	s.send(w, r, s.dispatch(route, r, body), cut)
}

// routeOf lower-cases the path (MISP's action names are case-insensitive),
// drops the .json extension and surrounding slashes.
func routeOf(p string) string {
	p = strings.ToLower(strings.Trim(p, "/"))
	return strings.TrimSuffix(p, ".json")
}

func (s *Server) dispatch(route string, r *http.Request, body []byte) response {
	path := r.URL.Path
	parts := strings.Split(route, "/")
	if resp, ok := s.dispatchWrite(parts, r, body); ok {
		return resp
	}
	switch {
	case route == "attributes/restsearch":
		return s.restSearch(r, body)
	case route == "servers/getversion":
		return bytesResponse(http.StatusOK, jsonType, versionJSON())
	case route == "servers/getpymispversion":
		return bytesResponse(http.StatusOK, jsonType, []byte(`{"version":"`+Version+`"}`))
	case route == "users/view/me":
		return bytesResponse(http.StatusOK, jsonType, s.userJSON())
	case route == "attributes/describetypes":
		return bytesResponse(http.StatusOK, jsonType, s.describeTypesJSON())
	case parts[0] == "attributes" && len(parts) >= 2 && parts[1] == "attributestatistics":
		kind, pct := "type", false
		if len(parts) > 2 {
			kind = parts[2]
		}
		if len(parts) > 3 {
			pct = parts[3] != "" && parts[3] != "0" && parts[3] != "false"
		}
		if kind != "type" && kind != "category" {
			return errorResponse(http.StatusMethodNotAllowed, "Invalid type requested.", path)
		}
		return bytesResponse(http.StatusOK, jsonType, s.statisticsJSON(kind == "category", pct))
	case route == "warninglists" || route == "warninglists/index":
		return bytesResponse(http.StatusOK, jsonType, s.warninglistIndexJSON())
	case len(parts) == 3 && parts[0] == "warninglists" && parts[1] == "view":
		id, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return errorResponse(http.StatusNotFound, "Invalid ID.", path)
		}
		b := s.warninglistViewJSON(id)
		if b == nil {
			return errorResponse(http.StatusNotFound, "Warninglist not found.", path)
		}
		return bytesResponse(http.StatusOK, jsonType, b)
	}
	return errorResponse(http.StatusNotFound, "Not Found", path)
}

func (s *Server) record(r *http.Request, body []byte, isSearch bool) {
	req := Request{
		Time: s.opts.Now(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Header: http.Header{}, Body: body,
	}
	for _, h := range recordedHeaders {
		if v, ok := r.Header[h]; ok {
			req.Header[h] = append([]string(nil), v...)
		}
	}
	s.reqMu.Lock()
	if len(s.reqs) >= maxRecorded {
		s.reqs = append(s.reqs[:0], s.reqs[len(s.reqs)-maxRecorded+1:]...)
	}
	s.reqs = append(s.reqs, req)
	if isSearch {
		s.restSearches.Add(1)
	}
	s.reqMu.Unlock()
}

// restSearch answers POST /attributes/restSearch.
func (s *Server) restSearch(r *http.Request, body []byte) response {
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
	var hits []uint64
	if q.enforceWL {
		hits = s.warninglistHits()
	}
	var matched []int32
	if q.limit > 0 && !q.none {
		matched = s.pagedMatches(params, q)
	}
	res := s.st.search(q, hits, matched)
	s.mu.RUnlock()
	s.counters.attrs.Add(int64(len(res.spans)))

	count := res.fetched
	if q.limit > 0 && res.fetched == q.limit {
		count++ // MISP's hint that another page may follow
	}
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

// matchCache keeps the matches of a paged query, so that a client paging
// through a large result scans the store once.
type matchCache struct {
	key     string
	gen     uint64
	matched []int32
}

const matchCacheSize = 4

// pagedMatches returns matchAll for a paged query, from the cache when the
// same filters (limit and page aside, times resolved) were seen since the
// last change. The caller holds the read lock.
func (s *Server) pagedMatches(params map[string]any, q *searchQuery) []int32 {
	rest := make(map[string]any, len(params))
	for k, v := range params {
		if k != "limit" && k != "page" {
			rest[k] = v
		}
	}
	b, err := json.Marshal(rest)
	if err != nil {
		return s.st.matchAll(q)
	}
	key := fmt.Sprintf("%s|%d|%d|%s", b, q.tsFrom, q.tsTo, q.timeKey)
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
	m := s.st.matchAll(q)
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

var errCut = errors.New("mispsim: body cut on purpose")

// cutWriter passes the first left bytes and then fails.
type cutWriter struct {
	w    io.Writer
	left int64
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errCut
	}
	if int64(len(p)) > c.left {
		n, _ := c.w.Write(p[:c.left])
		c.left = 0
		return n, errCut
	}
	n, err := c.w.Write(p)
	c.left -= int64(n)
	return n, err
}

var bufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}

// send writes a response: gzip-compressed when enabled and accepted, cut
// after cut bytes when cut >= 0 (the FaultTruncated case).
func (s *Server) send(w http.ResponseWriter, r *http.Request, resp response, cut int64) {
	h := w.Header()
	h.Set("Content-Type", resp.contentType)
	for _, kv := range resp.headers {
		h.Set(kv[0], kv[1])
	}
	gz := s.opts.Gzip && acceptsGzip(r.Header.Values("Accept-Encoding"))
	if gz {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	} else {
		h.Set("Content-Length", strconv.FormatInt(resp.size, 10))
	}
	w.WriteHeader(resp.status)
	if r.Method == http.MethodHead {
		return
	}
	var out io.Writer = w
	if cut >= 0 {
		if cut == 0 || cut >= resp.size {
			cut = resp.size / 2
		}
		out = &cutWriter{w: w, left: cut}
	}
	bw := bufPool.Get().(*bufio.Writer)
	bw.Reset(out)
	var dst io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		dst = zw
	}
	err := resp.write(dst)
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	bufPool.Put(bw)
	if cut >= 0 {
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	_ = err // the client went away; nothing more to do
}

func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			params = strings.ReplaceAll(params, " ", "")
			if q, ok := strings.CutPrefix(params, "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					return false
				}
			}
			return true
		}
	}
	return false
}

// resetConn closes the client's connection without an answer, with a TCP
// reset where possible.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// loginPage is what a captive portal or an expired SSO session returns
// instead of JSON.
const loginPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Users - MISP</title></head>
<body>
<div id="login-form">
<h1>Please log in</h1>
<form action="/users/login" method="post">
<label for="UserEmail">Email</label><input name="data[User][email]" type="email" id="UserEmail">
<label for="UserPassword">Password</label><input name="data[User][password]" type="password" id="UserPassword">
<button type="submit">Login</button>
</form>
</div>
</body>
</html>
`
