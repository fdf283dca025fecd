package dnsmasq

import (
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

var request = rendertest.Request

func ind(t indicator.Type, v string) indicator.Indicator { return rendertest.Ind(t, v, 0) }

const head = "# Cratos block list for dnsmasq: conf-file= or /etc/dnsmasq.d.\n"

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestRender(t *testing.T) {
	rendertest.Rows(t, Renderer{}, func(opts map[string]string) renderers.Request { return request("", opts) }, rendertest.Prefixed(head, []rendertest.Row{
		{"nxdomain, covered names left out", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"), ind(indicator.Domain, "a.b.bad.example"),
			ind(indicator.Hostname, "notbad.example"), ind(indicator.Hostname, "bad.example")},
			"address=/bad.example/\naddress=/notbad.example/\n",
			map[string]int{"dnsmasq " + nameset.ReasonCovered: 2, "dnsmasq " + nameset.ReasonDuplicate: 1}},
		{"local", map[string]string{"mode": "local"}, []indicator.Indicator{ind(indicator.Domain, "_dmarc.bad.example")},
			"local=/_dmarc.bad.example/\n", nil},
		{"sinkhole", map[string]string{"mode": "sinkhole", "sinkhole_a": "192.0.2.10", "sinkhole_aaaa": "2001:DB8::0:1"}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			"address=/bad.example/192.0.2.10\naddress=/bad.example/2001:db8::1\n", nil},
		{"sinkhole, IPv6 only", map[string]string{"mode": "sinkhole", "sinkhole_a": ""}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			"address=/bad.example/::\n", nil},
		{"injection refused", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example/192.0.2.1"), ind(indicator.Domain, "#"), ind(indicator.Domain, "bad.example/#"),
			ind(indicator.Domain, "bad.example\nserver=192.0.2.1"), ind(indicator.Hostname, "*.bad.example"), ind(indicator.Domain, "bad .example")},
			"", map[string]int{"dnsmasq " + nameset.ReasonSyntax: 6}},
		{"limits", nil, []indicator.Indicator{ind(indicator.Domain, "com"), ind(indicator.Domain, "a.."+"example")},
			"", map[string]int{"dnsmasq " + nameset.ReasonSingle: 1, "dnsmasq " + nameset.ReasonSyntax: 1}},
		{"not a name", nil, []indicator.Indicator{ind(indicator.URL, "http://bad.example/")}, "", map[string]int{DropNotName: 1}},
	}), nil)
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"mode": "sinkhole", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": "2001:db8::1"}},
		{Name: "unknown", Options: map[string]string{"address": "0.0.0.0"}, WantErr: `unknown option "address"`},
		{Name: "bad mode", Options: map[string]string{"mode": "refuse"}, WantErr: "option mode"},
		{Name: "A not IPv4", Options: map[string]string{"sinkhole_a": "::"}, WantErr: "option sinkhole_a"},
		{Name: "A with a slash", Options: map[string]string{"sinkhole_a": "0.0.0.0/x"}, WantErr: "option sinkhole_a"},
		{Name: "AAAA not IPv6", Options: map[string]string{"sinkhole_aaaa": "0.0.0.0"}, WantErr: "option sinkhole_aaaa"},
		{Name: "AAAA zone", Options: map[string]string{"sinkhole_aaaa": "fe80::1%eth0"}, WantErr: "option sinkhole_aaaa"},
		{Name: "sinkhole to nothing", Options: map[string]string{"mode": "sinkhole", "sinkhole_a": "", "sinkhole_aaaa": ""}, WantErr: "needs"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("", nil)) }
