package suricata

import (
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// clientHello is a client's TLS ClientHello naming sni in its
// server_name extension, or without the extension when sni is empty.
func clientHello(sni string) []realtools.Segment {
	var ext []byte
	if sni != "" {
		name := binary.BigEndian.AppendUint16([]byte{0}, uint16(len(sni))) // host_name entry
		name = append(name, sni...)
		list := append(binary.BigEndian.AppendUint16(nil, uint16(len(name))), name...)
		ext = append(binary.BigEndian.AppendUint16([]byte{0, 0}, uint16(len(list))), list...) // server_name
	}
	hello := append([]byte{3, 3}, make([]byte, 32)...) // version, random
	hello = append(hello, 0, 0, 2, 0, 0x2f, 1, 0)      // session id, one suite, null compression
	hello = append(binary.BigEndian.AppendUint16(hello, uint16(len(ext))), ext...)
	hs := append([]byte{1, 0}, binary.BigEndian.AppendUint16(nil, uint16(len(hello)))...)
	hs = append(hs, hello...)
	rec := append(binary.BigEndian.AppendUint16([]byte{0x16, 3, 1}, uint16(len(hs))), hs...)
	return []realtools.Segment{{Client: true, Data: string(rec)}}
}

// httpGet is an HTTP/1.1 GET of target with the Host header host, and
// its answer.
func httpGet(host, target string) []realtools.Segment {
	return []realtools.Segment{
		{Client: true, Data: "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: t\r\n\r\n"},
		{Data: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
	}
}

// trafficAlerts renders ins, runs Suricata over one TCP connection per
// conversation to port, and returns for each conversation the sorted
// "<kind> <value>" of the msg of every rule that alerted on it.
func trafficAlerts(t *testing.T, ins []indicator.Indicator, port uint16, convs [][]realtools.Segment) [][]string {
	t.Helper()
	out, drops := renderOut(t, "", nil, ins)
	if len(drops) > 0 {
		t.Fatalf("drops %v", drops)
	}
	msgs := map[uint64]string{}
	for _, r := range rules(out) {
		sid, _ := strconv.ParseUint(sidRE.FindStringSubmatch(r)[1], 10, 64)
		_, msg, _ := strings.Cut(r, `msg:"CRATOS `)
		msgs[sid], _, _ = strings.Cut(msg, `"; `)
	}
	alerts, err := realtools.SuricataAlerts(t, out, realtools.TCPCapture(port, convs...))
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]string, len(convs))
	for _, a := range alerts {
		i := a.SrcPort - 40000
		if i < 0 || i >= len(convs) || msgs[a.SID] == "" {
			t.Fatalf("alert %+v from no conversation or rule", a)
		}
		got[i] = append(got[i], msgs[a.SID])
	}
	for i := range got {
		slices.Sort(got[i])
	}
	return got
}

// nameIndicators are the indicators of the TLS and HTTP name tests.
var nameIndicators = []indicator.Indicator{
	ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "h.evil.example"),
	ind(indicator.URL, "http://u.example/gate.php"), ind(indicator.URL, "https://s.example/login"),
}

// TestNameRulesOnTLS runs Suricata over ClientHellos: a name's rules
// alert on it in any case and with a trailing dot (the same name to
// servers), and not on names that only begin or end like it.
func TestNameRulesOnTLS(t *testing.T) {
	cases := []struct {
		sni  string
		want []string
	}{
		{"bad.example", []string{"domain-tls bad.example"}},
		{"WWW.Bad.Example", []string{"domain-tls bad.example"}},
		{"bad.example.", []string{"domain-tls bad.example"}},
		{"www.bad.example.", []string{"domain-tls bad.example"}},
		{"notbad.example", nil},
		{"bad.example.net", nil},
		{"bad.example..", nil},
		{"bad.example.bad.examplex", nil},
		{"x.bad.example.bad.example.", []string{"domain-tls bad.example"}},
		{"h.evil.example", []string{"hostname-tls h.evil.example"}},
		{"H.EVIL.EXAMPLE.", []string{"hostname-tls h.evil.example"}},
		{"h.evil.example.x", nil},
		{"x.h.evil.example", nil},
		{"s.example", []string{"url-tls s.example"}},
		{"s.example.", []string{"url-tls s.example"}},
		{"s.example.net", nil},
	}
	var convs [][]realtools.Segment
	for _, c := range cases {
		convs = append(convs, clientHello(c.sni))
	}
	got := trafficAlerts(t, nameIndicators, 443, convs)
	for i, c := range cases {
		if !slices.Equal(got[i], c.want) {
			t.Errorf("SNI %q: alerts %q, want %q", c.sni, got[i], c.want)
		}
	}
}

// TestNameRulesOnHTTP runs Suricata over HTTP requests: a name's rules
// alert on its Host header in any case, with a port or without and with
// a trailing dot, and not on names that only begin or end like it.
func TestNameRulesOnHTTP(t *testing.T) {
	cases := []struct {
		host, target string
		want         []string
	}{
		{"bad.example", "/", []string{"domain-http bad.example"}},
		{"www.BAD.example:8080", "/", []string{"domain-http bad.example"}},
		{"bad.example.", "/", []string{"domain-http bad.example"}},
		{"www.Bad.Example.:80", "/", []string{"domain-http bad.example"}},
		{"notbad.example", "/", nil},
		{"bad.example.net", "/", nil},
		{"bad.example..", "/", nil},
		{"h.evil.example", "/", []string{"hostname-http h.evil.example"}},
		{"H.Evil.Example:81", "/", []string{"hostname-http h.evil.example"}},
		{"h.evil.example.", "/", []string{"hostname-http h.evil.example"}},
		{"h.evil.examplex", "/", nil},
		{"x.h.evil.example", "/", nil},
		{"u.example", "/gate.php?id=1", []string{"url http://u.example/gate.php"}},
		{"U.Example:80", "/gate.php", []string{"url http://u.example/gate.php"}},
		{"u.example.", "/gate.php", []string{"url http://u.example/gate.php"}},
		{"u.example.x", "/gate.php", nil},
		{"u.example", "/gate.ph", nil},
		{"x.u.example", "/gate.php", nil},
	}
	var convs [][]realtools.Segment
	for _, c := range cases {
		convs = append(convs, httpGet(c.host, c.target))
	}
	got := trafficAlerts(t, nameIndicators, 80, convs)
	for i, c := range cases {
		if !slices.Equal(got[i], c.want) {
			t.Errorf("Host %q, %s: alerts %q, want %q", c.host, c.target, got[i], c.want)
		}
	}
}

// TestIPHostTLSRuleAlertsOncePerSession runs Suricata over TLS sessions to
// the IP host of https URLs, with and without SNI and with several records
// from the client after the ClientHello: each rule alerts once a session.
func TestIPHostTLSRuleAlertsOncePerSession(t *testing.T) {
	ins := []indicator.Indicator{ind(indicator.URL, "https://10.0.0.2/x"), ind(indicator.URL, "https://10.0.0.2:8443/y")}
	session := func(sni string) []realtools.Segment {
		conv := append(clientHello(sni), realtools.Segment{Data: "\x16\x03\x03\x00\x04\x0e\x00\x00\x00"}) // ServerHelloDone
		for range 4 {
			conv = append(conv, realtools.Segment{Client: true, Data: "\x17\x03\x03\x00\x04data"}) // application data
		}
		return conv
	}
	want := []string{"url-tls 10.0.0.2", "url-tls 10.0.0.2:8443"}
	got := trafficAlerts(t, ins, 8443, [][]realtools.Segment{session(""), session("s.example")})
	for i, sni := range []string{"", "s.example"} {
		if !slices.Equal(got[i], want) {
			t.Errorf("session with SNI %q: alerts %q, want %q", sni, got[i], want)
		}
	}
}
