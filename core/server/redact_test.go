package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestAccessLogNeverHoldsAToken puts the token wherever a client could:
// no access log line holds it.
func TestAccessLogNeverHoldsAToken(t *testing.T) {
	h := newHarness(t)
	tok := h.token
	esc := url.QueryEscape(tok)
	tests := []struct {
		name, path string
		headers    []string
	}{
		{"query", feedPath + "?token=" + esc, nil},
		{"after ;", feedPath + "?cache=5;token=" + esc, nil},
		{"escaped name", feedPath + "?tok%65n=" + esc, nil},
		{"other parameter", feedPath + "?x=" + esc, []string{"token", tok}},
		{"last path segment", "/v1/feed/block/type/ipv4/age/1d/output/" + tok, nil},
		{"first path segment", "/" + tok, nil},
		{"path with the header token", "/v1/check/" + tok, []string{"token", tok}},
		{"user agent", feedPath, []string{"token", tok, "User-Agent", "curl/8 " + tok}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.logs.String())
			h.get(tc.path, tc.headers...)
			line := h.logs.String()[before:]
			if !strings.Contains(line, `"msg":"request"`) {
				t.Fatalf("no access line: %s", line)
			}
			if strings.Contains(line, tok) || strings.Contains(line, esc) || strings.Contains(line, tok[:40]) {
				t.Errorf("the token reached the access log: %s", line)
			}
			if !strings.Contains(line, "ANONYMIZED") {
				t.Errorf("no ANONYMIZED marker: %s", line)
			}
		})
	}
}
