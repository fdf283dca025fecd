package stix21

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// TestObjectsMatchRender proves Objects yields the very bytes of Render's
// bundle: one encoder, two consumers. With another identity or a TLP
// marking the bundle's indicator ids also name both (scopeIDs), where
// Objects keeps the ids the TAXII collections derive theirs from.
func TestObjectsMatchRender(t *testing.T) {
	gen := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ins := []indicator.Indicator{
		{Type: indicator.IPv4, Value: "192.0.2.1", Timestamp: 1700000000},
		{Type: indicator.Domain, Value: "example.com"},
		{Type: indicator.URL, Value: "http://example.com/a'b"},
		{Type: indicator.Vulnerability, Value: "CVE-2024-0001"},
	}
	for _, opts := range []map[string]string{nil, {OptTLP: "amber", OptIdentityName: "SOC"}} {
		var buf bytes.Buffer
		err := Renderer{}.Render(context.Background(), &buf, renderers.Request{Site: "s", Feed: "f", Generated: gen, Options: opts}, renderers.Slice(ins))
		if err != nil {
			t.Fatal(err)
		}
		o, err := NewObjects(opts, gen)
		if err != nil {
			t.Fatal(err)
		}
		id, ident := o.Identity()
		want := string(ident)
		mid, mark := o.Marking()
		if opts != nil {
			if !strings.HasPrefix(mid, "marking-definition--") {
				t.Fatalf("marking id %q", mid)
			}
			want += ",\n" + string(mark)
		} else if mark != nil {
			t.Fatalf("marking without tlp option: %s", mark)
		}
		n := 0
		for _, in := range ins {
			b, ok := o.Indicator(in)
			if in.Type == indicator.Vulnerability {
				if ok {
					t.Fatal("vulnerability encoded")
				}
				continue
			}
			if !ok || !strings.Contains(string(b), `"id":"`+IndicatorID(in)+`"`) {
				t.Fatalf("indicator %v: %s", in, b)
			}
			if opts != nil {
				scoped := "indicator--" + NameUUID("producer|"+id+"|"+mid+"|"+in.Type.String()+"|"+in.Value)
				b = []byte(strings.Replace(string(b), IndicatorID(in), scoped, 1))
			}
			want += ",\n" + string(b)
			n++
		}
		if !strings.Contains(buf.String(), want) || !strings.Contains(want, id) || n != 3 {
			t.Fatalf("objects differ from the bundle:\n%s\nwant within:\n%s", want, buf.String())
		}
	}
	if _, err := NewObjects(map[string]string{OptTLP: "purple"}, gen); err == nil {
		t.Fatal("bad option accepted")
	}
	if got := NameUUID("x"); len(got) != 36 || got[14] != '5' || got != NameUUID("x") || got == NameUUID("y") {
		t.Fatalf("NameUUID = %q", got)
	}
}

// TestBundleIDsNameTheProducer: one indicator gets another id in the
// bundles of another identity or TLP marking, on the fast and the general
// path alike, and the default bundle keeps IndicatorID.
func TestBundleIDsNameTheProducer(t *testing.T) {
	gen := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	idRE := regexp.MustCompile(`"id":"(indicator--[0-9a-f-]+)"`)
	for _, in := range []indicator.Indicator{
		{Type: indicator.IPv4, Value: "192.0.2.1"},             // fast path
		{Type: indicator.URL, Value: "http://example.com/a'b"}, // general path
	} {
		seen := map[string]string{}
		for _, opts := range []map[string]string{nil, {OptIdentityName: "SOC"}, {OptTLP: "amber"}, {OptTLP: "red"}, {OptTLP: "amber", OptIdentityName: "SOC"}} {
			var buf bytes.Buffer
			if err := (Renderer{}).Render(context.Background(), &buf, renderers.Request{Site: "s", Feed: "f", Generated: gen, Options: opts}, renderers.Slice([]indicator.Indicator{in})); err != nil {
				t.Fatal(err)
			}
			m := idRE.FindStringSubmatch(buf.String())
			if m == nil {
				t.Fatalf("%v %v: no indicator id in %s", in, opts, buf.String())
			}
			if opts == nil && m[1] != IndicatorID(in) {
				t.Errorf("%v: default bundle id %s, want %s", in, m[1], IndicatorID(in))
			}
			if other, dup := seen[m[1]]; dup {
				t.Errorf("%v: options %v and %s give one id %s", in, opts, other, m[1])
			}
			seen[m[1]] = fmt.Sprint(opts)
		}
	}
}
