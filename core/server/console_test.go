package server_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/server"
)

// consoleCSP is what every console page must send: no script at all.
const consoleCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login opens a console session with the harness token in the URL and
// returns the session cookie.
func (h *harness) login(t *testing.T) string {
	t.Helper()
	resp, _ := h.get("/ui/?token=" + url.QueryEscape(h.token))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range resp.Cookies() {
		if c.Name == "cratos_console" {
			return c.Value
		}
	}
	t.Fatal("login set no session cookie")
	return ""
}

// form posts fields with the session cookie, as a browser on the page does.
func (h *harness) form(t *testing.T, path, cookie string, fields url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", h.base+path, strings.NewReader(fields.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", "cratos_console="+cookie)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%.500s", page)
	}
	return m[1]
}

func TestConsoleLogin(t *testing.T) {
	h := newHarness(t, asAdmin())
	other := h.mint(h.claims)

	resp, body := h.get("/ui/")
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/ui/login"`) || resp.Header.Get("Content-Security-Policy") != consoleCSP ||
		resp.Header.Get("X-Frame-Options") == "" || len(resp.Cookies()) != 0 || strings.Contains(body, "<script") {
		t.Errorf("login page: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}

	// Refusals of a token in the URL redirect (console_refused_test.go);
	// in a header they are answered at once.
	resp, body = h.get("/ui/", "token", other)
	if resp.StatusCode != 403 || !strings.Contains(body, "not an admin token") || len(resp.Cookies()) != 0 {
		t.Errorf("a token that is not an admin's: %d %s", resp.StatusCode, body)
	}
	if resp, body = h.get("/ui/", "token", "gAAAAAbad"); resp.StatusCode != 403 || len(resp.Cookies()) != 0 || !strings.Contains(body, "Invalid Base64 string") {
		t.Errorf("a bad token: %d %s", resp.StatusCode, body)
	}

	// The token in the URL opens a session on the page asked for, and the
	// redirect drops it.
	resp, _ = h.get("/ui/consumers?token=" + url.QueryEscape(h.token) + "&x=1")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/consumers" {
		t.Fatalf("token login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	setCookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"cratos_console=", "Path=/ui", "HttpOnly", "Secure", "SameSite=Strict", "max-age="} {
		if !strings.Contains(strings.ToLower(setCookie), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	cookie := resp.Cookies()[0].Value
	if len(cookie) != 43 || strings.Contains(setCookie, h.token) {
		t.Errorf("session id %q is not a random 256-bit id", cookie)
	}
	resp, body = h.get("/ui/consumers", "Cookie", "cratos_console="+cookie)
	if resp.StatusCode != 200 || !strings.Contains(body, "<h1>Consumers</h1>") || strings.Contains(body, h.token) {
		t.Errorf("page with the session: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := h.get("/ui/renderers", "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token))); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/ui/renderers" || len(resp.Cookies()) != 1 {
		t.Errorf("login with Basic credentials: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Basic credentials a browser keeps sending do not log in again.
	if resp, body := h.get("/ui/", "Cookie", "cratos_console="+cookie, "Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token))); resp.StatusCode != 200 ||
		!strings.Contains(body, "<h1>Sites and feeds</h1>") || len(resp.Cookies()) != 0 {
		t.Errorf("page with the session and Basic credentials: %d", resp.StatusCode)
	}
	if resp, _ := h.get("/ui/", "Cookie", "cratos_console=forged"); resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
		t.Errorf("forged cookie: %d", resp.StatusCode)
	}

	// The login form: the token travels in the body.
	resp, _ = h.form(t, "/ui/login", "", url.Values{"token": {h.token}}, "Origin", h.base)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" || len(resp.Cookies()) != 1 {
		t.Errorf("form login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = h.form(t, "/ui/login", "", url.Values{"token": {h.token}}, "Origin", "http://evil.example")
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 || !strings.Contains(body, "another site") {
		t.Errorf("form login from another origin: %d", resp.StatusCode)
	}
	resp, _ = h.form(t, "/ui/login", "", url.Values{"token": {h.token}}, "Sec-Fetch-Site", "cross-site", "Origin", h.base)
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Errorf("form login from a cross-site page: %d", resp.StatusCode)
	}
	resp, _ = h.form(t, "/ui/login", "", url.Values{"token": {h.token}}, "Origin", "null")
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Errorf("form login from an opaque origin: %d", resp.StatusCode)
	}
	resp, _ = h.form(t, "/ui/login", "", url.Values{"token": {other}})
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Errorf("form login with a token that is not an admin's: %d", resp.StatusCode)
	}

	// Logout needs the session's CSRF token.
	_, page := h.get("/ui/", "Cookie", "cratos_console="+cookie)
	csrf := csrfOf(t, page)
	if resp, _ := h.form(t, "/ui/logout", cookie, url.Values{"csrf": {"wrong"}}); resp.StatusCode != 403 {
		t.Errorf("logout with a wrong CSRF token: %d", resp.StatusCode)
	}
	if resp, _ := h.form(t, "/ui/logout", cookie, url.Values{"csrf": {csrf}}, "Origin", "http://evil.example"); resp.StatusCode != 403 {
		t.Errorf("logout from another origin: %d", resp.StatusCode)
	}
	if resp, _ := h.get("/ui/logout", "Cookie", "cratos_console="+cookie); resp.StatusCode != 404 && resp.StatusCode != 405 {
		t.Errorf("GET logout: %d", resp.StatusCode)
	}
	resp, body = h.form(t, "/ui/logout", cookie, url.Values{"csrf": {csrf}})
	if resp.StatusCode != 200 || !strings.Contains(body, "logged out") || !strings.Contains(resp.Header.Get("Set-Cookie"), "cratos_console=;") {
		t.Errorf("logout: %d %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	if _, body := h.get("/ui/consumers", "Cookie", "cratos_console="+cookie); !strings.Contains(body, `action="/ui/login"`) {
		t.Error("the session still works after logout")
	}
}

func TestConsolePages(t *testing.T) {
	h := newHarness(t, asAdmin(), withConsumer("pa-fw-01"))
	h.authed(feedPath, "User-Agent", "PAN-OS <11>")
	cookie := h.login(t)
	page := func(path string) string {
		t.Helper()
		resp, body := h.get(path, "Cookie", "cratos_console="+cookie)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != consoleCSP || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		if strings.Contains(body, h.token) || strings.Contains(body, "<script") || strings.Contains(body, " style=") {
			t.Errorf("%s carries the token, a script or inline style", path)
		}
		return body
	}
	overview := page("/ui/")
	for _, want := range []string{h.site.Name, feedPath, "No holds: every list goes out as built", "Last build from MISP", `role="search"`} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	consumers := page("/ui/consumers")
	for _, want := range []string{"pa-fw-01", "5m0s", feedPath, "PAN-OS &lt;11&gt;", "127.0.0.1"} {
		if !strings.Contains(consumers, want) {
			t.Errorf("consumers page lacks %q", want)
		}
	}
	list := page("/ui/renderers")
	if !strings.Contains(list, `href="/ui/renderers/rpz"`) || !strings.Contains(list, "text/dns") {
		t.Error("renderers page lacks rpz")
	}
	rpz := page("/ui/renderers/rpz")
	if !strings.Contains(rpz, "<h2>rpz — BIND response policy zone</h2>") || !strings.Contains(rpz, "<th>Option</th>") {
		t.Errorf("rpz README not rendered:\n%.2000s", rpz)
	}
	if resp, _ := h.get("/ui/renderers/nope", "Cookie", "cratos_console="+cookie); resp.StatusCode != 404 {
		t.Errorf("unknown renderer: %d", resp.StatusCode)
	}
	if resp, _ := h.get("/ui/console.css"); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d", resp.StatusCode)
	}
}

// fakeGuard is a HoldLister holding what the test gives it.
type fakeGuard struct {
	mu       sync.Mutex
	holds    []server.Hold
	released []string
}

func (g *fakeGuard) Holds() []server.Hold {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]server.Hold(nil), g.holds...)
}

func (g *fakeGuard) Release(id, who string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, h := range g.holds {
		if h.ID == id {
			g.holds = append(g.holds[:i], g.holds[i+1:]...)
			g.released = append(g.released, id+" by "+who)
			return nil
		}
	}
	return errors.New("no such hold")
}

func TestConsoleHoldsAndLookup(t *testing.T) {
	guard := &fakeGuard{holds: []server.Hold{{ID: "h1", List: "block/domain", Reason: "entries fell from 48210 to 3", Since: time.Now().Add(-time.Hour)},
		{ID: "h2", Site: "other.example.net", List: "block/ipv4", Reason: "list would be empty", Since: time.Now()}}}
	var asked []string
	var mu sync.Mutex
	lookup := func(_ context.Context, v string) ([]server.LookupHit, error) {
		mu.Lock()
		asked = append(asked, v)
		mu.Unlock()
		if v == "fail.example" {
			return nil, errors.New("index not ready")
		}
		if v == "none.example" {
			return nil, nil
		}
		return []server.LookupHit{{Site: "misp.example.net", Feed: "block", Type: "domain", Value: v, Note: "event 42"}}, nil
	}
	h := newHarness(t, asAdmin(), func(h *harness) { h.holds, h.lookup, guard.holds[0].Site = guard, lookup, h.site.Name })
	cookie := h.login(t)
	_, page := h.get("/ui/", "Cookie", "cratos_console="+cookie)
	for _, want := range []string{"entries fell from 48210 to 3", `name="id" value="h1"`, `role="search"`, "list would be empty"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(page, `value="h2"`) {
		t.Error("another site's hold has a Release button")
	}
	csrf := csrfOf(t, page)
	// Another site's hold is released by an admin token of that site only,
	// as POST /v1/holds/release.
	h.form(t, "/ui/holds/release", cookie, url.Values{"id": {"h2"}, "csrf": {csrf}})
	if _, page = h.get("/ui/", "Cookie", "cratos_console="+cookie); len(guard.Holds()) != 2 ||
		!strings.Contains(page, "Hold h2 not released: it holds a list of site other.example.net") {
		t.Errorf("release of another site's hold: holds %v\n%s", guard.Holds(), page)
	}
	guard.mu.Lock()
	guard.holds = guard.holds[:1]
	guard.mu.Unlock()
	if resp, _ := h.form(t, "/ui/holds/release", cookie, url.Values{"id": {"h1"}}); resp.StatusCode != 403 || len(guard.Holds()) != 1 {
		t.Errorf("release without CSRF token: %d", resp.StatusCode)
	}
	resp, _ := h.form(t, "/ui/holds/release", cookie, url.Values{"id": {"h1"}, "csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/#holds" {
		t.Fatalf("release: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(guard.released) != 1 || !strings.HasPrefix(guard.released[0], "h1 by admin ") {
		t.Errorf("released %v", guard.released)
	}
	_, page = h.get("/ui/", "Cookie", "cratos_console="+cookie)
	if !strings.Contains(page, "Hold h1 released.") || !strings.Contains(page, "No holds: every list goes out as built.") {
		t.Errorf("after release:\n%s", page)
	}
	if _, page = h.get("/ui/", "Cookie", "cratos_console="+cookie); strings.Contains(page, "Hold h1 released.") {
		t.Error("the message is shown twice")
	}
	h.form(t, "/ui/holds/release", cookie, url.Values{"id": {"h1"}, "csrf": {csrf}})
	if _, page = h.get("/ui/", "Cookie", "cratos_console="+cookie); !strings.Contains(page, "not released: no such hold") {
		t.Errorf("releasing twice:\n%s", page)
	}

	for _, tc := range []struct{ q, want string }{
		{"<b>evil</b>.example", "<td class=\"path\">&lt;b&gt;evil&lt;/b&gt;.example</td>"},
		{"none.example", "No list holds"},
		{"fail.example", "Lookup failed: index not ready"},
		{"   ", "Enter a value"},
	} {
		resp, body := h.form(t, "/ui/lookup", cookie, url.Values{"q": {tc.q}, "csrf": {csrf}})
		if resp.StatusCode != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("lookup %q: %d, want %q in\n%s", tc.q, resp.StatusCode, tc.want, body)
		}
	}
	if len(asked) != 3 {
		t.Errorf("lookups made: %q", asked)
	}
}

// Without a LookupFunc the console's search box asks the export service,
// as GET /v1/lookup does, for the admin token's site and MISP key.
func TestConsoleLookupThroughExport(t *testing.T) {
	h := newHarness(t, asAdmin())
	cookie := h.login(t)
	_, page := h.get("/ui/", "Cookie", "cratos_console="+cookie)
	csrf := csrfOf(t, page)
	resp, body := h.form(t, "/ui/lookup", cookie, url.Values{"q": {"198.51.100.7"}, "csrf": {csrf}})
	if resp.StatusCode != 200 || !strings.Contains(body, "<td>block</td>") || !strings.Contains(body, "listed") {
		t.Errorf("lookup: %d\n%s", resp.StatusCode, body)
	}
}
