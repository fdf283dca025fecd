package unbound

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

const head = "# Cratos block list for Unbound: include: it from unbound.conf.\nserver:\n"

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

func TestRender(t *testing.T) {
	rendertest.Rows(t, Renderer{}, func(opts map[string]string) renderers.Request { return request("", opts) }, rendertest.Prefixed(head, []rendertest.Row{
		{"nxdomain, covered names left out", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "www.bad.example"), ind(indicator.Domain, "a.b.bad.example"),
			ind(indicator.Hostname, "notbad.example"), ind(indicator.Hostname, "bad.example")},
			`local-zone: "bad.example." always_nxdomain
local-zone: "notbad.example." always_nxdomain
`, map[string]int{"unbound " + nameset.ReasonCovered: 2, "unbound " + nameset.ReasonDuplicate: 1}},
		{"refuse", map[string]string{"policy": "always_refuse"}, []indicator.Indicator{ind(indicator.Domain, "_dmarc.bad.example")},
			"local-zone: \"_dmarc.bad.example.\" always_refuse\n", nil},
		{"redirect", map[string]string{"policy": "redirect", "sinkhole_a": "192.0.2.10", "sinkhole_aaaa": "2001:DB8::0:1"}, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			`local-zone: "bad.example." redirect
local-data: "bad.example. A 192.0.2.10"
local-data: "bad.example. AAAA 2001:db8::1"
`, nil},
		{"injection refused", nil, []indicator.Indicator{
			ind(indicator.Domain, "bad.example\" always_transparent\nlocal-zone: \"x"), ind(indicator.Domain, "a b.example"),
			ind(indicator.Domain, "bad.example.# x"), ind(indicator.Hostname, "x\\.example"), ind(indicator.Domain, "BAD.example")},
			"", map[string]int{"unbound " + nameset.ReasonSyntax: 5}},
		{"limits", nil, []indicator.Indicator{ind(indicator.Domain, "com"), ind(indicator.Domain, string(make([]byte, 64))+".example")},
			"", map[string]int{"unbound " + nameset.ReasonSingle: 1, "unbound " + nameset.ReasonSyntax: 1}},
		{"not a name", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1")}, "", map[string]int{DropNotName: 1}},
	}), nil)
}

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"policy": "redirect", "sinkhole_a": "192.0.2.1", "sinkhole_aaaa": "2001:db8::1"}},
		{Name: "redirect, A only", Options: map[string]string{"policy": "redirect", "sinkhole_aaaa": ""}},
		{Name: "unknown", Options: map[string]string{"ttl": "60"}, WantErr: `unknown option "ttl"`},
		{Name: "bad policy", Options: map[string]string{"policy": "static"}, WantErr: "option policy"},
		{Name: "A not IPv4", Options: map[string]string{"sinkhole_a": "::1"}, WantErr: "option sinkhole_a"},
		{Name: "A text", Options: map[string]string{"sinkhole_a": "0.0.0.0\"\nlocal-zone"}, WantErr: "option sinkhole_a"},
		{Name: "AAAA not IPv6", Options: map[string]string{"sinkhole_aaaa": "192.0.2.1"}, WantErr: "option sinkhole_aaaa"},
		{Name: "AAAA mapped", Options: map[string]string{"sinkhole_aaaa": "::ffff:192.0.2.1"}},
		{Name: "AAAA zone", Options: map[string]string{"sinkhole_aaaa": "fe80::1%eth0"}, WantErr: "option sinkhole_aaaa"},
		{Name: "redirect to nothing", Options: map[string]string{"policy": "redirect", "sinkhole_a": "", "sinkhole_aaaa": ""}, WantErr: "needs"},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request("", nil)) }
