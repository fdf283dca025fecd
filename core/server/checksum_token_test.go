package server_test

import (
	"crypto/md5"
	"encoding/hex"
	"net/url"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// suricata-update asks for a source's checksum at the source URL with
// ".md5" appended, the token's value too when the token is in the query:
// a list route answers <list URL>?token=T.md5 as <list URL>.md5?token=T,
// and counts no failed authentication for it.
func TestChecksumOfQueryTokenURL(t *testing.T) {
	h := newHarness(t, withConfig(func(c *config.Config) { c.AuthFailLimit = 3 }))
	token := url.QueryEscape(h.token)
	for _, list := range []string{
		"/v1/feed/block/type/domain/age/1y/output/suricata.tar.gz",
		"/v1/feed/block/type/ipv4/age/1y/output/edl",
		"/v1/vendor/cisco/feed/block/type/ipv4/age/1y",
		"/v1/uuid/" + acmeUUID + "/type/ipv4/age/1y/output/txt",
	} {
		resp, body := h.get(list + "?token=" + token)
		if resp.StatusCode != 200 || body == "" {
			t.Fatalf("%s: %d %q", list, resp.StatusCode, body)
		}
		sum := md5.Sum([]byte(body))
		want := hex.EncodeToString(sum[:])
		for _, checksumURL := range []string{list + ".md5?token=" + token, list + "?token=" + token + ".md5"} {
			for range 2 {
				resp, got := h.get(checksumURL)
				if resp.StatusCode != 200 || got != want {
					t.Errorf("%s: %d %q, want %s", checksumURL, resp.StatusCode, got, want)
				}
			}
		}
	}
	// Eight checksum requests past a limit of three failures: none
	// counted, so the address's next failure is refused as one, not 429.
	if resp, body := h.get(feedPath, "token", h.token+"!"); resp.StatusCode != 403 {
		t.Errorf("a bad token after the checksum requests: %d %s, want 403", resp.StatusCode, body)
	}
}

// The ".md5" suffix of a query token is read on list routes alone: TAXII,
// the console and other routes refuse it as any other token not valid.
func TestChecksumSuffixOnlyOnListRoutes(t *testing.T) {
	h := newHarness(t, asAdmin())
	token := url.QueryEscape(h.token) + ".md5"
	for _, tc := range []struct {
		path    string
		headers []string
	}{
		{"/taxii2/?token=" + token, []string{"Accept", taxiiAccept}},
		{"/v1/feedmapping?token=" + token, nil},
		{"/v1/check?token=" + token, nil},
	} {
		resp, body := h.get(tc.path, tc.headers...)
		if resp.StatusCode != 403 {
			t.Errorf("%s: %d %s, want 403", tc.path, resp.StatusCode, body)
		}
	}
	// The console answers a token in the URL with a redirect: a refused
	// one carries a notice, and no session.
	resp, _ := h.get("/ui/?token=" + token)
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, c.Name)
	}
	if resp.StatusCode != 303 || !slices.Equal(cookies, []string{"cratos_console_notice"}) {
		t.Errorf("console login: %d with cookies %v, want 303 with a notice alone", resp.StatusCode, cookies)
	}
}
