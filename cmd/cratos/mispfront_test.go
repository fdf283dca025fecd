package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// mispFront serves a MISP emulator on a fixed loopback port that the test
// can take down (connections refused) and bring back.
type mispFront struct {
	sim  *mispsim.Server
	addr string
	mu   sync.Mutex
	srv  *http.Server

	holdMu sync.Mutex
	hold   *searchHold // set by holdSearches
	each   *eachHold   // set by holdEachSearch
}

// searchHold keeps restSearch requests waiting until released.
type searchHold struct {
	arrived, released chan struct{}
	once              sync.Once // closes arrived
}

// startMISP starts an emulator holding events on a free loopback port.
func startMISP(t testing.TB, events ...mispsim.Event) *mispFront {
	t.Helper()
	sim := misptest.Emulator(t, events...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mispFront{sim: sim, addr: ln.Addr().String()}
	m.serve(ln)
	t.Cleanup(m.down)
	return m
}

// URL is the emulator's base URL.
func (m *mispFront) URL() string { return "http://" + m.addr }

func (m *mispFront) serve(ln net.Listener) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.srv = &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(m.srv)
}

// ServeHTTP passes a request to the emulator, once released when it is a
// restSearch held by holdSearches or holdEachSearch.
func (m *mispFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.holdMu.Lock()
	h, each := m.hold, m.each
	m.holdMu.Unlock()
	if strings.HasSuffix(strings.ToLower(r.URL.Path), "/attributes/restsearch") {
		if h != nil {
			h.once.Do(func() { close(h.arrived) })
			select {
			case <-h.released:
			case <-r.Context().Done():
				return
			}
		}
		if each != nil && !each.wait(r) {
			return
		}
	}
	m.sim.ServeHTTP(w, r)
}

// holdSearches makes restSearch requests wait, as a MISP slow for as long
// as the test needs: arrived is closed when the first one comes, and
// release (also called when the test ends) lets them all through.
func (m *mispFront) holdSearches(t testing.TB) (arrived <-chan struct{}, release func()) {
	h := &searchHold{arrived: make(chan struct{}), released: make(chan struct{})}
	m.holdMu.Lock()
	m.hold = h
	m.holdMu.Unlock()
	release = sync.OnceFunc(func() {
		m.holdMu.Lock()
		m.hold = nil
		m.holdMu.Unlock()
		close(h.released)
	})
	t.Cleanup(release)
	return h.arrived, release
}

// heldSearch is one restSearch request that holdEachSearch keeps waiting.
type heldSearch struct {
	release chan struct{} // closed by the test: the emulator answers
	gone    chan struct{} // closed when the requester closed its connection while held
}

// eachHold hands each restSearch request to the test until it ends.
type eachHold struct {
	held  chan *heldSearch
	ended chan struct{}
}

// wait holds r until the test releases it or ends, and reports whether
// the emulator is to answer it.
func (e *eachHold) wait(r *http.Request) bool {
	// The server watches the connection (r.Context) once the body is read.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s := &heldSearch{release: make(chan struct{}), gone: make(chan struct{})}
	select {
	case e.held <- s:
	case <-e.ended:
		return true
	case <-r.Context().Done():
		return false
	}
	select {
	case <-s.release:
		return true
	case <-e.ended:
		return true
	case <-r.Context().Done():
		close(s.gone)
		return false
	}
}

// holdEachSearch makes each restSearch request wait until the test
// releases it, and sends it on the returned channel as it comes; its gone
// channel tells when the requester closed the connection. Requests still
// held when the test ends are answered.
func (m *mispFront) holdEachSearch(t testing.TB) <-chan *heldSearch {
	e := &eachHold{held: make(chan *heldSearch, 100), ended: make(chan struct{})}
	m.holdMu.Lock()
	m.each = e
	m.holdMu.Unlock()
	t.Cleanup(func() {
		m.holdMu.Lock()
		m.each = nil
		m.holdMu.Unlock()
		close(e.ended)
	})
	return e.held
}

// down closes the listener and every connection: MISP is unreachable.
func (m *mispFront) down() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.srv != nil {
		_ = m.srv.Close()
		m.srv = nil
	}
}

// up listens on the same port again.
func (m *mispFront) up(t testing.TB) {
	t.Helper()
	var ln net.Listener
	testtool.WaitFor(t, "the MISP port to be free again", time.Minute, func() bool {
		var err error
		ln, err = net.Listen("tcp", m.addr)
		return err == nil
	})
	m.serve(ln)
}

// feedEvent is a published event of the site's feed class ("block",
// "alert", "hunt", ...).
func feedEvent(class, info string, attrs ...mispsim.Attribute) mispsim.Event {
	return mispsim.Event{Info: info, Published: true, Tags: []string{procTag + ":incident-classification=" + class}, Attributes: attrs}
}

// idsAttr is a to_ids attribute.
func idsAttr(typ, value string) mispsim.Attribute {
	return mispsim.Attribute{Type: typ, Value: value, ToIDS: true}
}
