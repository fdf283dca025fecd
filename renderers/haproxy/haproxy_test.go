package haproxy

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

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestRender(t *testing.T) {
	rendertest.TypedRows(t, Renderer{}, request, []rendertest.TypedRow{
		{"ip", "ipv4ext", nil, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4Net, "10.0.0.0/8"), ind(indicator.IPv4, "10.1.2.3"),
			ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv6Net, "2001:db8::/32"), ind(indicator.Domain, "bad.example")},
			"10.0.0.0/8\n10.1.2.3\n198.51.100.7\n2001:db8::/32\n", map[string]int{DropDuplicate: 1, DropWrongList: 1}},
		{"dom", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"), ind(indicator.Hostname, "notbad.example"),
			ind(indicator.IPv4, "192.0.2.1")},
			"bad.example\nnotbad.example\n", map[string]int{"haproxy " + nameset.ReasonCovered: 1, DropWrongList: 1}},
		{"end", "hostname", map[string]string{"list": "end"}, []indicator.Indicator{ind(indicator.Hostname, "_dmarc.bad.example")},
			"._dmarc.bad.example\n", nil},
		{"auto from the first indicator", "", nil, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::1"), ind(indicator.Domain, "bad.example")},
			"2001:db8::1\n", map[string]int{DropWrongList: 1}},
		{"injection refused", "domain", nil, []indicator.Indicator{
			ind(indicator.Domain, "#bad.example"), ind(indicator.Domain, " bad.example"), ind(indicator.Domain, "bad.example\nx.example"),
			ind(indicator.Domain, "bad.example\\")},
			"", map[string]int{"haproxy " + nameset.ReasonSyntax: 4}},
		{"empty", "domain", nil, nil, "", nil},
	}, nil)
}

func TestForDataType(t *testing.T) {
	for dt, want := range map[string]string{"ipv4": ListIP, "ipv4ext": ListIP, "cidr4": ListIP, "ipv6": ListIP, "domain": ListDom, "hostname": ListDom, "url": "", "": ""} {
		if got := ForDataType(dt); got != want {
			t.Errorf("ForDataType(%q) = %q, want %q", dt, got, want)
		}
	}
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "auto", Options: map[string]string{"list": "auto"}},
		{Name: "end", Options: map[string]string{"list": "end"}},
		{Name: "unknown", Options: map[string]string{"match": "dom"}, WantErr: `unknown option "match"`},
		{Name: "bad list", Options: map[string]string{"list": "reg"}, WantErr: "option list"},
		{Name: "empty list", Options: map[string]string{"list": ""}, WantErr: "option list"},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(dataType string) renderers.Request { return request(dataType, nil) }, []rendertest.BenchCase{
		{"ip", "ipv4ext", rendertest.IPTypes},
		{"dom", "domain", rendertest.NameTypes},
	})
}
