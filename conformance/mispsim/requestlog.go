package mispsim

import (
	"net/http"
	"time"
)

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
