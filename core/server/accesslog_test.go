package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// logKeys returns the keys of a JSON object line in their order.
func logKeys(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %q", line)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestAccessLogFields checks every field of the access log line, in
// order, for each kind of answer: a list, a 304, a refusal, an open route.
func TestAccessLogFields(t *testing.T) {
	h := newHarness(t)
	first, body := h.authed(feedPath)
	etag := first.Header.Get("ETag")
	listKeys := "time level msg ip method path route status bytes ms ua site consumer cache entries"
	cases := []struct {
		name    string
		send    func()
		keys    string
		want    map[string]any
		noField string
	}{
		{"list hit", func() { h.authed(feedPath+"?cache=60", "User-Agent", "fw/1") }, listKeys,
			map[string]any{"ip": "127.0.0.1", "method": "GET", "path": feedPath + "?cache=60", "route": "/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output",
				"status": 200.0, "bytes": float64(len(body)), "ua": "fw/1", "site": "127.0.0.1", "cache": "HIT", "entries": 6.0}, ""},
		{"304", func() { h.authed(feedPath, "If-None-Match", etag, "User-Agent", "fw/1") }, listKeys,
			map[string]any{"status": 304.0, "bytes": 0.0, "cache": "HIT", "entries": 6.0, "path": feedPath}, ""},
		{"token in the query", func() { h.get(feedPath+"?token="+h.token, "User-Agent", "fw/1") }, listKeys,
			map[string]any{"path": feedPath + "?token=ANONYMIZED", "status": 200.0}, ""},
		{"refused", func() { h.get(feedPath, "token", "abc", "User-Agent", "fw/1") }, "time level msg ip method path route status bytes ms ua reason",
			map[string]any{"status": 403.0, "ip": "127.0.0.1", "reason": "token not valid: Invalid Base64 string in use for token."}, "site"},
		{"open route", func() { h.get("/robots.txt", "User-Agent", "fw/1") }, "time level msg ip method path route status bytes ms ua",
			map[string]any{"status": 200.0, "route": "/robots.txt", "path": "/robots.txt"}, "cache"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.logs.Records("request"))
			tc.send()
			recs := h.logs.Records("request")
			if len(recs) != before+1 {
				t.Fatalf("%d access lines, want %d", len(recs), before+1)
			}
			lines := strings.Split(strings.TrimSpace(h.logs.String()), "\n")
			var last string
			for i := len(lines) - 1; i >= 0; i-- {
				if strings.Contains(lines[i], `"msg":"request"`) {
					last = lines[i]
					break
				}
			}
			if got := strings.Join(logKeys(t, last), " "); got != tc.keys {
				t.Errorf("keys %q\nwant %q", got, tc.keys)
			}
			rec := recs[len(recs)-1]
			for k, v := range tc.want {
				if rec[k] != v {
					t.Errorf("%s = %#v, want %#v", k, rec[k], v)
				}
			}
			if c, ok := rec["consumer"].(string); ok && len(c) != 16 {
				t.Errorf("consumer %q, want 16 characters", c)
			}
			if tc.noField != "" && rec[tc.noField] != nil {
				t.Errorf("%s present: %v", tc.noField, rec[tc.noField])
			}
		})
	}
}
