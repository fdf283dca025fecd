package server_test

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// basicRealm reads a Basic challenge as Python's HTTPBasicAuthHandler
// does: a challenge without a realm is not answered.
var basicRealm = regexp.MustCompile(`(?i)(?:^|,)[ \t]*Basic[ \t]+realm="([^"]*)"`)

// challengeGet requests path as a client that sends its credentials only
// when challenged: first without any, then, after a 401 with a Basic
// challenge that names a realm, with Basic (user cratos, the token). It
// returns the first answer and the second.
func (h *harness) challengeGet(t *testing.T, method, path, token string) (first, second *http.Response, body string) {
	t.Helper()
	first, firstBody := h.do(method, path, "Accept", taxiiAccept)
	if first.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%s %s without credentials: %d %s, want 401", method, path, first.StatusCode, firstBody)
	}
	if method != "HEAD" {
		checkTAXII(t, first, firstBody)
	}
	m := basicRealm.FindStringSubmatch(first.Header.Get("WWW-Authenticate"))
	if m == nil {
		t.Fatalf("%s %s: WWW-Authenticate %q: no Basic challenge with a realm", method, path, first.Header.Get("WWW-Authenticate"))
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+token))
	second, body = h.do(method, path, "Accept", taxiiAccept, "Authorization", basic)
	return first, second, body
}

// A TAXII client built on an HTTP library that sends Basic credentials
// only once challenged gets a 401 with a Basic challenge for a request
// without them, then is served. Those first requests are not failed
// authentications: however many, they never lead to a 429, while a
// refused token is a 403 that still counts.
func TestTAXIIChallengesRequestsWithoutCredentials(t *testing.T) {
	const limit = 3
	h := newHarness(t, withConfig(func(c *config.Config) { c.AuthFailLimit = limit }))
	root := "/taxii2/" + h.site.Name + "/"
	coll := root + "collections/" + taxii.CollectionID(h.site.Name, "block") + "/"
	resp, body := h.taxiiGet(coll + "objects/")
	_, objs := checkTAXII(t, resp, body)
	if len(objs) < 2 {
		t.Fatalf("%d objects", len(objs))
	}
	object := coll + "objects/" + objs[1].ID + "/"
	routes := []struct {
		method, path string
		status       int
	}{
		{"GET", "/taxii2/", 200},
		{"GET", root, 200},
		{"HEAD", root, 200},
		{"GET", root + "collections/", 200},
		{"GET", coll, 200},
		{"GET", coll + "objects/", 200},
		{"GET", object, 200},
		{"GET", object + "versions/", 200},
		{"GET", coll + "manifest/", 200},
		{"GET", root + "status/2d086da7-4bdc-4f91-900e-d77486753710/", 404},
		{"POST", coll + "objects/", 403},
	}
	for round := range 2 {
		for _, rt := range routes {
			first, second, body := h.challengeGet(t, rt.method, rt.path, h.token)
			if got := first.Header.Get("WWW-Authenticate"); got != `Basic realm="cratos"` {
				t.Errorf("%s %s: WWW-Authenticate %q", rt.method, rt.path, got)
			}
			if second.StatusCode != rt.status {
				t.Fatalf("round %d: %s %s with Basic after the challenge: %d %s, want %d", round, rt.method, rt.path, second.StatusCode, body, rt.status)
			}
		}
	}

	// A token that is refused is a 403 and counts, up to a 429.
	bad := h.token[:len(h.token)-4] + "AAAA"
	badBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+bad))
	for i := range limit + 1 {
		want := http.StatusForbidden
		if i == limit {
			want = http.StatusTooManyRequests
		}
		resp, body := h.get(root, "Accept", taxiiAccept, "Authorization", badBasic)
		if resp.StatusCode != want {
			t.Fatalf("refused token %d: %d %s, want %d", i, resp.StatusCode, body, want)
		}
		checkTAXII(t, resp, body)
	}
	// The address past the limit is still challenged, and its good token
	// served.
	if _, second, body := h.challengeGet(t, "GET", root, h.token); second.StatusCode != 200 {
		t.Fatalf("good token after the challenge, past the limit: %d %s", second.StatusCode, body)
	}
}

// A list route keeps the original's 403 for a request without a token:
// devices rely on it.
func TestListRouteWithoutTokenIsNotChallenged(t *testing.T) {
	h := newHarness(t)
	resp, body := h.get(feedPath)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("WWW-Authenticate") != "" ||
		body != `{"detail":"Could not validate token, or token not set."}` {
		t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
}
