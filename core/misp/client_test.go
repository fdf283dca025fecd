package misp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/workgroup"
)

const testKey = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"

func TestQueryBody(t *testing.T) {
	q := Query{
		Types:              []string{"ip-src", "ip-dst", "domain|ip", "ip-dst|port", "ip-src|port"},
		Tags:               []string{"!example:incident-classification=false-positive", "example:incident-classification=block"},
		Timestamp:          1700000000,
		Published:          true,
		EnforceWarninglist: true,
		ToIDS:              true,
	}
	want := `{"returnFormat":"json","type":["ip-src","ip-dst","domain|ip","ip-dst|port","ip-src|port"],` +
		`"tags":["!example:incident-classification=false-positive","example:incident-classification=block"],` +
		`"withAttachments":0,"metadata":1,"timestamp":1700000000,"published":true,"enforceWarninglist":1,` +
		`"to_ids":true,"includeEventUuid":0,"includeEventTags":0,"sgReferenceOnly":0,"includeContext":0,` +
		`"headerless":0,"includeSightings":0,"includeDecayScore":0,"includeCorrelations":0,"excludeDecayed":0}`
	if got := string(q.Body(0, 0)); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
	q.Org, q.ToIDS, q.Published, q.EnforceWarninglist = "55f6ea5e-2c60-40e5-964f-47a8950d210f", false, false, false
	got := string(q.Body(100, 3))
	for _, frag := range []string{`"type":["ip-src","ip-dst","domain|ip","ip-dst|port","ip-src|port"],"org":"55f6ea5e-2c60-40e5-964f-47a8950d210f","tags":`, `"published":false,"enforceWarninglist":0,"includeEventUuid"`, `"excludeDecayed":0,"order":"Attribute.id","limit":100,"page":3}`} {
		if !strings.Contains(got, frag) {
			t.Errorf("body %s lacks %s", got, frag)
		}
	}
	if strings.Contains(got, "to_ids") {
		t.Errorf("to_ids sent although not asked: %s", got)
	}
}

func TestSearchAttributesPaging(t *testing.T) {
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != testKey {
			w.WriteHeader(403)
			return
		}
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		body := string(buf[:n])
		pages = append(pages, body[strings.Index(body, `"page":`):])
		switch {
		case strings.Contains(body, `"page":1}`):
			w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"198.51.100.7","category":"Network activity","uuid":"u1","event_id":"12","timestamp":"1700000001","to_ids":true},{"type":"domain","value":"evil.example","uuid":"u2","event_id":12,"timestamp":1700000002,"to_ids":"0"}]}}`))
		default:
			w.Write([]byte(`{"response":{"Attribute":[{"type":"url","value":"http://x.example/","to_ids":1}]}}`))
		}
	}))
	defer srv.Close()
	c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: 5 * time.Second})
	var got []indicator.Attribute
	n, err := c.SearchAttributes(context.Background(), Query{Types: []string{"ip-dst"}}, 2, 1, func() func(indicator.Attribute) {
		return func(a indicator.Attribute) { got = append(got, a) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(got) != 3 {
		t.Fatalf("read %d attributes (%d delivered), want 3", n, len(got))
	}
	want0 := indicator.Attribute{Type: "ip-dst", Value: "198.51.100.7", Category: "Network activity", UUID: "u1", EventID: 12, Timestamp: 1700000001, ToIDS: true}
	if got[0] != want0 {
		t.Errorf("attribute 0 = %+v, want %+v", got[0], want0)
	}
	if got[1].EventID != 12 || got[1].ToIDS || !got[2].ToIDS {
		t.Errorf("numbers and flags misread: %+v %+v", got[1], got[2])
	}
	if strings.Join(pages, " ") != `"page":1} "page":2}` {
		t.Errorf("pages asked: %q", pages)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		kind    Kind
		detail  string
	}{
		{"auth failure", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			w.Write([]byte(`{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed.","url":"/attributes/restSearch"}`))
		}, AuthFailed, "authentication failed (HTTP 403)"},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/x"}`))
		}, HTTPStatus, "answered HTTP 500: An Internal Error Has Occurred."},
		{"key echoed back is redacted", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(`{"message":"bad key ` + testKey + `"}`))
		}, HTTPStatus, "answered HTTP 400: bad key [redacted]"},
		{"key echoed across the cut is redacted", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(`{"message":"` + strings.Repeat("x", 190) + testKey + `"}`))
		}, HTTPStatus, "answered HTTP 400: " + strings.Repeat("x", 190) + "[redacted]"},
		{"key echoed in an error answer is redacted", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"message":"bad key ` + testKey + `"}`))
		}, BadResponse, "answered with an error: bad key [redacted]"},
		{"html login page", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<!DOCTYPE html><html><body>Login</body></html>"))
		}, BadResponse, "answered with content that is not JSON"},
		{"truncated json", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","val`))
		}, BadResponse, "answered with malformed JSON"},
		{"events instead of attributes", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"response":[{"Event":{}}]}`))
		}, BadResponse, "answer holds events, not attributes"},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		}, Timeout, "no answer within the site's mispTimeoutSeconds (200ms)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			// Only the slow answer is meant to meet the timeout: the others
			// get a minute, however busy the machine.
			timeout := time.Minute
			if tc.kind == Timeout {
				timeout = 200 * time.Millisecond
			}
			c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: timeout})
			_, err := c.SearchAttributes(context.Background(), Query{}, 10, 2, discard)
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v is not a *misp.Error", err)
			}
			if me.Kind != tc.kind || me.Detail != tc.detail {
				t.Errorf("got kind %d %q, want %d %q", me.Kind, me.Detail, tc.kind, tc.detail)
			}
			if strings.Contains(err.Error(), testKey[:10]) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

func TestEmptyShapes(t *testing.T) {
	for _, body := range []string{`{"response":{"Attribute":[]}}`, `{"response":[]}`, `[]`, `{"response":{}}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		c := New(Options{Site: "s", BaseURL: srv.URL, Key: testKey})
		n, err := c.SearchAttributes(context.Background(), Query{}, 10, 2, discard)
		srv.Close()
		if err != nil || n != 0 {
			t.Errorf("%s: n=%d err=%v, want an empty result", body, n, err)
		}
	}
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := New(Options{Site: "down.example", BaseURL: "http://" + addr, Key: testKey, Timeout: time.Second})
	_, err = c.GetJSON(context.Background(), "/servers/getVersion.json")
	var me *Error
	if !errors.As(err, &me) || me.Kind != Unreachable {
		t.Fatalf("got %v, want an Unreachable error", err)
	}
	if got := err.Error(); got != "MISP down.example: connection failed" {
		t.Errorf("message %q", got)
	}
}

func discard() func(indicator.Attribute) { return func(indicator.Attribute) {} }

// pagedMISP starts a MISP that hands each restSearch request's page
// number, as the request body names it, to answer, and returns its URL.
func pagedMISP(t *testing.T, answer func(w http.ResponseWriter, page string)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		body := string(buf[:n])
		answer(w, body[strings.Index(body, `"page":`)+7:len(body)-1])
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestParallelPagingStopsAfterShortPage(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]bool{}
	base := pagedMISP(t, func(w http.ResponseWriter, page string) {
		mu.Lock()
		asked[page] = true
		mu.Unlock()
		switch page {
		case "1", "2", "3":
			w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.` + page + `"},{"type":"ip-dst","value":"198.51.100.` + page + `"}]}}`))
		case "4":
			w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"203.0.113.4"}]}}`))
		default:
			w.Write([]byte(`{"response":{"Attribute":[]}}`))
		}
	})
	c := New(Options{Site: "s", BaseURL: base, Key: testKey})
	var got []string
	n, err := c.SearchAttributes(context.Background(), Query{}, 2, 3, func() func(indicator.Attribute) {
		return func(a indicator.Attribute) {
			mu.Lock()
			got = append(got, a.Value)
			mu.Unlock()
		}
	})
	if err != nil || n != 7 || len(got) != 7 {
		t.Fatalf("n=%d got=%v err=%v, want 7 attributes", n, got, err)
	}
	for p := range asked {
		// Workers may have claimed a page each before page 4 answered.
		if n, _ := strconv.Atoi(p); n > 4+3 {
			t.Errorf("page %s asked although page 4 was short", p)
		}
	}
}

// A sink's panic on a later page, decoded by a worker goroutine, reaches
// the caller, whose recover can see it: in a goroutine of its own, it
// would end the process.
func TestSinkPanicReachesTheCaller(t *testing.T) {
	base := pagedMISP(t, func(w http.ResponseWriter, page string) {
		if page == "1" || page == "2" {
			w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.` + page + `"},{"type":"ip-dst","value":"198.51.100.` + page + `"}]}}`))
			return
		}
		w.Write([]byte(`{"response":{"Attribute":[]}}`))
	})
	c := New(Options{Site: "s", BaseURL: base, Key: testKey})
	got := func() (p any) {
		defer func() { p = recover() }()
		_, _ = c.ScanAttributes(context.Background(), Query{}, 2, 2, func() func(indicator.Attribute) {
			return func(a indicator.Attribute) {
				if a.Value == "192.0.2.2" {
					panic("a sink's bug")
				}
			}
		})
		return nil
	}()
	if p, ok := got.(*workgroup.Panic); !ok || p.Value != "a sink's bug" {
		t.Fatalf("recovered %#v, want the sink's panic as a *workgroup.Panic", got)
	}
}

// MISP applies warninglists after paging: a page may come back short while
// later pages still hold attributes.
func TestPagingPastWarninglistedRows(t *testing.T) {
	tests := []struct {
		name      string
		skipped   bool // send X-Skipped-Elements-Count
		enforce   bool
		wantN     int
		wantPages int
	}{
		{"skipped header says the page was full", true, true, 2, 2},
		{"no header, warninglists: page until empty", false, true, 2, 3},
		{"no header, no warninglists: short page ends", false, false, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, pages := searchPaged(t, Query{EnforceWarninglist: tc.enforce}, func(w http.ResponseWriter, page string) {
				switch page {
				case "1": // two rows considered, one dropped by a warninglist
					if tc.skipped {
						w.Header().Set("X-Skipped-Elements-Count", "1")
					}
					w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.1"}]}}`))
				case "2": // the last row
					if tc.skipped {
						w.Header().Set("X-Skipped-Elements-Count", "0")
					}
					w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.2"}]}}`))
				default:
					if tc.skipped {
						w.Header().Set("X-Skipped-Elements-Count", "0")
					}
					w.Write([]byte(`{"response":{"Attribute":[]}}`))
				}
			})
			if n != tc.wantN || pages != tc.wantPages {
				t.Errorf("read %d attributes in %d pages, want %d in %d", n, pages, tc.wantN, tc.wantPages)
			}
		})
	}
}
