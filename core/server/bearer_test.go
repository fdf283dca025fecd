package server_test

import (
	"net/http"
	"testing"

	"github.com/cratos-project/cratos/core/taxii"
)

// A client whose token setting sends "Authorization: Bearer <token>"
// (OpenCTI's TAXII ingestion, many HTTP tools) is served on TAXII and list
// routes alike; a token in the query or the token header still wins over
// a bearer credential, which a proxy in front may add for itself.
func TestBearerTokenIsAccepted(t *testing.T) {
	h := newHarness(t)
	coll := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
	resp, body := h.get(coll, "Accept", taxiiAccept, "Authorization", "Bearer "+h.token)
	if _, objs := checkTAXII(t, resp, body); resp.StatusCode != http.StatusOK || len(objs) == 0 {
		t.Fatalf("TAXII objects with a bearer token: %d, %d objects: %s", resp.StatusCode, len(objs), body)
	}
	byHeader, want := h.get(feedPath, "token", h.token)
	if byHeader.StatusCode != http.StatusOK {
		t.Fatalf("list with the token header: %d %s", byHeader.StatusCode, want)
	}
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"bearer alone", []string{"Authorization", "Bearer " + h.token}, http.StatusOK},
		{"token header over a proxy's bearer", []string{"token", h.token, "Authorization", "Bearer proxy-credential"}, http.StatusOK},
		{"refused bearer", []string{"Authorization", "Bearer " + h.token[:len(h.token)-4] + "AAAA"}, http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := h.get(feedPath, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status == http.StatusOK && body != want {
				t.Fatalf("body differs from the list served for the token header:\n%s\nwant\n%s", body, want)
			}
		})
	}
}
