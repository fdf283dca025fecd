package export

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// heldMISP holds every restSearch, but the first free ones, until opened
// and answers anything else at once; it counts the restSearches, and
// tells of each held one's arrival and of each one whose client closed
// the connection.
type heldMISP struct {
	*httptest.Server
	searches atomic.Int32
	arrived  chan struct{}
	closed   chan struct{}
	release  chan struct{}
	once     sync.Once
}

// heldAnswers is what a heldMISP answers.
type heldAnswers struct {
	body   string // to anything but a held restSearch
	free   int32  // how many restSearches, the first, are not held
	status int    // a held restSearch's error once opened; 0: body
}

// newHeldMISP answers attrsJSON(3), a held restSearch once opened.
func newHeldMISP(t *testing.T) *heldMISP {
	return startHeldMISP(t, heldAnswers{body: attrsJSON(3)})
}

// newFailingMISP answers attrsJSON(3) to anything but a restSearch, and
// fails every restSearch with a 502 once opened.
func newFailingMISP(t *testing.T) *heldMISP {
	return startHeldMISP(t, heldAnswers{body: attrsJSON(3), status: http.StatusBadGateway})
}

func startHeldMISP(t *testing.T, a heldAnswers) *heldMISP {
	m := &heldMISP{arrived: make(chan struct{}, 16), closed: make(chan struct{}, 16), release: make(chan struct{})}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice a closed connection
		if r.URL.Path != "/attributes/restSearch" || m.searches.Add(1) <= a.free {
			_, _ = w.Write([]byte(a.body))
			return
		}
		m.arrived <- struct{}{}
		select {
		case <-m.release:
			if a.status != 0 {
				http.Error(w, "down", a.status)
				return
			}
			_, _ = w.Write([]byte(a.body))
		case <-r.Context().Done():
			m.closed <- struct{}{}
		}
	}))
	t.Cleanup(m.Close)
	t.Cleanup(m.open) // first: Close waits for the searches held
	return m
}

// open lets every restSearch, held or to come, be answered.
func (m *heldMISP) open() { m.once.Do(func() { close(m.release) }) }
