package server

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/acl"
)

// A trusted proxy is exempt by its own address, not by its /64: an IPv6
// proxy listed as a /128 has no per-address cap, and another address of
// its /64 keeps the cap.
func TestConnLimitExemptIPv6ProxyByAddress(t *testing.T) {
	for _, tc := range []struct {
		trusted string
		exempt  bool
	}{
		{"::1/128", true},
		{"::/128", false}, // the /64 of ::1 as an address, not ::1
		{"::/64", true},
	} {
		t.Run(tc.trusted, func(t *testing.T) {
			ln, err := net.Listen("tcp", "[::1]:0")
			if err != nil {
				t.Skip("no IPv6 loopback:", err)
			}
			trusted := []netip.Prefix{netip.MustParsePrefix(tc.trusted)}
			ll := newLimitListener(ln, 30, 2, func(a netip.Addr) bool { return acl.Contains(trusted, a) }, nil)
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
				ReadHeaderTimeout: time.Minute}
			go func() { _ = srv.Serve(ll) }()
			t.Cleanup(func() { _ = srv.Close() })
			addr := ln.Addr().String()
			dialFrom(t, "::1", addr)
			dialFrom(t, "::1", addr)
			waitOpen(t, ll, 2)
			line, err := request("::1", addr)
			if served := err == nil && line == "HTTP/1.1 200 OK"; served != tc.exempt {
				t.Errorf("third connection from ::1: %q %v, want served %v", line, err, tc.exempt)
			}
		})
	}
}
