package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A login refused for a token in the URL redirects to /ui/, so the token
// leaves the address bar and the history; the refusal is shown there.
func TestConsoleRefusedURLLoginDropsToken(t *testing.T) {
	h := newHarness(t, asAdmin())
	notAdmin := h.mint(h.claims)
	for _, tc := range []struct {
		name, token, want string
	}{
		{"not an admin token", notAdmin, "This token is not an admin token (admin_tokens)."},
		{"a bad token", "gAAAAAbad", "Invalid Base64 string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.get("/ui/consumers?token=" + url.QueryEscape(tc.token))
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("refused login: %d to %q (Cache-Control %q), want 303 to /ui/\n%s",
					resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"), body)
			}
			var notice string
			for _, c := range resp.Cookies() {
				if c.Name == "cratos_console" {
					t.Errorf("a refused login opened a session")
				}
				if c.Name == "cratos_console_notice" {
					notice = c.Value
					if !c.HttpOnly || !c.Secure || c.Path != "/ui" || c.MaxAge <= 0 || strings.Contains(c.Value, tc.token) {
						t.Errorf("notice cookie %+v", c)
					}
				}
			}
			if notice == "" {
				t.Fatalf("no notice cookie: %v", resp.Header.Values("Set-Cookie"))
			}
			resp, body = h.get("/ui/", "Cookie", "cratos_console_notice="+notice)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) || !strings.Contains(body, `action="/ui/login"`) ||
				strings.Contains(body, tc.token) {
				t.Errorf("page after the redirect: %d\n%s", resp.StatusCode, body)
			}
			cleared := false
			for _, c := range resp.Cookies() {
				cleared = cleared || c.Name == "cratos_console_notice" && c.Value == "" && (c.MaxAge < 0 || c.Expires.Before(time.Now()))
			}
			if !cleared {
				t.Errorf("the notice is not cleared once shown: %v", resp.Header.Values("Set-Cookie"))
			}
		})
	}
	// A notice the server did not write is not shown.
	forged := "VGhpcyBpcyBmb3JnZWQ.AAAA"
	if resp, body := h.get("/ui/", "Cookie", "cratos_console_notice="+forged); resp.StatusCode != 200 || strings.Contains(body, "This is forged") ||
		strings.Contains(body, `class="flash`) {
		t.Errorf("forged notice: %d\n%s", resp.StatusCode, body)
	}
}

// An operator with a session who opens a refused token's URL is told why
// on the page the redirect leads to.
func TestConsoleRefusedURLLoginWithSession(t *testing.T) {
	h := newHarness(t, asAdmin())
	cookie := h.login(t)
	resp, _ := h.get("/ui/?token="+url.QueryEscape(h.mint(h.claims)), "Cookie", "cratos_console="+cookie)
	var notice string
	for _, c := range resp.Cookies() {
		if c.Name == "cratos_console_notice" {
			notice = c.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/" || notice == "" {
		t.Fatalf("refused login: %d to %q, notice %q", resp.StatusCode, resp.Header.Get("Location"), notice)
	}
	resp, body := h.get("/ui/", "Cookie", "cratos_console="+cookie+"; cratos_console_notice="+notice)
	if resp.StatusCode != 200 || !strings.Contains(body, "<h1>Sites and feeds</h1>") || !strings.Contains(body, "This token is not an admin token (admin_tokens).") {
		t.Errorf("page after the redirect: %d\n%s", resp.StatusCode, body)
	}
}
