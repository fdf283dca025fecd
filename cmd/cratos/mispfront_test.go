package main

import (
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// mispFront serves a MISP emulator on a fixed loopback port that the test
// can take down (connections refused) and bring back.
type mispFront struct {
	sim  *mispsim.Server
	addr string
	mu   sync.Mutex
	srv  *http.Server
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
	m.srv = &http.Server{Handler: m.sim, ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(m.srv)
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
	waitFor(t, "the MISP port to be free again", 5*time.Second, func() bool {
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
