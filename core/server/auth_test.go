package server_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

const feedPath = "/v1/feed/block/type/ipv4/age/1y/output/txt"

func detailOf(t *testing.T, body string) string {
	t.Helper()
	var d struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("body %q is not {\"detail\": string}: %v", body, err)
	}
	return d.Detail
}

// foreignToken is a well-formed token for http://127.0.0.1:8443 (key "k"
// × 40, expiring 2099-01-01) minted by `cratos token mint` under another
// encryption key ("F" × 64) and salt ("s" × 32) than the harness's. It is a
// constant because deriving a second key takes many seconds under the race
// detector.
const foreignToken = "gAAAAABrEWtkiWYyX-2LgfMsnG4IYKbIy8Ir0Y9-NXfIZQ0gcHNUNSmn78xMWRqNLRMpq4NPII3kG-3_ZfqqmAGFY9riNz-fjBAbv5IL5tYoJy4O8R-fvhRzKnR8z32nBIxaiOvYR0BNMjwfOcVBzo-ekk6OgVTxj7wCOMmojrQk5AB8sytw-Fc="

func TestAuthFailures(t *testing.T) {
	h := newHarness(t)
	expired := h.claims
	expired.Expires = "2020-01-01"
	unknownSite := h.claims
	unknownSite.Host = "no-such-site.example"
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		detail  string
	}{
		{"no token", feedPath, nil, 403, "Could not validate token, or token not set."},
		{"not base64", feedPath, []string{"token", "abc"}, 403, "Invalid Base64 string in use for token."},
		{"base64 but not a token", feedPath, []string{"token", "abcd"}, 403, "Unknown error in CheckApiToken"},
		{"other key", feedPath, []string{"token", foreignToken}, 403, "Unknown error in CheckApiToken"},
		{"expired", feedPath, []string{"token", h.mint(expired)}, 403, "The security token has expired."},
		{"no site file", feedPath, []string{"token", h.mint(unknownSite)}, 403, "Token config file not found"},
		{"token with junk appended", feedPath, []string{"token", h.token + "!"}, 403, "Invalid Base64 string in use for token."},
		{"malformed basic", feedPath, []string{"Authorization", "Basic !!!"}, 401, "Invalid authentication credentials"},
		{"bad params, bad token", "/v1/feed/foo/type/ipv4/age/7x/output/txt", []string{"token", "abc"}, 403, "Invalid Base64 string in use for token."},
		{"bad params, no token", "/v1/feed/block/type/ipv4/age/1y/output/txt?cache=0", nil, 403, "Could not validate token, or token not set."},
		{"basic cratos user", feedPath, []string{"Authorization", basic("cratos", h.token)}, 200, ""},
		{"basic split token", feedPath, []string{"Authorization", basic(h.token[:90], h.token[90:])}, 200, ""},
		{"query wins over header", feedPath + "?token=" + h.token, []string{"token", "abc"}, 200, ""},
		{"basic overrides query", feedPath + "?token=abc", []string{"Authorization", basic("cratos", h.token)}, 200, ""},
		{"header token", feedPath, []string{"token", h.token}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.get(tc.path, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") != "Basic" {
				t.Errorf("401 without WWW-Authenticate: Basic")
			}
			if tc.detail != "" {
				if got := detailOf(t, body); got != tc.detail {
					t.Errorf("detail %q, want %q", got, tc.detail)
				}
			}
		})
	}
}

func TestRevokedToken(t *testing.T) {
	h := newRevokedHarness(t)
	for _, tc := range []struct {
		name, token, detail string
	}{
		{"revoked token", h.token, "The provided API token is blacklisted and cannot be used."},
		{"revoked token with ! appended", h.token + "!", "Invalid Base64 string in use for token."},
		{"revoked token with = appended", h.token + "=", "Invalid Base64 string in use for token."},
		{"revoked token with a dot inserted", h.token[:10] + "." + h.token[10:], "Invalid Base64 string in use for token."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.get(feedPath, "token", tc.token)
			if resp.StatusCode != 403 || detailOf(t, body) != tc.detail {
				t.Errorf("got %d %s, want 403 %q", resp.StatusCode, body, tc.detail)
			}
		})
	}
}

// newRevokedHarness returns a harness whose own token is revoked through
// the site file, as an operator would do it.
func newRevokedHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.changeSite(t, "blacklisted_api_tokens:\n  - %FP%\n", true)
	return h
}

func TestAllowList(t *testing.T) {
	tests := []struct {
		name    string
		site    func(*config.Site)
		cfg     func(*config.Config)
		headers []string
		status  int
		detail  string
	}{
		{"peer outside the lists", func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} },
			func(c *config.Config) { c.AlwaysAllowedIPs = nil }, nil, 403, "127.0.0.1 are not allowed to access the MISP instance."},
		{"forged X-Forwarded-For from an untrusted peer", func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} },
			func(c *config.Config) { c.AlwaysAllowedIPs = nil }, []string{"X-Forwarded-For", "192.0.2.1"}, 403, "127.0.0.1 are not allowed to access the MISP instance."},
		{"trusted proxy forwards an allowed client", func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} },
			func(c *config.Config) {
				c.AlwaysAllowedIPs = nil
				c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
			}, []string{"X-Forwarded-For", "192.0.2.1"}, 200, ""},
		{"trusted proxy, client spoofs the left-most hop", func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} },
			func(c *config.Config) {
				c.AlwaysAllowedIPs = nil
				c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")}
			}, []string{"X-Forwarded-For", "192.0.2.1, 198.51.100.99"}, 403, "198.51.100.99 are not allowed to access the MISP instance."},
		{"global list", func(s *config.Site) { s.AllowedIPs = nil }, nil, nil, 200, ""},
		{"disabled site", func(s *config.Site) { f := false; s.Enabled = &f }, nil, nil, 403, "site disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := []harnessOption{withSite(tc.site)}
			if tc.cfg != nil {
				opts = append(opts, withConfig(tc.cfg))
			}
			h := newHarness(t, opts...)
			resp, body := h.authed(feedPath, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			if tc.detail != "" && detailOf(t, body) != tc.detail {
				t.Errorf("detail %q, want %q", detailOf(t, body), tc.detail)
			}
		})
	}
}

func TestParameterErrors(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, path string
		status     int
		loc        string
	}{
		{"unknown feed", "/v1/feed/foo/type/ipv4/age/1y/output/txt", 422, "feedName"},
		{"unknown data type", "/v1/feed/block/type/ipv9/age/1y/output/txt", 422, "dataType"},
		{"bad age", "/v1/feed/block/type/ipv4/age/7x/output/txt", 422, "dataAge"},
		{"age over ten years", "/v1/feed/block/type/ipv4/age/11y/output/txt", 422, "dataAge"},
		{"cache zero", feedPath + "?cache=0", 422, "cache"},
		{"cache too large", feedPath + "?cache=86401", 422, "cache"},
		{"cache not a number", feedPath + "?cache=x", 422, "cache"},
		{"bad org uuid", "/v1/uuid/not-a-uuid/type/ipv4/age/1y/output/txt", 422, "orgUUID"},
		{"unknown vendor", "/v1/vendor/acme/feed/block/type/ipv4/age/1y", 422, "vendorName"},
		{"warninglist id out of range", "/v1/warninglist/id/1001/output/txt", 422, "warninglistId"},
		{"warninglist bad output", "/v1/warninglist/id/1/output/csv", 422, "returnedDataType"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.authed(tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			var d struct {
				Detail []struct {
					Loc []string `json:"loc"`
				} `json:"detail"`
			}
			if err := json.Unmarshal([]byte(body), &d); err != nil || len(d.Detail) == 0 || d.Detail[0].Loc[1] != tc.loc {
				t.Errorf("body %s does not name %s", body, tc.loc)
			}
		})
	}
	for _, tc := range []struct {
		name, path string
		status     int
		contains   string
	}{
		{"unconfigured custom feed", "/v1/feed/cust3/type/ipv4/age/1y/output/txt", 404, `feed \"cust3\"`},
		{"unknown output lists the valid ones", "/v1/feed/block/type/ipv4/age/1y/output/pdf", 404, "valid: b64, checkpoint, csv, defender"},
		{"output cannot carry the type", "/v1/feed/block/type/file-md5/age/1y/output/rpz", 400, `cannot carry data type \"file-md5\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.authed(tc.path)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, body, tc.status, tc.contains)
			}
		})
	}
	if n := h.sim.RestSearchCount(); n != 0 {
		t.Errorf("MISP was queried %d times for refused requests", n)
	}
}
