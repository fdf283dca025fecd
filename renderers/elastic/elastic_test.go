package elastic

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/goldentest"
	"github.com/cratos-project/cratos/renderers"
)

func request(opts map[string]string) renderers.Request {
	return renderers.Request{Site: "cti.example.org", Feed: "block", Generated: time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC), Options: opts}
}

func TestGolden(t *testing.T) { goldentest.Run(t, Renderer{}) }

const head = `{"@timestamp":"2026-01-02T10:05:00.000Z","ecs":{"version":"8.11.0"},"event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{"feed":{"name":"Cratos cti.example.org block"},"indicator":{"provider":"MISP"`

func TestDocuments(t *testing.T) {
	tests := []struct {
		name  string
		opts  map[string]string
		in    indicator.Indicator
		want  string
		drops map[string]int
	}{
		{"ipv4 with context", nil, indicator.Indicator{Type: indicator.IPv4, Value: "198.51.100.7", MISPType: "ip-dst", Category: "Network activity", EventID: 42, UUID: "5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d", Timestamp: 1767348000, ToIDS: true},
			head + `,"type":"ipv4-addr","ip":"198.51.100.7","modified_at":"2026-01-02T10:00:00.000Z","last_seen":"2026-01-02T10:00:00.000Z","description":"MISP ip-dst; Network activity; event 42; attribute 5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d; to_ids"}}}` + "\n", nil},
		{"ipv6", nil, indicator.Indicator{Type: indicator.IPv6, Value: "2001:db8::1"}, head + `,"type":"ipv6-addr","ip":"2001:db8::1"}}}` + "\n", nil},
		{"net dropped", nil, indicator.Indicator{Type: indicator.IPv4Net, Value: "198.51.100.0/24"}, "", map[string]int{DropNet: 1}},
		{"domain", nil, indicator.Indicator{Type: indicator.Domain, Value: "bad.example"}, head + `,"type":"domain-name","url":{"domain":"bad.example"}}}}` + "\n", nil},
		{"url with port", nil, indicator.Indicator{Type: indicator.URL, Value: `http://bad.example:8080/a"b`},
			head + `,"type":"url","url":{"full":"http://bad.example:8080/a\"b","scheme":"http","original":"http://bad.example:8080/a\"b","domain":"bad.example","port":8080}}}}` + "\n", nil},
		{"url ipv6 host", nil, indicator.Indicator{Type: indicator.URL, Value: "https://[2001:db8::2]/x"},
			head + `,"type":"url","url":{"full":"https://[2001:db8::2]/x","scheme":"https","original":"https://[2001:db8::2]/x","domain":"2001:db8::2"}}}}` + "\n", nil},
		{"url without scheme", nil, indicator.Indicator{Type: indicator.URL, Value: "bad.example/x"},
			head + `,"type":"url","url":{"original":"bad.example/x","domain":"bad.example"}}}}` + "\n", nil},
		{"url invalid utf-8", nil, indicator.Indicator{Type: indicator.URL, Value: "http://bad.example/\xff"}, "", map[string]int{DropUTF8: 1}},
		{"sha1", nil, indicator.Indicator{Type: indicator.SHA1, Value: strings.Repeat("a", 40)}, head + `,"type":"file","file":{"hash":{"sha1":"` + strings.Repeat("a", 40) + `"}}}}}` + "\n", nil},
		{"imphash", nil, indicator.Indicator{Type: indicator.Imphash, Value: strings.Repeat("b", 32)}, head + `,"type":"file","file":{"pe":{"imphash":"` + strings.Repeat("b", 32) + `"}}}}}` + "\n", nil},
		{"email", nil, indicator.Indicator{Type: indicator.Email, Value: "a@bad.example"}, head + `,"type":"email-addr","email":{"address":"a@bad.example"}}}}` + "\n", nil},
		{"tlp and reference", map[string]string{"tlp": "CLEAR", "reference": "https://misp.example.net/events/view/{event_id}"}, indicator.Indicator{Type: indicator.IPv4, Value: "198.51.100.7", EventID: 7},
			head + `,"marking":{"tlp":"CLEAR"},"type":"ipv4-addr","ip":"198.51.100.7","description":"event 7","reference":"https://misp.example.net/events/view/7"}}}` + "\n", nil},
		{"control characters in context", nil, indicator.Indicator{Type: indicator.IPv4, Value: "198.51.100.7", Category: "a\nb\x00c"},
			head + `,"type":"ipv4-addr","ip":"198.51.100.7","description":"a\nb\u0000c"}}}` + "\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conformance.Render(t, Renderer{}, request(tt.opts), []indicator.Indicator{tt.in})
			if string(got.Out) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got.Out, tt.want)
			}
			if tt.drops == nil {
				tt.drops = map[string]int{}
			}
			if !maps.Equal(got.Drops, tt.drops) {
				t.Errorf("drops = %v, want %v", got.Drops, tt.drops)
			}
			if vs := devicecheck.CheckElastic(got.Out); len(vs) > 0 {
				t.Error(devicecheck.Error(vs, 10))
			}
		})
	}
}

// indicatorValue is the field of a decoded document that carries the
// indicator's value.
func indicatorValue(doc map[string]any) string {
	ti := doc["threat"].(map[string]any)["indicator"].(map[string]any)
	if ip, ok := ti["ip"].(string); ok {
		return ip
	}
	if u, ok := ti["url"].(map[string]any); ok {
		if o, ok := u["original"].(string); ok {
			return o
		}
		return u["domain"].(string)
	}
	if e, ok := ti["email"].(map[string]any); ok {
		return e["address"].(string)
	}
	f := ti["file"].(map[string]any)
	if pe, ok := f["pe"].(map[string]any); ok {
		return pe["imphash"].(string)
	}
	for _, h := range f["hash"].(map[string]any) {
		return h.(string)
	}
	return ""
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks every document against the ECS field definitions; every
// indicator is a document carrying its value, in order, or a reported
// drop.
func TestDeviceRules(t *testing.T) {
	sets := map[string][]indicator.Indicator{
		"sample":    conformance.Sample(),
		"generated": conformance.Generated(100_000, 11),
		"real data": conformance.RealIndicators(t),
	}
	for name, set := range sets {
		t.Run(name, func(t *testing.T) {
			ins := conformance.OfTypes(set, info.Types...)
			got := conformance.Render(t, Renderer{}, request(map[string]string{"tlp": "green", "reference": "https://misp.example.net/events/view/{event_id}"}), ins)
			if vs := devicecheck.CheckElastic(got.Out); len(vs) > 0 {
				t.Fatal(devicecheck.Error(vs, 20))
			}
			lines := devicecheck.Lines(got.Out)
			if want := len(ins) - got.DropTotal(); len(lines) != want {
				t.Fatalf("%d documents, want %d (inputs %d, drops %v)", len(lines), want, len(ins), got.Drops)
			}
			i := 0
			for _, l := range lines {
				var doc map[string]any
				if err := json.Unmarshal([]byte(l), &doc); err != nil {
					t.Fatal(err)
				}
				for ins[i].Type == indicator.IPv4Net || ins[i].Type == indicator.IPv6Net || !utf8Valid(ins[i].Value) {
					i++
				}
				if v := indicatorValue(doc); v != ins[i].Value {
					t.Fatalf("document %q carries %q, want %q", l, v, ins[i].Value)
				}
				i++
			}
			t.Logf("%d inputs, %d documents, drops %v", len(ins), len(lines), got.Drops)
		})
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\ufffd") == s }

// TestContract checks the options, the registration and conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"provider": "CERT-EX", "tlp": "AMBER+STRICT", "reference": "http://misp.example.net/events/{event_id}"}},
		{Name: "unknown", Options: map[string]string{"confidence": "High"}, WantErr: `unknown option "confidence"`},
		{Name: "empty provider", Options: map[string]string{"provider": ""}, WantErr: "option provider"},
		{Name: "provider with a line break", Options: map[string]string{"provider": "a\nb"}, WantErr: "option provider"},
		{Name: "bad tlp", Options: map[string]string{"tlp": "orange"}, WantErr: "option tlp"},
		{Name: "relative reference", Options: map[string]string{"reference": "/events/{event_id}"}, WantErr: "option reference"},
		{Name: "ftp reference", Options: map[string]string{"reference": "ftp://misp.example.net/{event_id}"}, WantErr: "option reference"},
		{Name: "reference with a space", Options: map[string]string{"reference": "https://misp.example.net/a b"}, WantErr: "option reference"},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, request(map[string]string{"tlp": "amber"}))
}
