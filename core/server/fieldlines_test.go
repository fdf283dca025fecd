package server_test

import (
	"bufio"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// rawResponse sends request bytes as they are and reads the answer.
func rawResponse(t *testing.T, base, request string) *http.Response {
	t.Helper()
	c := sendRaw(t, base, request)
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// A header sent in several field lines is one comma-separated list (RFC
// 9110 section 5.3): a device naming its current ETag in a second
// If-None-Match line is told 304, and gzip accepted in a second
// Accept-Encoding line is sent.
func TestHeaderFieldLinesAreOneList(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }))
	paths := map[string]string{
		"list":  "/v1/feed/block/type/ipv4ext/age/1y/output/txt",
		"taxii": "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/",
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			auth := "token: " + h.token + "\r\n"
			if name == "taxii" {
				auth = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token)) + "\r\nAccept: " + taxiiAccept + "\r\n"
			}
			get := func(headers string) *http.Response {
				return rawResponse(t, h.base, "GET "+path+" HTTP/1.1\r\nHost: cratos\r\n"+auth+headers+"Connection: close\r\n\r\n")
			}
			first := get("Accept-Encoding: gzip\r\n")
			etag := first.Header.Get("ETag")
			if first.StatusCode != 200 || etag == "" {
				t.Fatalf("first pull: %d, ETag %q", first.StatusCode, etag)
			}
			for _, tc := range []struct {
				name, headers string
				status        int
				encoding      string
			}{
				{"tag in the second If-None-Match", "Accept-Encoding: gzip\r\nIf-None-Match: \"other\"\r\nIf-None-Match: " + etag + "\r\n", 304, ""},
				{"no tag matches", "Accept-Encoding: gzip\r\nIf-None-Match: \"other\"\r\nIf-None-Match: \"another\"\r\n", 200, "gzip"},
				{"gzip in the second Accept-Encoding", "Accept-Encoding: br\r\nAccept-Encoding: gzip\r\n", 200, "gzip"},
			} {
				resp := get(tc.headers)
				if resp.StatusCode != tc.status || resp.Header.Get("Content-Encoding") != tc.encoding {
					t.Errorf("%s: %d, Content-Encoding %q; want %d, %q", tc.name, resp.StatusCode, resp.Header.Get("Content-Encoding"), tc.status, tc.encoding)
				}
			}
		})
	}
}

// A TAXII client naming the TAXII media type in a second Accept line
// accepts it (RFC 9110 section 5.3): only the first line was read, and
// such a client was refused 406.
func TestTAXIIAcceptInSecondFieldLine(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }))
	path := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
	auth := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token)) + "\r\n"
	for _, tc := range []struct {
		name, accept string
		status       int
	}{
		{"TAXII type in the second line", "Accept: application/json\r\nAccept: " + taxiiAccept + "\r\n", 200},
		{"TAXII type in neither line", "Accept: application/json\r\nAccept: text/plain\r\n", 406},
	} {
		resp := rawResponse(t, h.base, "GET "+path+" HTTP/1.1\r\nHost: cratos\r\n"+auth+tc.accept+"Connection: close\r\n\r\n")
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
}
