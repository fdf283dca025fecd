package server_test

import (
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// smallWindowDialer connects from src with a small receive buffer, so that
// an answer the client does not read fills it and the server's send
// buffer quickly.
func smallWindowDialer(src string) *net.Dialer {
	d := dialerFrom(src)
	d.Control = func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) }); cerr != nil {
			return cerr
		}
		return err
	}
	return d
}

// The send timeout runs between two writes that make progress, as nginx's
// send_timeout: a client that reads nothing of a large list is cut after
// it, and frees its connection, while a client that reads the list slowly,
// for longer than the timeout, gets all of it.
func TestSendTimeoutRunsBetweenWrites(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }), withConfig(func(c *config.Config) {
		c.SendTimeoutSeconds = 3
		c.MaxConnections, c.MaxConnectionsPerIP = 64, 1
	}))
	big := mispsim.Event{Info: "wide nets", Published: true, OrgName: "Acme", OrgUUID: acmeUUID, Tags: []string{"example:incident-classification=block"}}
	for i := range 8 {
		big.Attributes = append(big.Attributes, mispsim.Attribute{Type: "ip-dst", Value: fmt.Sprintf("100.%d.0.0/16", 64+i), ToIDS: true})
	}
	if _, err := h.sim.AddEvent(big); err != nil {
		t.Fatal(err)
	}
	const path = "/v1/feed/block/type/ipv4ext/age/1y/output/txt"
	_, want := h.authed(path)
	if len(want) < 6<<20 {
		t.Fatalf("list of %d bytes, want more than the socket buffers hold", len(want))
	}
	request := "GET " + path + " HTTP/1.1\r\nHost: cratos\r\ntoken: " + h.token + "\r\nConnection: close\r\n\r\n"
	pull := func(t *testing.T, src string) net.Conn {
		c, err := smallWindowDialer(src).Dial("tcp", strings.TrimPrefix(h.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(5 * time.Minute))
		if _, err := io.WriteString(c, request); err != nil {
			t.Fatal(err)
		}
		return c
	}

	t.Run("a slow reader gets the whole list", func(t *testing.T) {
		c := pull(t, "127.0.0.2")
		var got []byte
		buf := make([]byte, 64<<10)
		start := time.Now()
		for {
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
			time.Sleep(10 * time.Millisecond) // some 4 MiB/s at most
		}
		_, body, _ := strings.Cut(string(got), "\r\n\r\n")
		if !strings.HasPrefix(string(got), "HTTP/1.1 200 OK\r\n") || body != want {
			t.Errorf("read %d bytes of the list in %v, want %d", len(body), time.Since(start), len(want))
		}
	})

	t.Run("a client reading nothing is cut", func(t *testing.T) {
		stuck := pull(t, "127.0.0.3")
		// Its connection is freed: the next from its address is served.
		testtool.WaitFor(t, "connection freed", time.Minute, func() bool {
			c, err := dialerFrom("127.0.0.3").Dial("tcp", strings.TrimPrefix(h.base, "http://"))
			if err != nil {
				return false
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_, _ = io.WriteString(c, "GET /v1/status?sites=0 HTTP/1.1\r\nHost: cratos\r\nConnection: close\r\n\r\n")
			b, _ := io.ReadAll(c)
			return strings.HasPrefix(string(b), "HTTP/1.1 200")
		})
		got, _ := io.ReadAll(stuck)
		if len(got) >= len(want) {
			t.Errorf("the client that read nothing got %d bytes, want the list cut short", len(got))
		}
	})
}
