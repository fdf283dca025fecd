package server_test

import (
	"io"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// FuzzListRoute sends arbitrary path segments and cache values with a
// valid token: every answer is a deliberate status with a JSON or list
// body, never a 500 or a panic.
func FuzzListRoute(f *testing.F) {
	f.Add("block", "ipv4", "1y", "txt", "")
	f.Add("cust9", "domain", "99999y", "rpz", "0")
	f.Add("42", "url", "1h", "suricata.tar.gz.md5", "86400")
	f.Add("any", "ipv4ext", "10y", "../../etc", "x")
	// app.Test connects from 0.0.0.0.
	h := newHarness(f, withConfig(func(c *config.Config) {
		c.AlwaysAllowedIPs = append(c.AlwaysAllowedIPs, mustPrefix(f, "0.0.0.0/32"))
	}))
	app := h.app
	f.Fuzz(func(t *testing.T, feed, dataType, age, output, cache string) {
		path := "/v1/feed/" + url.PathEscape(feed) + "/type/" + url.PathEscape(dataType) + "/age/" + url.PathEscape(age) + "/output/" + url.PathEscape(output)
		if cache != "" {
			path += "?cache=" + url.QueryEscape(cache)
		}
		req := httptest.NewRequest("GET", "http://cratos.test"+path, nil)
		req.Header.Set("token", h.token)
		resp, err := app.Test(req, -1)
		if err != nil {
			return // a request the HTTP layer refuses to parse
		}
		body, _ := io.ReadAll(resp.Body)
		switch resp.StatusCode {
		case 200, 400, 404, 405, 422, 502, 503, 504:
		default:
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
		}
	})
}
