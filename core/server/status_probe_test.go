package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// TestStatusProbeWantsMISP: /v1/status says a site's MISP is up only
// when MISP itself answers its unauthenticated getVersion (its version,
// or its own refusal of a request without a key), not for any HTTP
// answer: a 500, a login page or a proxy's 403 is not MISP serving.
func TestStatusProbeWantsMISP(t *testing.T) {
	const refusal = `{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","url":"\/servers\/getVersion.json"}`
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        string
	}{
		{"version", 200, "application/json", `{"version":"2.5.2","pymisp_recommended_version":"2.5.2","perm_sync":false}`, "OK"},
		{"MISP refuses a request without a key", 403, "application/json", refusal, "OK"},
		{"internal error", 500, "text/html", "<html><body>Internal Server Error</body></html>", "FAIL"},
		{"JSON error", 500, "application/json", `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"\/servers\/getVersion.json"}`, "FAIL"},
		{"login page", 200, "text/html", "<!DOCTYPE html><html><title>Users - MISP</title><form action=\"/users/login\"></form></html>", "FAIL"},
		{"redirect to a login", 302, "text/html", "", "FAIL"},
		{"proxy refusal", 403, "text/html", "<html><body>403 Forbidden</body></html>", "FAIL"},
		{"JSON without a version", 200, "application/json", `{"status":"ok"}`, "FAIL"},
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
			h := newHarness(t, asAdmin(), withSite(func(s *config.Site) { s.MISPURL = upstream.URL }))
			_, body := h.authed("/v1/status")
			var st struct {
				Sites map[string]struct {
					MISP string `json:"misp"`
				} `json:"sites"`
			}
			if err := json.Unmarshal([]byte(body), &st); err != nil {
				t.Fatal(err)
			}
			if got := st.Sites[h.site.Name].MISP; got != tc.want {
				t.Errorf("misp %q, want %q: %s", got, tc.want, body)
			}
		})
	}
}
