package stix21

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// TestObjectsMatchRender proves Objects yields the very bytes of Render's
// bundle: one encoder, two consumers.
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
