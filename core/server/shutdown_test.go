package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/metrics"
	"github.com/cratos-project/cratos/core/server"
	"github.com/cratos-project/cratos/renderers"
)

// At shutdown a connection that has sent nothing (a pool's spare, a
// health check that never spoke) is closed rather than waited for, and a
// kept-alive connection between requests is closed too: the stop does not
// wait for the read timeout (30 s).
func TestShutdownClosesConnectionsThatSentNothing(t *testing.T) {
	h := newHarness(t)
	addr := strings.TrimPrefix(h.base, "http://")
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	silent, used := dial(), dial()
	if _, err := io.WriteString(used, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(used), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status on the used connection: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v after %s", err, time.Since(start).Round(time.Millisecond))
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown took %s", took.Round(time.Millisecond))
	}
	_ = silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := silent.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Errorf("the silent connection read %d bytes, %v; want it closed", n, err)
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "connection reset") }

// A shutdown that begins before or as Serve starts still ends it: the
// service stopped by a signal just after start would otherwise serve on,
// and its stop wait for ever.
func TestShutdownBeforeServe(t *testing.T) {
	newServer := func() *server.Server {
		exp := export.New(export.Options{Renderers: renderers.Builtin(), Store: cache.NewMemory(1 << 20), KeySecret: []byte("k")})
		return server.New(server.Options{Config: &config.Config{EncryptionKey: testEncKey, Salt: testSalt, Listen: "127.0.0.1:0"},
			Sites: config.NewSites(), Codec: codec, Export: exp, Renderers: renderers.Builtin(), Metrics: metrics.New()})
	}
	serve := func(srv *server.Server) (chan error, net.Listener) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		return served, ln
	}
	ended := func(served chan error, ln net.Listener, what string) {
		t.Helper()
		select {
		case <-served:
		case <-time.After(20 * time.Second):
			_ = ln.Close()
			t.Fatalf("%s: Serve still running 20 s after Shutdown", what)
		}
	}
	srv := newServer()
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	served, ln := serve(srv)
	ended(served, ln, "shutdown before Serve")

	// Shutdown as Serve starts, at every point of its start.
	for i := range 50 {
		srv := newServer()
		served, ln := serve(srv)
		if i%2 == 1 {
			runtime.Gosched()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := srv.Shutdown(ctx)
		cancel()
		if err != nil {
			t.Fatalf("turn %d: shutdown: %v", i, err)
		}
		ended(served, ln, fmt.Sprintf("turn %d", i))
	}
}
