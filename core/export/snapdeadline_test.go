package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/renderers"
)

// allFields renders as txt under the name test-all-fields, reading every
// field: its list is built from the snapshot a lookup reads, UUIDs kept.
type allFields struct{ renderers.Renderer }

func (r allFields) Info() renderers.Info {
	info := r.Renderer.Info()
	info.Name, info.Reads = "test-all-fields", 0
	return info
}

// heldLookup starts a snapshot read with no deadline (a console lookup,
// keeping UUIDs: its request r is for the test-all-fields output) of a
// MISP that holds its answer, in a service whose builds time out in 3 s;
// the lookup's error comes on the channel once m is opened.
func heldLookup(t *testing.T) (m *heldMISP, s *Service, r Request, lookup chan error) {
	m = newHeldMISP(t)
	s = New(inMemory(Options{BuildTimeout: 3 * time.Second}, "snapshot deadline"))
	addRenderer(t, s, allFields{txtRenderer()})
	r = limitsRequest(m.URL, "k", "10y")
	r.Output = "test-all-fields"
	lookup = make(chan error, 1)
	go func() {
		_, err := s.Snapshot(context.Background(), r)
		lookup <- err
	}()
	await(t, m.arrived, "read of MISP started by the caller with no deadline")
	return m, s, r, lookup
}

// A list build that joins a MISP read started by a caller with no
// deadline (a console lookup) and reaches its build timeout first ends
// with a MISP timeout, as when it started the read: it ended with the
// bare deadline of its context, which the server answered 500 "internal
// error" for a list with no last good one.
func TestBuildJoiningAReadWithoutDeadlineTimesOutAsMISP(t *testing.T) {
	m, s, r, lookup := heldLookup(t)

	buildTimesOutAsMISP(t, s, r, "the build that joined the read")
	if n := m.searches.Load(); n != 1 {
		t.Fatalf("%d reads of MISP, want the one the build joined", n)
	}
	m.open()
	if err := <-lookup; err != nil {
		t.Fatalf("the caller with no deadline: %v, want the snapshot", err)
	}
}

// A list build of a feed whose MISP read is held by another snapshot of
// it (a console lookup keeping UUIDs, with no deadline) waits for the
// feed's read no longer than its build timeout, and ends with a MISP
// timeout: it waited on the feed's lock past its deadline, holding its
// token's share of the build slots, for as long as the other read took.
func TestBuildWaitingForTheFeedsReadTimesOutAsMISP(t *testing.T) {
	m, s, _, lookup := heldLookup(t)

	r := limitsRequest(m.URL, "k", "10y") // txt: a snapshot without UUIDs, of the same feed
	buildTimesOutAsMISP(t, s, r, "the build waiting for the feed's read")
	m.open()
	if err := <-lookup; err != nil {
		t.Fatalf("the caller with no deadline: %v, want the snapshot", err)
	}
}

// buildTimesOutAsMISP builds r's list, which must end, well within a
// minute, with a MISP timeout of r's site (its 3 s build timeout).
func buildTimesOutAsMISP(t *testing.T, s *Service, r Request, what string) {
	t.Helper()
	built := make(chan error, 1)
	go func() {
		_, err := s.Get(context.Background(), r)
		built <- err
	}()
	select {
	case err := <-built:
		var me *misp.Error
		if !errors.As(err, &me) || me.Kind != misp.Timeout || me.Site != r.Site.Name {
			t.Fatalf("%s: %v (%T), want a MISP timeout of site %s", what, err, err, r.Site.Name)
		}
	case <-time.After(time.Minute):
		t.Fatalf("%s still waited after a minute, past its 3s build timeout", what)
	}
}
