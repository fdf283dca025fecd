package server_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// A full house of connections that wait for a request (opened and silent,
// kept alive after an answer, or with a request partly sent) does not
// lock devices out: past max_connections, the connection that has waited
// longest is closed to admit the new one, as nginx frees its idle
// connections when it runs out.
func TestConnectionFloodLeavesRoomForDevices(t *testing.T) {
	const total = 8
	list := "/v1/feed/block/type/ipv4/age/1y/output/txt"
	cases := []struct {
		name string
		hold func(t *testing.T, c net.Conn) // what a flooding connection does
	}{
		{"opened and silent", func(*testing.T, net.Conn) {}},
		{"kept alive after an answer", func(t *testing.T, c net.Conn) {
			if _, err := io.WriteString(c, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
		}},
		{"a request partly sent", func(t *testing.T, c net.Conn) {
			if _, err := io.WriteString(c, "GET /v1/status HTTP/1.1\r\nHo"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, withConfig(func(c *config.Config) { c.Limits.MaxConnections = total }))
			if resp, body := h.authed(list); resp.StatusCode != http.StatusOK {
				t.Fatalf("first pull: %d %s", resp.StatusCode, body)
			}
			addr := strings.TrimPrefix(h.base, "http://")
			flood := dialerFrom("127.0.0.2")
			for range total {
				c, err := flood.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = c.Close() })
				tc.hold(t, c)
			}
			time.Sleep(100 * time.Millisecond) // let the server see the last one
			device := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
				DialContext: dialerFrom("127.0.0.3").DialContext, DisableKeepAlives: true}}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, h.base+list, nil)
			req.Header.Set("token", h.token)
			resp, err := device.Do(req)
			if err != nil {
				t.Fatalf("a device's pull with %d connections waiting: %v", total, err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a device's pull: %d, want 200", resp.StatusCode)
			}
		})
	}
}

// dialerFrom dials from the loopback address src.
func dialerFrom(src string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
}
