package server_test

import (
	"bufio"
	"encoding/base64"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/taxii"
)

// rawHeader sends request bytes as they are and returns the answer's
// header lines as sent, names spelled as on the wire (net/http would give
// them in its own canonical form).
func rawHeader(t *testing.T, base, request string) []string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	var lines []string
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" || err != nil {
			return lines
		}
		lines = append(lines, line)
	}
}

// The date range of a page is sent under the names TAXII 2.1 and the
// README give it, X-TAXII-Date-Added-First and -Last, so that a
// case-sensitive reader (grep on curl -D -, a client's header map) finds
// them: they went out as X-Taxii-Date-Added-First.
func TestTAXIIDateAddedHeaderNames(t *testing.T) {
	h := newHarness(t)
	coll := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/"
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("cratos:"+h.token))
	for _, page := range []string{"objects/?limit=5", "manifest/?limit=5"} {
		lines := rawHeader(t, h.base, "GET "+coll+page+" HTTP/1.1\r\nHost: x\r\nAuthorization: "+basic+
			"\r\nAccept: "+taxiiAccept+"\r\nConnection: close\r\n\r\n")
		if len(lines) == 0 || !strings.Contains(lines[0], " 200 ") {
			t.Fatalf("%s: %q", page, lines)
		}
		for _, name := range []string{"X-TAXII-Date-Added-First: ", "X-TAXII-Date-Added-Last: "} {
			if !slices.ContainsFunc(lines, func(l string) bool {
				v, ok := strings.CutPrefix(l, name)
				return ok && taxiiStamp.MatchString(v)
			}) {
				t.Errorf("%s: no %q line with a timestamp in %q", page, name, lines)
			}
		}
	}
}
