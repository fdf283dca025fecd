package misp

import (
	"context"
	"net/http"
	"sync"
	"testing"
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
			var mu sync.Mutex
			pages := 0
			base := pagedMISP(t, func(w http.ResponseWriter, page string) {
				mu.Lock()
				pages++
				mu.Unlock()
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
			c := New(Options{Site: "s", BaseURL: base, Key: testKey})
			n, err := c.SearchAttributes(context.Background(), Query{}, 2, 1, discard)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.wantN || pages != tc.wantPages {
				t.Errorf("read %d attributes in %d pages, want %d in %d", n, pages, tc.wantN, tc.wantPages)
			}
		})
	}
}
