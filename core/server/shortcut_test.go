package server_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// rawGet sends one request on a connection of its own and returns the
// answer's bytes as they came, headers and body.
func (h *harness) rawGet(method, target string, headers ...string) []byte {
	h.t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	var req bytes.Buffer
	req.WriteString(method + " " + target + " HTTP/1.1\r\nHost: cratos.test\r\nUser-Agent: device/1\r\n")
	for i := 0; i+1 < len(headers); i += 2 {
		req.WriteString(headers[i] + ": " + headers[i+1] + "\r\n")
	}
	req.WriteString("\r\n")
	if _, err := conn.Write(req.Bytes()); err != nil {
		h.t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	var raw bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(conn, &raw)), &http.Request{Method: method})
	if err != nil {
		h.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return raw.Bytes()
}

// changing masks what differs between two answers of one list a moment
// apart: the Date and Age headers, and the access line's time and ms.
var changing = regexp.MustCompile(`(?m)^(Date|Age): .*\r$|"time":"[^"]*"|"ms":[0-9.e-]+`)

func masked(b []byte) string { return changing.ReplaceAllString(string(b), "…") }

// lastLine returns the last line written to the access log.
func lastLine(t *testing.T, log *testtool.LogBuffer) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(log.String(), "\n"), "\n")
	return lines[len(lines)-1]
}

// TestShortcutAnswersAsTheRoute: a list request the shortcut answers gets
// the very bytes, access line and pull record the list route gives the
// same request, for every list route and each kind of answer.
func TestShortcutAnswersAsTheRoute(t *testing.T) {
	log := &testtool.LogBuffer{}
	h := newHarness(t, withAccessLog(log), withConsumer("edge-fw"), asAdmin())
	for _, path := range []string{
		feedPath,
		"/v1/vendor/paloalto/feed/block/type/ipv4/age/1y",
		"/v1/uuid/" + acmeUUID + "/type/ipv4/age/1y/output/txt",
		"/v1/feed/block/type/domain/age/1y/output/rpz",
	} {
		resp, _ := h.authed(path)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" {
			t.Fatalf("%s: warm-up: %d, ETag %q", path, resp.StatusCode, etag)
		}
		for _, tc := range []struct {
			name    string
			query   string   // added to the path
			headers []string // with the token header unless the query or Authorization carries the token
			status  string
		}{
			{"304", "", []string{"If-None-Match", etag}, "304 Not Modified"},
			{"304 to one of several tags", "", []string{"If-None-Match", `"other", ` + etag}, "304 Not Modified"},
			{"identity", "", nil, "200 OK"},
			{"another tag", "", []string{"If-None-Match", `"other"`}, "200 OK"},
			{"gzip", "", []string{"Accept-Encoding", "gzip"}, "200 OK"},
			{"Basic credentials", "", []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token))}, "200 OK"},
			{"token in the query", "?token=" + h.token, []string{"If-None-Match", etag}, "304 Not Modified"},
			{"token in the query, escaped", "?token=" + url.QueryEscape(h.token), nil, "200 OK"},
		} {
			headers := tc.headers
			if tc.query == "" && tc.name != "Basic credentials" {
				headers = append([]string{"token", h.token}, tc.headers...)
			}
			h.srv.ForgetListTargets()
			before := h.srv.ShortcutAnswers()
			routed := h.rawGet("GET", path+tc.query, headers...)
			routedLine := lastLine(t, log)
			if n := h.srv.ShortcutAnswers(); n != before {
				t.Fatalf("%s, %s: the shortcut answered a URL it had not seen", path, tc.name)
			}
			short := h.rawGet("GET", path+tc.query, headers...)
			shortLine := lastLine(t, log)
			if n := h.srv.ShortcutAnswers(); n != before+1 {
				t.Fatalf("%s, %s: the shortcut did not answer the second request (%d answers)", path, tc.name, n-before)
			}
			if !strings.HasPrefix(string(short), "HTTP/1.1 "+tc.status+"\r\n") {
				t.Errorf("%s, %s: answer %q", path, tc.name, firstLine(short))
			}
			if masked(short) != masked(routed) {
				t.Errorf("%s, %s: the shortcut answered\n%s\nthe route\n%s", path, tc.name, head(short), head(routed))
			}
			if masked([]byte(shortLine)) != masked([]byte(routedLine)) || !strings.Contains(shortLine, `"cache":"HIT"`) {
				t.Errorf("%s, %s: access line\n%s\nthe route's\n%s", path, tc.name, shortLine, routedLine)
			}
		}
	}
	// The consumer's last pull is the shortcut's last answer.
	_, body := h.authed("/v1/status")
	if !strings.Contains(body, `"consumer":"edge-fw"`) || !strings.Contains(body, `"list":"/v1/feed/block/type/domain/age/1y/output/rpz"`) || !strings.Contains(body, `"status":200`) {
		t.Errorf("status: %s", body)
	}
}

// TestShortcutLeavesToTheRoute: requests the shortcut must not answer go
// to the route, which answers them as before: refusals are counted and
// logged there, and a list that is not a fresh HIT is built there.
func TestShortcutLeavesToTheRoute(t *testing.T) {
	log := &testtool.LogBuffer{}
	var site *config.Site
	h := newHarness(t, withAccessLog(log), withSite(func(s *config.Site) { site = s }))
	if resp, _ := h.authed(feedPath); resp.StatusCode != 200 {
		t.Fatalf("warm-up: %d", resp.StatusCode)
	}
	fresh := h.mint(h.claims) // a token the server has not verified yet
	tests := []struct {
		name     string
		method   string
		target   string
		headers  []string
		setup    func()
		status   string
		log      string // in the access line
		shortcut bool   // answered by the shortcut
	}{
		{"HEAD", "HEAD", feedPath, []string{"token", h.token}, nil, "200 OK", `"method":"HEAD"`, false},
		{"query string", "GET", feedPath + "?cache=60", []string{"token", h.token}, nil, "200 OK", `?cache=60"`, false},
		{"token in the query", "GET", feedPath + "?token=" + h.token, nil, nil, "200 OK", `?token=ANONYMIZED"`, true},
		{"the token and another parameter", "GET", feedPath + "?token=" + h.token + "&cache=60", nil, nil, "200 OK", `?token=ANONYMIZED&cache=60"`, false},
		{"the token twice", "GET", feedPath + "?token=" + h.token + "&token=" + h.token, nil, nil, "200 OK", `?token=ANONYMIZED&token=ANONYMIZED"`, false},
		{"forwarding header", "GET", feedPath, []string{"token", h.token, "X-Forwarded-For", "192.0.2.7"}, nil, "200 OK", `"ip":"127.0.0.1"`, false},
		{"X-Real-IP", "GET", feedPath, []string{"token", h.token, "X-Real-IP", "192.0.2.7"}, nil, "200 OK", `"ip":"127.0.0.1"`, false},
		{"no token", "GET", feedPath, nil, nil, "403 Forbidden", `"reason":"no token"`, false},
		{"forged token", "GET", feedPath, []string{"token", h.token[:len(h.token)-4] + "AAAA"}, nil, "403 Forbidden", `"reason":"token not valid`, false},
		{"malformed Basic credentials", "GET", feedPath, []string{"Authorization", "Basic !!"}, nil, "401 Unauthorized", `"reason":"malformed Basic credentials"`, false},
		{"header with a NUL", "GET", feedPath, []string{"token", h.token, "X-Note", "a\x00b"}, nil, "400 Bad Request", `"status":400`, false},
		{"the same request, served", "GET", feedPath, []string{"token", h.token}, nil, "200 OK", `"cache":"HIT"`, true},
		{"a token not verified before", "GET", feedPath, []string{"token", fresh}, nil, "200 OK", `"cache":"HIT"`, false},
		{"that token again", "GET", feedPath, []string{"token", fresh}, nil, "200 OK", `"cache":"HIT"`, true},
		{"site disabled", "GET", feedPath, []string{"token", h.token},
			func() { off := false; site.Enabled = &off }, "403 Forbidden", `"reason":"site 127.0.0.1 disabled"`, false},
		{"site enabled again", "GET", feedPath, []string{"token", h.token},
			func() { site.Enabled = nil }, "200 OK", `"cache":"HIT"`, true},
		{"token lifetime now over the site's limit", "GET", feedPath, []string{"token", h.token},
			func() { site.TokenMaxDays = 1 }, "403 Forbidden", `token lifetime over token_max_days`, false},
		{"cache cleared", "GET", feedPath, []string{"token", h.token},
			func() {
				site.TokenMaxDays = 0
				if resp, body := h.do("DELETE", "/v1/clear_cache/feed/block/type/ipv4/age/1y/output/txt", "token", h.token); resp.StatusCode != 200 {
					t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
				}
			}, "200 OK", `"cache":"MISS"`, false},
		{"the rebuilt list", "GET", feedPath, []string{"token", h.token}, nil, "200 OK", `"cache":"HIT"`, true},
	}
	for _, tc := range tests {
		if tc.setup != nil {
			tc.setup()
		}
		before := h.srv.ShortcutAnswers()
		raw := h.rawGet(tc.method, tc.target, tc.headers...)
		if got := h.srv.ShortcutAnswers() - before; got != map[bool]uint64{false: 0, true: 1}[tc.shortcut] {
			t.Errorf("%s: %d answers by the shortcut", tc.name, got)
		}
		if !strings.HasPrefix(string(raw), "HTTP/1.1 "+tc.status+"\r\n") {
			t.Errorf("%s: %q, want %s", tc.name, firstLine(raw), tc.status)
		}
		if line := lastLine(t, log); !strings.Contains(line, tc.log) {
			t.Errorf("%s: access line %s lacks %s", tc.name, line, tc.log)
		}
	}
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\r\n")
	return line
}

// head returns an answer's headers.
func head(b []byte) string {
	h, _, _ := strings.Cut(string(b), "\r\n\r\n")
	return h
}

// TestShortcutBehindATrustedProxy: behind a trusted reverse proxy, the
// shortcut answers for the client the proxy names, as the route does, and
// leaves the route what it refuses.
func TestShortcutBehindATrustedProxy(t *testing.T) {
	log := &testtool.LogBuffer{}
	h := newHarness(t, withAccessLog(log),
		withConfig(func(c *config.Config) { c.TrustedProxies = config.Prefixes{mustPrefix(t, "127.0.0.1/32")} }),
		withSite(func(s *config.Site) { s.AllowedIPs = config.Prefixes{mustPrefix(t, "192.0.2.0/24")} }))
	if resp, _ := h.authed(feedPath, "X-Forwarded-For", "192.0.2.7"); resp.StatusCode != 200 {
		t.Fatalf("warm-up: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		name     string
		headers  []string
		status   string
		log      string
		shortcut bool // the second of two such requests
	}{
		{"an allowed client", []string{"X-Forwarded-For", "192.0.2.7"}, "200 OK", `"ip":"192.0.2.7"`, true},
		{"through two proxies", []string{"X-Forwarded-For", "192.0.2.8, 127.0.0.1"}, "200 OK", `"ip":"192.0.2.8"`, true},
		{"another header beside it", []string{"X-Forwarded-For", "192.0.2.9", "X-Real-IP", "198.51.100.1"}, "200 OK", `"ip":"192.0.2.9"`, true},
		{"a client not allowed", []string{"X-Forwarded-For", "198.51.100.1"}, "403 Forbidden", `not allowed for site`, false},
		{"no client address", []string{"X-Forwarded-For", "unknown"}, "400 Bad Request", `"status":400`, false},
	} {
		headers := append([]string{"token", h.token}, tc.headers...)
		h.srv.ForgetListTargets()
		if !tc.shortcut {
			// The URL is known: these must still go to the route.
			h.rawGet("GET", feedPath, "token", h.token, "X-Forwarded-For", "192.0.2.7")
		}
		before := h.srv.ShortcutAnswers()
		routed := h.rawGet("GET", feedPath, headers...)
		routedLine := lastLine(t, log)
		short := h.rawGet("GET", feedPath, headers...)
		shortLine := lastLine(t, log)
		if got := h.srv.ShortcutAnswers() - before; got != map[bool]uint64{false: 0, true: 1}[tc.shortcut] {
			t.Errorf("%s: %d answers by the shortcut", tc.name, got)
		}
		if !strings.HasPrefix(string(short), "HTTP/1.1 "+tc.status+"\r\n") || !strings.Contains(shortLine, tc.log) {
			t.Errorf("%s: %q, access line %s; want %s and %s", tc.name, firstLine(short), shortLine, tc.status, tc.log)
		}
		if masked(short) != masked(routed) || masked([]byte(shortLine)) != masked([]byte(routedLine)) {
			t.Errorf("%s: answered\n%s\n%s\nthen\n%s\n%s", tc.name, head(routed), routedLine, head(short), shortLine)
		}
	}
}
