package export

import (
	"log/slog"
	"testing"
)

// Ending a hold ends that hold only: one recorded for the same list
// since it was read (a build of the list holding it again while a reload
// or another build ended the former one) stays listed and served. The
// hold the list had now was dropped, whichever it was, so the new hold
// vanished and the next build compared with nothing held.
func TestEndHoldLeavesAHoldRecordedSince(t *testing.T) {
	svc := New(inMemory(Options{Logger: slog.New(slog.DiscardHandler)}, t.Name()))
	const key = "list"
	former := &holdState{Hold: Hold{ID: "former", Site: "s", Current: 10}}
	if !svc.guard.replaceHold(key, nil, false, former) {
		t.Fatal("former hold not recorded")
	}
	later := &holdState{Hold: Hold{ID: "later", Site: "s", Current: 5}}
	if !svc.guard.replaceHold(key, former, false, later) {
		t.Fatal("later hold not recorded")
	}
	svc.endHold(key, former, former.Current)
	if h := svc.Holds(""); len(h) != 1 || h[0].ID != "later" {
		t.Fatalf("holds after ending the former one: %+v, want the later one", h)
	}
	svc.endHold(key, later, later.Current)
	if h := svc.Holds(""); len(h) != 0 {
		t.Fatalf("holds after ending the list's: %+v", h)
	}
}
