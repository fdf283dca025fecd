package misp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func noSink() func(indicator.Attribute) { return func(indicator.Attribute) {} }

// reads are the two ways the client reads an answer: whole, and decoded
// as it arrives (a restSearch).
var reads = []struct {
	name string
	read func(*Client) error
}{
	{"whole", func(c *Client) error {
		_, err := c.PostJSON(context.Background(), "/attributes/restSearch", []byte(`{}`))
		return err
	}},
	{"restSearch", func(c *Client) error {
		_, err := c.SearchAttributes(context.Background(), Query{Types: []string{"ip-dst"}}, 0, 1, noSink)
		return err
	}},
}

func TestContentLengthIsNotTrusted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				buf := make([]byte, 8192)
				_, _ = c.Read(buf)
				// Declares a gigabyte, sends 30 bytes, hangs up.
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"response\":{\"Attribute\":[]}}")
			}()
		}
	}()
	c := New(Options{Site: "misp.example", BaseURL: "http://" + ln.Addr().String(), Key: testKey, Timeout: 10 * time.Second})
	for _, r := range reads {
		var err error
		n := allocated(func() { err = r.read(c) })
		var me *Error
		if !errors.As(err, &me) || me.Kind != BadResponse || me.Detail != "connection broke during the answer" {
			t.Errorf("%s: a body shorter than its Content-Length: %v", r.name, err)
		}
		if n > 32<<20 {
			t.Errorf("%s: a 30-byte answer declaring 1 GiB allocated %d MiB", r.name, n>>20)
		}
	}
}

func TestDecompressedSizeIsBounded(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"`))
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB inflated from about 64 KiB
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(gz.Bytes())
	}))
	defer srv.Close()
	c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: 10 * time.Second, MaxResponseBytes: 1 << 20})
	for _, r := range reads {
		var err error
		n := allocated(func() { err = r.read(c) })
		var me *Error
		if !errors.As(err, &me) || me.Kind != BadResponse || !strings.Contains(me.Detail, "larger than 1048576 bytes") {
			t.Errorf("%s: gzip bomb: %v, want a BadResponse naming the bound", r.name, err)
		}
		if n > 16<<20 {
			t.Errorf("%s: a %d KiB gzip body allocated %d MiB under a 1 MiB bound", r.name, gz.Len()>>10, n>>20)
		}
	}
}

// TestSearchMemoryIsNotThePage reads a 24 MiB restSearch page: decoded
// as it arrives, it allocates the attributes' own strings and a window,
// not a buffer the size of the page.
func TestSearchMemoryIsNotThePage(t *testing.T) {
	const attrs = 40000
	comment := strings.Repeat("c", 560)
	var page bytes.Buffer
	page.WriteString(`{"response":{"Attribute":[`)
	for i := range attrs {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"type":"ip-dst","value":"10.%d.%d.%d","to_ids":true,"comment":"%s","uuid":"5f0e3c52-0000-4000-8000-%012d"}`,
			i>>16, i>>8&255, i&255, comment, i)
	}
	page.WriteString(`]}}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page.Bytes())
	}))
	defer srv.Close()
	c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: time.Minute})
	var got int
	var err error
	n := allocated(func() {
		got, err = c.SearchAttributes(context.Background(), Query{Types: []string{"ip-dst"}}, attrs+1, 1, noSink)
	})
	if err != nil || got != attrs {
		t.Fatalf("read %d attributes, %v; want %d", got, err, attrs)
	}
	// The strings are about 50 bytes an attribute, 2 MB in all.
	if n > 6<<20 {
		t.Errorf("a %d MiB page allocated %d MiB", page.Len()>>20, n>>20)
	}
}

// endlessPages answers every page full.
func endlessPages(count *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		_, _ = w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"198.51.100.7","to_ids":1},{"type":"ip-dst","value":"198.51.100.8","to_ids":1}]}}`))
	}
}

func TestSearchBounds(t *testing.T) {
	tests := []struct {
		name          string
		pages, attrs  int
		detail        string
		maxRequests   int64
		minAttributes int
	}{
		{"pages", 5, 1000, "answered more than 5 pages for one list", 5, 8},
		{"attributes", 1000, 7, "answered more than 7 attributes for one list", 6, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var count atomic.Int64
			srv := httptest.NewServer(endlessPages(&count))
			defer srv.Close()
			c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: 10 * time.Second, MaxPages: tc.pages, MaxAttributes: tc.attrs})
			n, err := c.SearchAttributes(context.Background(), Query{Types: []string{"ip-dst"}}, 2, 2, noSink)
			var me *Error
			if !errors.As(err, &me) || me.Kind != BadResponse || !strings.Contains(me.Detail, tc.detail) {
				t.Fatalf("endless pages: %d attributes, %v; want %q", n, err, tc.detail)
			}
			if got := count.Load(); got > tc.maxRequests {
				t.Errorf("MISP was asked %d pages, want at most %d", got, tc.maxRequests)
			}
		})
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	sinkURL, leaked := testtool.KeySink(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, sinkURL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: 10 * time.Second})
	for _, r := range reads {
		err := r.read(c)
		var me *Error
		if !errors.As(err, &me) || me.Kind != BadResponse || me.Status != 307 || !strings.Contains(me.Detail, "redirect, not followed") {
			t.Errorf("%s: redirect: %v, want a BadResponse naming the redirect", r.name, err)
		}
	}
	if leaked.Load() != 0 {
		t.Errorf("the key was sent to the redirect target %d times", leaked.Load())
	}
}
