package server_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every route the OpenAPI document marks as needing a token refuses a
// request without one before looking at its parameters (each is "x"
// here): TAXII routes with a TAXII 401 error and a Basic challenge, the
// others with a 403 {"detail"};
// every route it does not mark answers without a token.
func TestAuthFlagDrivesEveryRoute(t *testing.T) {
	h := newHarness(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security []any `json:"security"`
		} `json:"paths"`
	}
	getJSON(t, h, "/v1/openapi.json", &doc)
	param := regexp.MustCompile(`\{[^}]+\}`)
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	authed := 0
	for _, p := range paths {
		for method, op := range doc.Paths[p] {
			method = strings.ToUpper(method)
			path := strings.ReplaceAll(param.ReplaceAllString(p, "x"), "*", "x")
			resp, body := h.do(method, path)
			if len(op.Security) == 0 {
				if resp.StatusCode == 401 || resp.StatusCode == 403 && strings.Contains(body, "token") {
					t.Errorf("%s %s (open) refused without a token: %d %s", method, path, resp.StatusCode, body)
				}
				continue
			}
			authed++
			ct := resp.Header.Get("Content-Type")
			if strings.HasPrefix(p, "/taxii2/") {
				want := `{"title":"Could not validate token, or token not set.","http_status":"401"}`
				if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="cratos"` ||
					ct != "application/taxii+json;version=2.1" || body != want {
					t.Errorf("%s %s: %d %q %s %s, want a TAXII error %s with a Basic challenge", method, path,
						resp.StatusCode, resp.Header.Get("WWW-Authenticate"), ct, body, want)
				}
				continue
			}
			if resp.StatusCode != 403 {
				t.Errorf("%s %s without a token: %d %s, want 403", method, path, resp.StatusCode, body)
				continue
			}
			if detailOf(t, body) != "Could not validate token, or token not set." || ct != "application/json" {
				t.Errorf("%s %s: %s %s, want the detail of a missing token", method, path, ct, body)
			}
		}
	}
	if authed < 20 {
		t.Errorf("only %d routes need a token; the document lost the auth flag", authed)
	}
}
