package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/bridge"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

var generated = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)

type drop struct {
	Reason string
	Count  int
}

func renderDirect(t testing.TB, opts map[string]string, in []indicator.Indicator) ([]byte, []drop) {
	t.Helper()
	var buf bytes.Buffer
	var drops []drop
	req := renderers.Request{Site: "misp.example", Feed: "block", DataType: "ipv4ext", Generated: generated, Options: opts,
		Dropped: func(reason string, n int) { drops = append(drops, drop{reason, n}) }}
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(in)); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes(), drops
}

func ipsOnly(ins []indicator.Indicator) []indicator.Indicator {
	types := indicator.SetOf(Renderer{}.Info().Types...)
	return slices.DeleteFunc(ins, func(x indicator.Indicator) bool { return !types.Has(x.Type) })
}

func TestGolden(t *testing.T) {
	sample := ipsOnly(conformance.Sample())
	tests := []struct {
		name      string
		opts      map[string]string
		in        []indicator.Indicator
		wantDrops []drop
	}{
		{"sample", nil, sample, []drop{{"same address as the entry before", 1}}},
		{"empty", nil, nil, nil},
		{"options", map[string]string{"list": "misp-block", "timeout": "1d", "comment": "", "max_entries": "3"}, sample,
			[]drop{{"same address as the entry before", 1}, {"max_entries", len(sample) - 4}}},
		{"unsorted", nil, []indicator.Indicator{
			{Type: indicator.IPv6, Value: "2001:db8::1", EventID: 7},
			{Type: indicator.IPv4Net, Value: "203.0.113.0/24", EventID: 8},
			{Type: indicator.IPv6Net, Value: "2001:db8:1::/48"},
			{Type: indicator.Domain, Value: "example.com"},
			{Type: indicator.IPv4, Value: "198.51.100.7", EventID: 9},
		}, []drop{{"not an IP address or network", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, drops := renderDirect(t, tt.opts, tt.in)
			goldentest.File(t, filepath.Join("testdata", tt.name, "out.rsc"), out)
			if !slices.Equal(drops, tt.wantDrops) {
				t.Fatalf("drops = %v, want %v", drops, tt.wantDrops)
			}
		})
	}
}

func TestValidateOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    map[string]string
		wantErr string
	}{
		{"none", nil, ""},
		{"all valid", map[string]string{"list": "a.b_c-1", "timeout": "1w2d3h", "comment": "misp feed 1", "max_entries": "100000"}, ""},
		{"clock timeout", map[string]string{"timeout": "01:30:00"}, ""},
		{"unknown", map[string]string{"colour": "red"}, `renderer routeros: unknown option "colour" (valid: list, timeout, comment, max_entries)`},
		{"list with space", map[string]string{"list": "a b"}, `renderer routeros: option list: want 1 to 63 letters, digits, '_', '.' or '-'; got "a b"`},
		{"empty list", map[string]string{"list": ""}, `renderer routeros: option list: want 1 to 63 letters, digits, '_', '.' or '-'; got ""`},
		{"bad timeout", map[string]string{"timeout": "1 day"}, `renderer routeros: option timeout: want a RouterOS duration such as 1d, 12h or 01:30:00; got "1 day"`},
		{"quote in comment", map[string]string{"comment": `a"b`}, `renderer routeros: option comment: want at most 64 letters, digits, spaces or _.:/-; got "a\"b"`},
		{"script in comment", map[string]string{"comment": "$x"}, `renderer routeros: option comment: want at most 64 letters, digits, spaces or _.:/-; got "$x"`},
		{"negative cap", map[string]string{"max_entries": "-1"}, `renderer routeros: option max_entries: want a whole number ≥ 0; got "-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Renderer{}.ValidateOptions(tt.opts)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Fatalf("ValidateOptions = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestConformance(t *testing.T) {
	if err := conformance.Check(context.Background(), Renderer{}); err != nil {
		t.Fatal(err)
	}
}

func TestBridge(t *testing.T) {
	bridge.Check(t, Renderer{})
}

func TestHeaderIsOneLine(t *testing.T) {
	var buf bytes.Buffer
	req := renderers.Request{Site: "evil\n/system reset-configuration", Feed: "f\r\n", Generated: generated}
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(nil)); err != nil {
		t.Fatal(err)
	}
	want := "# MikroTik RouterOS address list from Cratos; load with /import\n" +
		"# site evil?/system reset-configuration, feed f??\n" +
		"# generated 2026-11-22T06:30:00Z\n" +
		"/ip firewall address-list remove [find list=\"cratos\"]\n" +
		"/ipv6 firewall address-list remove [find list=\"cratos\"]\n"
	if got := buf.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}

// ipFeed returns n distinct IP indicators (one in ten IPv6) with MISP
// context, in canonical order.
func ipFeed(n int) []indicator.Indicator {
	out := make([]indicator.Indicator, 0, n)
	for i := range n {
		x := indicator.Indicator{
			MISPType:  "ip-dst",
			Category:  "Network activity",
			UUID:      fmt.Sprintf("5f1c%04x-7d3a-4c1e-9b2f-%012x", i%65536, i),
			EventID:   int64(1000 + i/500),
			Timestamp: 1_760_000_000 + int64(i),
			ToIDS:     true,
		}
		if i%10 == 9 {
			x.Type, x.Value = indicator.IPv6, fmt.Sprintf("2001:db8:%x:%x::%x", i>>16, i&0xffff, i%251+1)
		} else {
			v := uint32(i)*2654435761 | 1<<24
			x.Type, x.Value = indicator.IPv4, fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&255, v>>8&255, v&255)
		}
		out = append(out, x)
	}
	return indicator.Normalize(out)
}
