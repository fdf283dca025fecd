package misptest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// VersionAnswer is what a server at a MISP URL may answer an
// unauthenticated getVersion, and whether MISP itself gave it.
type VersionAnswer struct {
	Name        string
	Status      int
	ContentType string
	Body        string
	FromMISP    bool
}

// mispRefusal is MISP's own answer to a request without a key.
const mispRefusal = `{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","url":"\/servers\/getVersion.json"}`

// VersionAnswers are MISP's answers (its version, its refusal of a
// request without a key) and those of servers that are not MISP serving
// (an error page, a login page or a redirect to one, a proxy's refusal).
var VersionAnswers = []VersionAnswer{
	{"version", 200, "application/json", `{"version":"2.5.2","pymisp_recommended_version":"2.5.2","perm_sync":false}`, true},
	{"MISP refuses a request without a key", 403, "application/json", mispRefusal, true},
	{"internal error", 500, "text/html", "<html><body>Internal Server Error</body></html>", false},
	{"JSON error", 500, "application/json", `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"\/servers\/getVersion.json"}`, false},
	{"login page", 200, "text/html", "<!DOCTYPE html><html><title>Users - MISP</title><form action=\"/users/login\"></form></html>", false},
	{"redirect to a login", 302, "text/html", "", false},
	{"proxy refusal", 403, "text/html", "<html><body>403 Forbidden</body></html>", false},
	{"JSON without a version", 200, "application/json", `{"status":"ok"}`, false},
}

// ServeVersionAnswer serves a on a loopback port, for every path, until
// the test ends, and returns its URL.
func ServeVersionAnswer(t testing.TB, a VersionAnswer) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Status == http.StatusFound {
			w.Header().Set("Location", "/users/login")
		}
		w.Header().Set("Content-Type", a.ContentType)
		w.WriteHeader(a.Status)
		_, _ = w.Write([]byte(a.Body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
