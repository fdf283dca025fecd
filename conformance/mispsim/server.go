package mispsim

import (
	"fmt"
	"io"
	"net"
	"net/http"
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
	// "" means DefaultKey. It is the key of user 1 of organisation 1.
	Key string
	// Users are further API users, each with a key of its own: every key
	// reads the same data (but see UnpublishedPrivate), and
	// /users/view/me answers with its user.
	// Several keys of one user (a key rotation) share its ID.
	Users []User
	// UnpublishedPrivate is MISP's setting MISP.unpublishedprivate: an
	// event is seen by users of other organisations than the one owning
	// it (Event.OrgID; /events/add: the writer's) only while published.
	UnpublishedPrivate bool
	// SharingGroups are MISP's sharing groups: the ids of the
	// organisations of each, by group id. An event or attribute with
	// distribution 4 is seen by other organisations than its event's
	// owner only when its sharing_group_id names a group they are in.
	SharingGroups map[int64][]int64
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
	// Now is the emulator's clock, which stamps writes and dates answers
	// (Date); nil means time.Now.
	Now func() time.Time
	// Gzip compresses responses for clients that accept gzip.
	Gzip bool
	// Delay delays every restSearch answer.
	Delay time.Duration
	// UnorderedPlans reads the rows of a paged restSearch without an
	// order MISP applies in a plan chosen per page, as MySQL may for a
	// query without ORDER BY: odd pages in the order of the index on type
	// (type, then id), even pages in id order. Consecutive pages then
	// repeat some attributes and miss others.
	UnorderedPlans bool
	// MemoryLimitMB is the PHP memory_limit of the emulated MISP, in MB:
	// a paged restSearch larger than MemoryLimitMB × MemoryCoefficient
	// attributes is read in pieces of that size, as MISP does, and ends at
	// the first piece that warninglists shorten. 0: no limit.
	MemoryLimitMB int
	// MemoryCoefficient is MISP.default_attribute_memory_coefficient, the
	// attributes read per MB of MemoryLimitMB; 0: MISP's default,
	// AttributesPerMB.
	MemoryCoefficient int
}

// Stats counts what a Server holds.
type Stats struct {
	Events, Attributes, Warninglists int
}

// Server emulates the MISP REST API. It is an http.Handler and is safe for
// concurrent use.
type Server struct {
	opts    Options
	key     []byte
	usersMu sync.RWMutex
	users   []User // users[0] holds Key

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
	s := &Server{opts: opts, key: []byte(opts.Key), st: newStore(), users: append([]User{defaultUser(opts.Key)}, opts.Users...)}
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

// RestartDatabase does to the events table what restarting MySQL before
// 8.0 does: its AUTO_INCREMENT counter starts again above the largest id
// left, so the ids of the newest events deleted since are given again,
// to the next events added. (MySQL 8 and MariaDB keep the counter; the
// emulator otherwise never gives an id twice.) Attribute ids are left as
// they are.
func (s *Server) RestartDatabase() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.maxEventID = 0
	for id := range s.st.eventByID {
		s.st.maxEventID = max(s.st.maxEventID, id)
	}
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
	return Stats{Events: len(s.st.events) - s.st.goneEvents, Attributes: len(s.st.attrs), Warninglists: len(s.st.wls)}
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

const authFailed = "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The web server and PHP of a MISP read one clock: Date is the one
	// writes are stamped with.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
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
		case <-f.Release:
			t.Stop()
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

	u, ok := s.userOf(r)
	if !ok {
		s.send(w, r, errorResponse(http.StatusForbidden, authFailed, r.URL.Path), cut)
		return
	}
	s.send(w, r, s.dispatch(route, r, body, u), cut)
}

// routeOf lower-cases the path (MISP's action names are case-insensitive),
// drops the .json extension and surrounding slashes.
func routeOf(p string) string {
	p = strings.ToLower(strings.Trim(p, "/"))
	return strings.TrimSuffix(p, ".json")
}

func (s *Server) dispatch(route string, r *http.Request, body []byte, u User) response {
	path := r.URL.Path
	parts := strings.Split(route, "/")
	if resp, ok := s.dispatchWrite(parts, r, body, u); ok {
		return resp
	}
	if resp, ok := s.tagsAPI(parts, r, body); ok {
		return resp
	}
	switch {
	case route == "attributes/restsearch":
		return s.restSearch(r, body, u)
	case route == "events/index" || route == "events":
		return s.eventsIndex(r, body, u)
	case route == "servers/getversion":
		return bytesResponse(http.StatusOK, jsonType, versionJSON())
	case route == "servers/getpymispversion":
		return bytesResponse(http.StatusOK, jsonType, []byte(`{"version":"`+Version+`"}`))
	case route == "users/view/me":
		return bytesResponse(http.StatusOK, jsonType, s.userJSON(u))
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
