package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// checkContains fails t for each of want that text (named what) lacks and
// each of wantNot that it holds.
func checkContains(t *testing.T, what, text string, want, wantNot []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
	for _, w := range wantNot {
		if strings.Contains(text, w) {
			t.Errorf("%s holds %q:\n%s", what, w, text)
		}
	}
}

// getJSON GETs path and decodes its answer, which must be a 200, into v.
func getJSON(t *testing.T, h *harness, path string, v any, headers ...string) {
	t.Helper()
	resp, body := h.get(path, headers...)
	if err := json.Unmarshal([]byte(body), v); resp.StatusCode != 200 || err != nil {
		t.Fatalf("%s: %d %v %s", path, resp.StatusCode, err, body)
	}
}
