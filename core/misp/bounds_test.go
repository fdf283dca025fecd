package misp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
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
	var err2 error
	n := allocated(func() { _, err2 = c.PostJSON(context.Background(), "/attributes/restSearch", []byte(`{}`)) })
	if err2 == nil {
		t.Fatal("a body shorter than its Content-Length was accepted")
	}
	if n > 32<<20 {
		t.Errorf("a 30-byte answer declaring 1 GiB allocated %d MiB", n>>20)
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
	var err error
	n := allocated(func() { _, err = c.PostJSON(context.Background(), "/attributes/restSearch", []byte(`{}`)) })
	var me *Error
	if !errors.As(err, &me) || me.Kind != BadResponse || !strings.Contains(me.Detail, "larger than 1048576 bytes") {
		t.Fatalf("gzip bomb: %v, want a BadResponse naming the bound", err)
	}
	if n > 16<<20 {
		t.Errorf("a %d KiB gzip body allocated %d MiB under a 1 MiB bound", gz.Len()>>10, n>>20)
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
	_, err := c.PostJSON(context.Background(), "/attributes/restSearch", []byte(`{}`))
	var me *Error
	if !errors.As(err, &me) || me.Kind != BadResponse || me.Status != 307 || !strings.Contains(me.Detail, "redirect, not followed") {
		t.Errorf("redirect: %v, want a BadResponse naming the redirect", err)
	}
	if leaked.Load() != 0 {
		t.Errorf("the key was sent to the redirect target %d times", leaked.Load())
	}
}
