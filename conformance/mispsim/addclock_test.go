package mispsim

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// A bulk /attributes/add stamps each attribute when it is saved and the
// event after the last save, as MISP's captureAttribute and then
// unpublishEvent read time() each: on a clock that moves while MISP
// saves, each attribute is stamped after the one before and the event
// after them all; an attribute sent with its own timestamp keeps it.
func TestBulkAddStampsAttributesThenEvent(t *testing.T) {
	t0 := testNow.Unix()
	var ticking atomic.Bool
	var elapsed atomic.Int64
	now := func() time.Time { // a second passes at each reading while ticking
		if ticking.Load() {
			return time.Unix(t0+elapsed.Add(1), 0)
		}
		return time.Unix(t0+elapsed.Load(), 0)
	}
	s := newServer(t, Options{Now: now})
	if _, err := s.AddEvent(Event{ID: 1, Info: "bulk", Timestamp: t0 - 3600}); err != nil {
		t.Fatal(err)
	}
	own := strconv.FormatInt(t0-60, 10)
	body := `[{"type":"ip-dst","value":"192.0.2.1"},{"type":"ip-dst","value":"192.0.2.2"},` +
		`{"type":"ip-dst","value":"192.0.2.3","timestamp":` + own + `},{"type":"ip-dst","value":"192.0.2.4"}]`
	ticking.Store(true)
	rec := call(t, s, http.MethodPost, "/attributes/add/1", body, nil)
	ticking.Store(false)
	if rec.Code != http.StatusOK {
		t.Fatalf("add: %d %s", rec.Code, rec.Body.String())
	}
	ev := viewEvent(t, s, "1")
	stamps := map[string]int64{}
	for _, a := range ev.Attribute {
		stamps[a.Value], _ = strconv.ParseInt(a.Timestamp, 10, 64)
	}
	event, _ := strconv.ParseInt(ev.Timestamp, 10, 64)
	if a1, a2, a3, a4 := stamps["192.0.2.1"], stamps["192.0.2.2"], stamps["192.0.2.3"], stamps["192.0.2.4"]; !(t0 <= a1 && a1 < a2 && a2 < a4 && a4 < event) || a3 != t0-60 {
		t.Errorf("stamped %d, %d, %d (own %s), %d, event %d: want each attribute after the one before, the event after them all",
			a1, a2, a3, own, a4, event)
	}
}
