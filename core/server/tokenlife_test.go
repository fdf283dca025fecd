package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

func TestSiteCapsTokenLifetime(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.TokenMaxDays = 365 }))
	// The harness token expires in 2099.
	resp, body := h.authed(feedPath)
	if resp.StatusCode != 403 || !strings.Contains(body, "more than 365 days ahead") {
		t.Errorf("2099 token: %d %s, want 403 naming token_max_days", resp.StatusCode, body)
	}
	short := h.claims
	short.Expires = time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	if resp, body := h.get(feedPath, "token", h.mint(short)); resp.StatusCode != 200 {
		t.Errorf("30-day token: %d %s, want 200", resp.StatusCode, body)
	}
	// Minting for the site past its cap is refused; within it, allowed.
	mint := func(expire string) (int, string) {
		resp, body := h.post("/v1/generate_token_json", "application/json",
			`{"proto":"http","domain":"`+h.claims.Host+`","port":"443","auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"`+expire+`"}`)
		return resp.StatusCode, body
	}
	if code, body := mint("2099-01-01"); code != 422 || !strings.Contains(body, "token_max_days") {
		t.Errorf("minting a 2099 token: %d %s, want 422", code, body)
	}
	if code, body := mint(short.Expires); code != 200 {
		t.Errorf("minting a 30-day token: %d %s, want 200", code, body)
	}
}

func TestSiteCapsTokenLifetimeBracketedHost(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.Name, s.TokenMaxDays = "2001:db8::1", 365 }))
	// The token names the host without brackets, so the site's cap
	// applies however the form spelled it.
	for _, domain := range []string{"2001:db8::1", "[2001:db8::1]"} {
		resp, body := h.post("/v1/generate_token_json", "application/json",
			`{"proto":"https","domain":"`+domain+`","port":"443","auth":"aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD","expire":"2099-01-01"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, "token_max_days") {
			t.Errorf("minting a 2099 token for %s: %d %s, want 422", domain, resp.StatusCode, body)
		}
	}
}
