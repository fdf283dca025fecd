package export

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestClearFreesItsCopies: a clear frees the process's copies of the
// cleared lists and snapshots at once, leaves another key's in place, and
// keeps the last good list.
func TestClearFreesItsCopies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	defer srv.Close()
	s := limitsService(Limits{})
	mine, theirs := limitsRequest(srv.URL, "key-one", "1d"), limitsRequest(srv.URL, "key-two", "1d")
	if _, err := s.Get(context.Background(), mine); err != nil {
		t.Fatal(err)
	}
	one := s.arts.Bytes().Local
	oneSnap := s.snaps.Bytes().Local
	if _, err := s.Get(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if err := s.Clear(context.Background(), theirs); err != nil {
		t.Fatal(err)
	}
	if got := s.arts.Bytes().Local; got != one {
		t.Errorf("lists charged %d bytes after the clear, want %d (only the other key's list)", got, one)
	}
	if got := s.snaps.Bytes().Local; got != oneSnap {
		t.Errorf("snapshots charged %d bytes after the clear, want %d", got, oneSnap)
	}
	if _, ok := s.lastGood(s.keysFor(theirs).artifact); !ok {
		t.Error("the cleared list's last good copy was dropped")
	}
	if res, err := s.Get(context.Background(), mine); err != nil || res.Status != Hit {
		t.Errorf("another key's list after the clear: %s %v, want HIT", res.Status, err)
	}
}
