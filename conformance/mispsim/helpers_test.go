package mispsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// sharedData returns the shared real data folder or skips the test.
func sharedData(t testing.TB) string {
	t.Helper()
	d := testtool.SharedData()
	if d == "" {
		t.Skip("shared data folder not found (../shared/data or $CRATOS_SHARED_DATA): skipping real-data test")
	}
	return d
}

// call sends one request straight to the handler.
func call(t testing.TB, h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", DefaultKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type gotAttr struct {
	ID        string `json:"id"`
	EventID   string `json:"event_id"`
	Type      string `json:"type"`
	Value     string `json:"value"`
	ToIDS     bool   `json:"to_ids"`
	Deleted   bool   `json:"deleted"`
	Timestamp string `json:"timestamp"`
	Event     struct {
		ID      string `json:"id"`
		OrgcID  string `json:"orgc_id"`
		UUID    string `json:"uuid"`
		Info    string `json:"info"`
		OrgID   string `json:"org_id"`
		Distrib string `json:"distribution"`
	} `json:"Event"`
	Tag []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"Tag"`
}

// search posts a restSearch body and decodes the attributes.
func search(t testing.TB, h http.Handler, body string) []gotAttr {
	t.Helper()
	rec := call(t, h, http.MethodPost, "/attributes/restSearch", body, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("restSearch %s: status %d: %s", body, rec.Code, rec.Body.String())
	}
	var doc struct {
		Response struct {
			Attribute []gotAttr `json:"Attribute"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("restSearch %s: decode: %v\n%s", body, err, rec.Body.String())
	}
	if doc.Response.Attribute == nil {
		t.Fatalf("restSearch %s: no Attribute array: %s", body, rec.Body.String())
	}
	return doc.Response.Attribute
}

// newServer returns a Server with opts.
func newServer(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// serve starts s on loopback until the test ends and returns its URL.
func serve(tb testing.TB, s *Server) string {
	tb.Helper()
	url, err := s.Start("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return url
}

// serverWith returns an emulator at testNow holding events.
func serverWith(t testing.TB, events []Event) *Server {
	t.Helper()
	s := newServer(t, Options{Now: fixedNow})
	for _, ev := range events {
		if _, err := s.AddEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// searchCase is a restSearch body and the ids of the attributes it finds.
type searchCase struct{ name, body, want string }

// checkSearches runs each case as a subtest.
func checkSearches(t *testing.T, s *Server, cases []searchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ids(search(t, s, c.body)); got != c.want {
				t.Errorf("restSearch %s\n got  %q\n want %q", c.body, got, c.want)
			}
		})
	}
}

func ids(attrs []gotAttr) string {
	var out []string
	for _, a := range attrs {
		out = append(out, a.ID)
	}
	return strings.Join(out, ",")
}
