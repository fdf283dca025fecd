package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
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
