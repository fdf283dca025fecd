package server_test

import (
	"testing"

	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIIQueryString: a well-formed query is never a 400. A ';' in the
// query string (url.ParseQuery refuses one) made any request a 400; it
// is part of its parameter's value, not a separator. An empty
// added_after or next (some clients' first poll) was a 400 too; it is
// taken as absent.
func TestTAXIIQueryString(t *testing.T) {
	h := newHarness(t)
	objects := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
	get := func(query string) (int, string) {
		t.Helper()
		resp, body := h.taxiiGet(objects + query)
		checkTAXII(t, resp, body)
		return resp.StatusCode, body
	}
	_, all := get("")
	_, indicators := get("?match[type]=indicator")
	_, none := get("?match[type]=indicator%3Bidentity")
	if indicators == all || none != `{"more":false}` {
		t.Fatalf("reference pages: %s\n%s", indicators, none)
	}
	tests := []struct {
		name, query, want string
		status            int
	}{
		{"';' in an unknown parameter", "?match[type]=indicator&x-client=a;b", indicators, 200},
		{"';' inside a value", "?match[type]=indicator;identity", none, 200}, // one type, which nothing has
		{"';' after the last parameter", "?match[type]=indicator;", none, 200},
		{"empty added_after", "?added_after=", all, 200},
		{"empty next", "?next=", all, 200},
		{"empty added_after and next", "?added_after=&next=&match[type]=indicator", indicators, 200},
		{"malformed escape", "?match[type]=%zz", "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(tt.query)
			if status != tt.status || tt.want != "" && body != tt.want {
				t.Fatalf("%d, %d bytes: %.200s\nwant %d, %d bytes", status, len(body), body, tt.status, len(tt.want))
			}
		})
	}
}
