package suricata

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
)

// proxyIndicators are the URLs of the explicit-proxy tests: a port, IP
// hosts (10.0.0.2 is the capture's server) and a path matched raw.
var proxyIndicators = []indicator.Indicator{
	ind(indicator.URL, "http://u.example:8080/gate.php"),
	ind(indicator.URL, "http://10.0.0.2:8080/ip.php"),
	ind(indicator.URL, "http://[2001:db8::1]:8080/v6"),
	ind(indicator.URL, "http://p.example/a%41"),
}

// TestURLRulesDirectAndThroughProxy runs Suricata over requests sent to
// the server itself (origin-form, on port 8080) and to an explicit proxy
// (absolute-form, on port 3128): a URL's rule alerts on both, and not on
// another port, host or path.
func TestURLRulesDirectAndThroughProxy(t *testing.T) {
	const (
		port = "url http://u.example:8080/gate.php"
		ip   = "url http://10.0.0.2:8080/ip.php"
		ip6  = "url http://[2001:db8::1]:8080/v6"
		raw  = "url http://p.example/a%41"
	)
	cases := []struct {
		proxy        bool
		host, target string
		want         []string
	}{
		{false, "u.example:8080", "/gate.php", []string{port}},
		{false, "U.Example:8080", "/gate.php?x=1", []string{port}},
		{false, "u.example:8080", "/other.php", nil},
		{false, "10.0.0.2:8080", "/ip.php", []string{ip}},
		{false, "p.example", "/a%41", []string{raw}},
		{false, "p.example", "/x/a%41", nil},
		{true, "u.example:8080", "http://u.example:8080/gate.php", []string{port}},
		{true, "U.EXAMPLE:8080", "http://U.EXAMPLE:8080/gate.php", []string{port}},
		{true, "u.example:8081", "http://u.example:8081/gate.php", nil},
		{true, "u.example", "http://u.example/gate.php", nil},
		{true, "u.example:8080", "http://u.example:8080/other.php", nil},
		{true, "10.0.0.2:8080", "http://10.0.0.2:8080/ip.php", []string{ip}},
		{true, "10.0.0.3:8080", "http://10.0.0.3:8080/ip.php", nil},
		{true, "[2001:db8::1]:8080", "http://[2001:db8::1]:8080/v6", []string{ip6}},
		{true, "[2001:db8::2]:8080", "http://[2001:db8::2]:8080/v6", nil},
		{true, "p.example", "http://p.example/a%41", []string{raw}},
		{true, "p.example", "HTTP://P.Example/a%41?q", []string{raw}},
		{true, "p.example", "http://p.example/a%42", nil},
		{true, "p.example", "http://p.example/x/a%41", nil},
	}
	var direct, proxied [][]realtools.Segment
	var directCases, proxiedCases []int
	for i, c := range cases {
		if c.proxy {
			proxied, proxiedCases = append(proxied, httpGet(c.host, c.target)), append(proxiedCases, i)
		} else {
			direct, directCases = append(direct, httpGet(c.host, c.target)), append(directCases, i)
		}
	}
	check := func(got [][]string, which []int) {
		for j, i := range which {
			if c := cases[i]; !slices.Equal(got[j], c.want) {
				t.Errorf("GET %s, Host %q: alerts %q, want %q", c.target, c.host, got[j], c.want)
			}
		}
	}
	check(trafficAlerts(t, proxyIndicators, 8080, direct), directCases)
	check(trafficAlerts(t, proxyIndicators, 3128, proxied), proxiedCases)
}

// TestURLRuleMatchesBrowserEscapesDecoded runs Suricata over requests for
// a URL whose canonical form escapes non-ASCII bytes and quotes as a
// browser does: its rule alerts however the client writes them (upper- or
// lower-case escapes, raw bytes), directly and through a proxy, and not
// on another path.
func TestURLRuleMatchesBrowserEscapesDecoded(t *testing.T) {
	v, err := indicator.CanonicalURL(`http://e.example/straße/<x>?q="ä"`)
	if err != nil || v != "http://e.example/stra%C3%9Fe/%3Cx%3E?q=%22%C3%A4%22" {
		t.Fatalf("canonical %q, %v", v, err)
	}
	want := []string{"url " + v}
	cases := []struct {
		target string
		want   []string
	}{
		{"/stra%C3%9Fe/%3Cx%3E?q=%22%C3%A4%22", want},
		{"/stra%c3%9fe/%3cx%3e?q=%22%c3%a4%22&r", want},
		{`/straße/<x>?q="ä"`, want},
		{"http://e.example/stra%C3%9Fe/%3Cx%3E?q=%22%C3%A4%22", want},
		{`http://e.example/straße/<x>?q="ä"`, want},
		{"/stra%C3%9Fe/%3Cy%3E?q=%22%C3%A4%22", nil},
		{"/x/stra%C3%9Fe/%3Cx%3E?q=%22%C3%A4%22", nil},
	}
	var convs [][]realtools.Segment
	for _, c := range cases {
		convs = append(convs, httpGet("e.example", c.target))
	}
	got := trafficAlerts(t, []indicator.Indicator{ind(indicator.URL, v)}, 80, convs)
	for i, c := range cases {
		if !slices.Equal(got[i], c.want) {
			t.Errorf("GET %s: alerts %q, want %q", c.target, got[i], c.want)
		}
	}
}
