package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckWantsMISP: check says a site's MISP answers only when MISP
// itself answers its unauthenticated getVersion (its version, or its own
// refusal of a request without a key), as /v1/status does: a 500, a
// login page, a redirect or a proxy's 403 is a server answering, not
// MISP, and check exits 1 for it.
func TestCheckWantsMISP(t *testing.T) {
	const refusal = `{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","url":"\/servers\/getVersion.json"}`
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		answers     bool
	}{
		{"version", 200, "application/json", `{"version":"2.5.2","perm_sync":false}`, true},
		{"MISP refuses a request without a key", 403, "application/json", refusal, true},
		{"internal error", 500, "text/html", "<html><body>Internal Server Error</body></html>", false},
		{"login page", 200, "text/html", "<!DOCTYPE html><html><title>Users - MISP</title><form action=\"/users/login\"></form></html>", false},
		{"redirect to a login", 302, "text/html", "", false},
		{"proxy refusal", 403, "text/html", "<html><body>403 Forbidden</body></html>", false},
		{"JSON without a version", 200, "application/json", `{"status":"ok"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "/users/login")
				}
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(upstream.Close)
			cfg := configWithSite(t, "misp_url: "+upstream.URL+"\n")
			code, stdout, _ := run1("check", "--config", cfg)
			answers := strings.Contains(stdout, "MISP at "+upstream.URL+" answers\n")
			if tc.answers && (code != 0 || !answers) {
				t.Errorf("exit %d, stdout %q\nwant exit 0 and %q", code, stdout, "answers")
			}
			if !tc.answers && (code != 1 || answers || !strings.Contains(stdout, "MISP at "+upstream.URL+" does not answer")) {
				t.Errorf("exit %d, stdout %q\nwant exit 1 and %q", code, stdout, "does not answer")
			}
		})
	}
}
