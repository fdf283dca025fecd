package testtool

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// KeySink starts an HTTP server that stands for where a hostile MISP
// redirects: it answers every request with an empty attribute page and
// counts the requests that carried an Authorization header, which must
// stay 0. The server is closed when t ends.
func KeySink(t testing.TB) (url string, leaked *atomic.Int64) {
	t.Helper()
	leaked = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		_, _ = w.Write([]byte(`{"response":{"Attribute":[]}}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, leaked
}
