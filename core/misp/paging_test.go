package misp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// MISP removes the values of its allowedlist after paging and counts them
// in no header but X-Result-Count, the rows the page considered (one more
// when it was full): a page short of attributes is not the last while
// that count says it was full.
func TestPagingPastAllowedlistedRows(t *testing.T) {
	tests := []struct {
		name      string
		count     string // X-Result-Count of page 1
		wantN     int
		wantPages int
	}{
		{"full page, one row allowedlisted", "3", 2, 2},
		{"count of a full page without the hint", "2", 2, 2},
		{"short page of rows ends", "1", 1, 1},
		{"a count no page holds is not a page's", "40", 1, 1},
		{"no count: a short page ends", "", 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, pages := searchPaged(t, Query{}, func(w http.ResponseWriter, page string) {
				w.Header().Set("X-Skipped-Elements-Count", "0")
				switch page {
				case "1":
					if tc.count != "" {
						w.Header().Set("X-Result-Count", tc.count)
					}
					w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.1"}]}}`))
				case "2":
					w.Header().Set("X-Result-Count", "1")
					w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.2"}]}}`))
				default:
					w.Header().Set("X-Result-Count", "0")
					w.Write([]byte(`{"response":{"Attribute":[]}}`))
				}
			})
			if n != tc.wantN || pages != tc.wantPages {
				t.Errorf("read %d attributes in %d pages, want %d in %d", n, pages, tc.wantN, tc.wantPages)
			}
		})
	}
}

// MISP's X-Result-Count of a page that returns nothing is one more than
// the rows it read (all warninglisted, or none): a page that returned and
// skipped nothing is the last unless that count is the page size plus one.
func TestPagingEndsAtEmptyPage(t *testing.T) {
	tests := []struct {
		name      string
		body      string // the event's attributes, as mispsim JSON
		pageSize  int
		enforceWL bool
		wantN     int
		wantPages int
	}{
		{"page size 1, an empty page ends", `[{"type":"ip-dst","value":"192.0.2.1"},{"type":"ip-dst","value":"192.0.2.2"}]`, 1, false, 2, 3},
		// Page 2 read one warninglisted row, or two of which MISP's
		// allowedlist took the second: both count 2, so page 3 is read.
		{"page emptied by a warninglist", `[{"type":"ip-dst","value":"192.0.2.1"},{"type":"ip-dst","value":"192.0.2.2"},{"type":"ip-dst","value":"10.0.0.1"}]`, 2, true, 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim, err := mispsim.New(mispsim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "rfc1918", Type: "cidr", MatchingAttributes: []string{"ip-dst"}, List: []string{"10.0.0.0/8"}}); err != nil {
				t.Fatal(err)
			}
			var attrs []mispsim.Attribute
			if err := json.Unmarshal([]byte(tc.body), &attrs); err != nil {
				t.Fatal(err)
			}
			if _, err := sim.AddEvent(mispsim.Event{Info: "paging", Published: true, Attributes: attrs}); err != nil {
				t.Fatal(err)
			}
			url, err := sim.Start("")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sim.Close() })
			c := New(Options{Site: "s", BaseURL: url, Key: mispsim.DefaultKey, MaxPages: 10})
			q := Query{Types: []string{"ip-dst"}, EnforceWarninglist: tc.enforceWL}
			n, err := c.SearchAttributes(context.Background(), q, tc.pageSize, 1, discard)
			if err != nil {
				t.Fatal(err)
			}
			if pages := len(sim.Requests()); n != tc.wantN || pages != tc.wantPages {
				t.Errorf("read %d attributes in %d pages, want %d in %d", n, pages, tc.wantN, tc.wantPages)
			}
		})
	}
}

// A search of exactly MaxPages pages, its last one short, is read whole
// when its pages are read in parallel: a worker done with page 2 while
// page 3, the last, was still on its way found no page left under the
// bound, and failed the search as longer than MaxPages.
func TestLastPageAtMaxPagesInParallel(t *testing.T) {
	page2Done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q struct{ Page int }
		_ = json.NewDecoder(r.Body).Decode(&q)
		switch q.Page {
		case 1, 2:
			_, _ = w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.1"},{"type":"ip-dst","value":"192.0.2.2"}]}}`))
			if q.Page == 2 {
				close(page2Done)
			}
		case 3:
			// Page 3 answers after page 2, and some time after, so
			// that its worker asks for the page after page 2 first.
			<-page2Done
			select {
			case <-r.Context().Done():
				return
			case <-time.After(2 * time.Second):
			}
			_, _ = w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"192.0.2.3"}]}}`))
		default:
			_, _ = w.Write([]byte(`{"response":{"Attribute":[]}}`))
		}
	}))
	defer srv.Close()
	c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: time.Minute, MaxPages: 3})
	n, err := c.SearchAttributes(context.Background(), Query{}, 2, 2, noSink)
	if err != nil || n != 5 {
		t.Fatalf("%d attributes, %v; want 5", n, err)
	}
}

// searchPaged searches q, two attributes a page, at a MISP whose pages
// answer writes, and returns the attributes read and the pages asked for.
func searchPaged(t *testing.T, q Query, answer func(w http.ResponseWriter, page string)) (n, pages int) {
	t.Helper()
	var mu sync.Mutex
	base := pagedMISP(t, func(w http.ResponseWriter, page string) {
		mu.Lock()
		pages++
		mu.Unlock()
		answer(w, page)
	})
	c := New(Options{Site: "s", BaseURL: base, Key: testKey})
	n, err := c.SearchAttributes(context.Background(), q, 2, 1, discard)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return n, pages
}
