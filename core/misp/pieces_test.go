package misp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A MISP whose memory_limit reads pages in pieces of 50 rows: a page of
// 120 ends at a piece that warninglists shorten, and a page of 100 (two
// whole pieces) reads every row left. Either read fails, naming what
// happened, and the next read of that MISP asks pages it reads whole.
func TestPagesReadInPieces(t *testing.T) {
	tests := []struct {
		name      string
		pageSize  int
		enforceWL bool
		wantErr   string
		wantN     int // in the read after the failed one
		wantSize  string
	}{
		{"a piece shortened by a warninglist", 120, true, "MISP ended page 1 after 50 of its 120 rows and has more", 129, `"limit":50`},
		{"a page of whole pieces", 100, false, "MISP answered 130 rows for a page of 100", 130, `"limit":99`},
		{"pages within a piece", 40, true, "", 129, `"limit":40`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim, url := warninglistedMISP(t, mispsim.Options{MemoryLimitMB: 1}, 130, 10)
			q := Query{Types: []string{"ip-dst"}, EnforceWarninglist: tc.enforceWL}
			read := func() (int, error) {
				c := New(Options{Site: "s", BaseURL: url, Key: mispsim.DefaultKey, MaxPages: 100})
				return c.SearchAttributes(context.Background(), q, tc.pageSize, 2, discard)
			}
			n, err := read()
			var me *Error
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (!errors.As(err, &me) || me.Kind != BadResponse || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("first read: %d attributes, error %v; want a BadResponse saying %q", n, err, tc.wantErr)
			}
			sim.ResetRequests()
			if n, err = read(); err != nil || n != tc.wantN {
				t.Fatalf("second read: %d attributes, %v; want %d", n, err, tc.wantN)
			}
			if reqs := sim.Requests(); len(reqs) == 0 || !strings.Contains(string(reqs[0].Body), tc.wantSize) {
				t.Errorf("second read's first request %+v, want %s", reqs, tc.wantSize)
			}
		})
	}
}

// A last page short of its size is checked for a row after it only when
// warninglists shortened it, whatever number of rows it read; a MISP that
// reads pages whole answers that check with nothing.
func TestLastPageCheckedWhenShortened(t *testing.T) {
	tests := []struct {
		name         string
		attrs        int // the first one warninglisted
		enforceWL    bool
		wantRequests int
	}{
		{"7 rows read, none skipped", 7, false, 1},
		{"7 rows read, 1 skipped", 7, true, 2},
		{"50 rows read, 1 skipped", 50, true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim, url := warninglistedMISP(t, mispsim.Options{}, tc.attrs, 0)
			c := New(Options{Site: "s", BaseURL: url, Key: mispsim.DefaultKey})
			want := tc.attrs
			if tc.enforceWL {
				want--
			}
			n, err := c.SearchAttributes(context.Background(), Query{Types: []string{"ip-dst"}, EnforceWarninglist: tc.enforceWL}, 60, 1, discard)
			if err != nil || n != want {
				t.Fatalf("read %d attributes, %v; want %d", n, err, want)
			}
			if reqs := len(sim.Requests()); reqs != tc.wantRequests {
				t.Errorf("%d requests, want %d", reqs, tc.wantRequests)
			}
		})
	}
}

// warninglistedMISP starts an emulator of opts holding n ip-dst
// attributes, the one at index listed on an RFC 1918 warninglist, and
// forgets on cleanup what reads of it learnt of its page sizes.
func warninglistedMISP(t *testing.T, opts mispsim.Options, n, listed int) (*mispsim.Server, string) {
	t.Helper()
	sim, err := mispsim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	attrs := make([]mispsim.Attribute, n)
	for i := range attrs {
		attrs[i] = mispsim.Attribute{Type: "ip-dst", Value: fmt.Sprintf("198.51.%d.%d", i/100, i%100+1)}
	}
	attrs[listed].Value = "10.0.0.1"
	if _, err := sim.AddEvent(mispsim.Event{Info: "pages", Published: true, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "rfc1918", Type: "cidr", MatchingAttributes: []string{"ip-dst"}, List: []string{"10.0.0.0/8"}}); err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close(); pageSizes.Delete(url) })
	return sim, url
}
