package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/export"
)

// blockIPv4 is the list the circuit-breaker tests hold.
const blockIPv4 = "/v1/feed/block/type/ipv4/age/1y/output/txt"

// rebuildHeld clears blockIPv4 from the cache, asks it again with token,
// and returns the answer's X-Cratos-Held.
func (h *harness) rebuildHeld(t *testing.T, token string) string {
	t.Helper()
	return h.rebuildListHeld(t, blockIPv4, token)
}

// rebuildListHeld clears list, a path under /v1/feed/, from the cache,
// asks it again with token, and returns the answer's X-Cratos-Held.
func (h *harness) rebuildListHeld(t *testing.T, list, token string) string {
	t.Helper()
	if resp, body := h.do("DELETE", "/v1/clear_cache/"+strings.TrimPrefix(list, "/v1/"), "token", token); resp.StatusCode != 200 {
		t.Fatalf("clear_cache: %d %s", resp.StatusCode, body)
	}
	resp, body := h.get(list, "token", token)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	return resp.Header.Get("X-Cratos-Held")
}

// withMISPKey returns a token of token's claims with its MISP key
// replaced by key.
func (h *harness) withMISPKey(t *testing.T, token, key string) string {
	t.Helper()
	cl, err := codec.Verify(token, h.now())
	if err != nil {
		t.Fatal(err)
	}
	cl.Key = key
	return h.mint(cl)
}

// holdsSeenBy returns the holds GET /v1/holds shows token.
func (h *harness) holdsSeenBy(t *testing.T, token string) []export.Hold {
	t.Helper()
	return h.holdsAt(t, "/v1/holds", token)
}

// holdsAt returns the holds listed as "held" in the answer to a GET of
// path with token.
func (h *harness) holdsAt(t *testing.T, path, token string) []export.Hold {
	t.Helper()
	var out struct {
		Held []export.Hold `json:"held"`
	}
	getJSON(t, h, path, &out, "token", token)
	return out.Held
}

// holdsSeen is how many holds GET /v1/holds should show a token.
type holdsSeen struct {
	name, token string
	want        int
}

// checkHoldsSeen checks, in a subtest each, that GET /v1/holds shows
// each token its number of holds, and a single one of output unless
// output is empty.
func (h *harness) checkHoldsSeen(t *testing.T, output string, tests []holdsSeen) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			held := h.holdsSeenBy(t, tc.token)
			if len(held) != tc.want {
				t.Fatalf("/v1/holds: %+v, want %d holds", held, tc.want)
			}
			if output != "" && tc.want == 1 && held[0].Output != output {
				t.Errorf("hold %+v, want one of %s", held[0], output)
			}
		})
	}
}
