package misp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A MISP whose memory coefficient was changed reads pages in pieces of
// another size than 50 rows: a page ending at a piece that warninglists
// shortened is caught whatever the size, and the next read asks pages of
// the rows it read.
func TestCutPageFoundWithAnyMemoryCoefficient(t *testing.T) {
	tests := []struct {
		coefficient, attrs, listed, pageSize int
	}{
		{7, 30, 2, 20},
		{80, 200, 10, 150},
		{120, 300, 0, 250},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("coefficient %d", tc.coefficient), func(t *testing.T) {
			sim, url := warninglistedMISP(t, mispsim.Options{MemoryLimitMB: 1, MemoryCoefficient: tc.coefficient}, tc.attrs, tc.listed)
			q := Query{Types: []string{"ip-dst"}, EnforceWarninglist: true}
			read := func() (int, error) {
				c := New(Options{Site: "s", BaseURL: url, Key: mispsim.DefaultKey, MaxPages: 100})
				return c.SearchAttributes(context.Background(), q, tc.pageSize, 2, discard)
			}
			n, err := read()
			want := fmt.Sprintf("MISP ended page 1 after %d of its %d rows and has more", tc.coefficient, tc.pageSize)
			var me *Error
			if !errors.As(err, &me) || me.Kind != BadResponse || !strings.Contains(err.Error(), want) {
				t.Fatalf("first read: %d attributes, error %v; want a BadResponse saying %q", n, err, want)
			}
			sim.ResetRequests()
			if n, err = read(); err != nil || n != tc.attrs-1 {
				t.Fatalf("second read: %d attributes, %v; want %d", n, err, tc.attrs-1)
			}
			limit := fmt.Sprintf(`"limit":%d,`, tc.coefficient)
			if reqs := sim.Requests(); len(reqs) == 0 || !strings.Contains(string(reqs[0].Body), limit) {
				t.Errorf("second read's first request %+v, want %s", reqs, limit)
			}
		})
	}
}

// A row written between a last page that warninglists shortened and the
// check for a row after it is no cut: the page asked again reads it too.
// The read fails, as MISP changed under it, and later reads keep their
// page size.
func TestRowWrittenDuringTheReadIsNoCut(t *testing.T) {
	sim, _ := warninglistedMISP(t, mispsim.Options{}, 7, 0)
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sim.ServeHTTP(w, r)
		once.Do(func() {
			if _, err := sim.AddEvent(mispsim.Event{Info: "late", Published: true, Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "203.0.113.9"}}}); err != nil {
				t.Error(err)
			}
		})
	}))
	t.Cleanup(func() { srv.Close(); pageSizes.Delete(srv.URL) })
	c := New(Options{Site: "s", BaseURL: srv.URL, Key: mispsim.DefaultKey})
	q := Query{Types: []string{"ip-dst"}, EnforceWarninglist: true}
	_, err := c.SearchAttributes(context.Background(), q, 60, 1, discard)
	want := "MISP changed during the read: page 1 read 7 rows, then 8 when asked again"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("read: %v; want an error saying %q", err, want)
	}
	if size := c.pageSizeFor(60); size != 60 {
		t.Errorf("page size %d after the read, want 60", size)
	}
}
