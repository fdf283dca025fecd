package suricata

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// tlsProxyIndicators are the https URLs of the explicit-proxy TLS tests: a
// name with a port, IP hosts with and without a port (10.0.0.2 is the
// capture's server, the proxy in the tunnels), an IPv6 host and a name
// without a port.
var tlsProxyIndicators = []indicator.Indicator{
	ind(indicator.URL, "https://s.example:8443/login"),
	ind(indicator.URL, "https://10.0.0.2:8443/ip"),
	ind(indicator.URL, "https://198.51.100.9/ip"),
	ind(indicator.URL, "https://[2001:db8::1]/v6"),
	ind(indicator.URL, "https://t.example/x"),
}

// connectTunnel is a CONNECT request for authority to an explicit proxy,
// its answer and, unless sni is empty, the ClientHello sent in the tunnel.
func connectTunnel(authority, sni string) []realtools.Segment {
	s := []realtools.Segment{
		{Client: true, Data: "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: t\r\n\r\n"},
		{Data: "HTTP/1.1 200 Connection established\r\n\r\n"},
	}
	if sni != "" {
		s = append(s, clientHello(sni)...)
	}
	return s
}

// TestHTTPSURLRulesDirectAndThroughProxy runs Suricata over ClientHellos
// sent to the server itself (on ports 8443 and 443) and through CONNECT
// tunnels to an explicit proxy (on port 3128): an https URL's rules alert
// on both, and not on another port, host or name.
func TestHTTPSURLRulesDirectAndThroughProxy(t *testing.T) {
	const (
		name     = "url-tls s.example:8443"
		ip       = "url-tls 10.0.0.2:8443"
		noPort   = "url-tls t.example"
		nameConn = "url-connect s.example:8443"
		ipConn   = "url-connect 10.0.0.2:8443"
		ip443C   = "url-connect 198.51.100.9:443"
		ip6Conn  = "url-connect [2001:db8::1]:443"
	)
	runs := []struct {
		port  uint16
		convs [][]realtools.Segment
		want  [][]string
	}{
		{8443, [][]realtools.Segment{
			clientHello("s.example"), clientHello("S.Example."), clientHello("s.example.net"),
			clientHello("t.example"), clientHello("x.example"), clientHello(""),
		}, [][]string{{ip, name}, {ip, name}, {ip}, {ip, noPort}, {ip}, {ip}}},
		{443, [][]realtools.Segment{
			clientHello("s.example"), clientHello("t.example"), clientHello(""),
		}, [][]string{nil, {noPort}, nil}},
		{3128, [][]realtools.Segment{
			connectTunnel("s.example:8443", "s.example"),
			connectTunnel("S.Example.:8443", "s.example"),
			connectTunnel("s.example:8443", ""),
			connectTunnel("s.example:443", "s.example"),
			connectTunnel("s.example:8444", "s.example"),
			connectTunnel("s.example:84430", "s.example"),
			connectTunnel("xs.example:8443", "xs.example"),
			connectTunnel("s.example.net:8443", "s.example.net"),
			connectTunnel("10.0.0.2:8443", ""),
			connectTunnel("198.51.100.9:443", ""),
			connectTunnel("198.51.100.9:4433", ""),
			connectTunnel("198.51.100.90:443", ""),
			connectTunnel("1198.51.100.9:443", ""),
			connectTunnel("10.0.0.2:443", ""),
			connectTunnel("[2001:db8::1]:443", ""),
			connectTunnel("[2001:db8::10]:443", ""),
			connectTunnel("[2001:db8::1]:8443", ""),
			connectTunnel("t.example:443", "t.example"),
			connectTunnel("x.example:443", "x.example"),
			httpGet("s.example:8443", "http://s.example:8443/login"),
		}, [][]string{
			{nameConn}, {nameConn}, {nameConn}, nil, nil, nil, nil, nil,
			{ipConn}, {ip443C}, nil, nil, nil, nil, {ip6Conn}, nil, nil,
			{noPort}, nil, nil,
		}},
	}
	for _, run := range runs {
		got := trafficAlerts(t, tlsProxyIndicators, run.port, run.convs)
		for i, want := range run.want {
			if !slices.Equal(got[i], want) {
				t.Errorf("port %d, conversation %d (%.60q): alerts %q, want %q", run.port, i, run.convs[i][0].Data, got[i], want)
			}
		}
	}
}
