package export

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// A feed view (a TAXII poll) ends within the build timeout, as a list's
// build does: a MISP that never answers within the site's MISP timeout
// makes it a timeout, never a wait bounded only by that timeout per page.
func TestFeedViewEndsWithinTheBuildTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // first: Close waits for the searches held
	s := New(inMemory(Options{BuildTimeout: 2 * time.Second}, "feed view deadline"))
	r := limitsRequest(srv.URL, "k", "10y")
	r.Site.MISPTimeoutSeconds = 600
	done := make(chan error, 1)
	go func() {
		_, err := s.FeedView(context.Background(), r, indicator.SetOf(indicator.IPv4), indicator.LookupDataType)
		done <- err
	}()
	select {
	case err := <-done:
		var me *misp.Error
		if !errors.As(err, &me) || me.Kind != misp.Timeout {
			t.Fatalf("feed view over a MISP that never answers: %v, want a MISP timeout", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the feed view still waited for MISP after a minute, past the 2s build timeout")
	}
}
