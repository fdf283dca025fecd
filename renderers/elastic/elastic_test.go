package elastic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

var request = rendertest.WithOptions

const head = `{"@timestamp":"2026-01-02T10:05:00.000Z","ecs":{"version":"8.11.0"},"event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{"feed":{"name":"Cratos cti.example.org block"},"indicator":{"provider":"MISP"`

func TestDocuments(t *testing.T) {
	rendertest.Rows(t, Renderer{}, request, []rendertest.Row{
		{"ipv4 with context", nil, []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", MISPType: "ip-dst", Category: "Network activity", EventID: 42, UUID: "5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d", Timestamp: 1767348000, ToIDS: true}},
			head + `,"type":"ipv4-addr","ip":"198.51.100.7","modified_at":"2026-01-02T10:00:00.000Z","last_seen":"2026-01-02T10:00:00.000Z","description":"MISP ip-dst; Network activity; event 42; attribute 5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d; to_ids"}}}` + "\n", nil},
		{"ipv6", nil, []indicator.Indicator{{Type: indicator.IPv6, Value: "2001:db8::1"}}, head + `,"type":"ipv6-addr","ip":"2001:db8::1"}}}` + "\n", nil},
		{"timestamp past year 9999 left out", nil, []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", Timestamp: 253402300800}}, head + `,"type":"ipv4-addr","ip":"198.51.100.7"}}}` + "\n", nil},
		{"last timestamp of year 9999", nil, []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", Timestamp: 253402300799}},
			head + `,"type":"ipv4-addr","ip":"198.51.100.7","modified_at":"9999-12-31T23:59:59.000Z","last_seen":"9999-12-31T23:59:59.000Z"}}}` + "\n", nil},
		{"net dropped", nil, []indicator.Indicator{{Type: indicator.IPv4Net, Value: "198.51.100.0/24"}}, "", map[string]int{DropNet: 1}},
		{"domain", nil, []indicator.Indicator{{Type: indicator.Domain, Value: "bad.example"}}, head + `,"type":"domain-name","url":{"domain":"bad.example"}}}}` + "\n", nil},
		{"url with port", nil, []indicator.Indicator{{Type: indicator.URL, Value: `http://bad.example:8080/a"b`}},
			head + `,"type":"url","url":{"full":"http://bad.example:8080/a\"b","scheme":"http","original":"http://bad.example:8080/a\"b","domain":"bad.example","port":8080}}}}` + "\n", nil},
		{"url ipv6 host", nil, []indicator.Indicator{{Type: indicator.URL, Value: "https://[2001:db8::2]/x"}},
			head + `,"type":"url","url":{"full":"https://[2001:db8::2]/x","scheme":"https","original":"https://[2001:db8::2]/x","domain":"[2001:db8::2]"}}}}` + "\n", nil},
		{"url ipv6 host and port", nil, []indicator.Indicator{{Type: indicator.URL, Value: "http://[2001:db8::2]:8080/"}},
			head + `,"type":"url","url":{"full":"http://[2001:db8::2]:8080/","scheme":"http","original":"http://[2001:db8::2]:8080/","domain":"[2001:db8::2]","port":8080}}}}` + "\n", nil},
		{"url ipv6 host, port not a number", nil, []indicator.Indicator{{Type: indicator.URL, Value: "http://[2001:db8::2]:x/"}},
			head + `,"type":"url","url":{"full":"http://[2001:db8::2]:x/","scheme":"http","original":"http://[2001:db8::2]:x/","domain":"[2001:db8::2]"}}}}` + "\n", nil},
		{"url without scheme", nil, []indicator.Indicator{{Type: indicator.URL, Value: "bad.example/x"}},
			head + `,"type":"url","url":{"original":"bad.example/x","domain":"bad.example"}}}}` + "\n", nil},
		{"url invalid utf-8", nil, []indicator.Indicator{{Type: indicator.URL, Value: "http://bad.example/\xff"}}, "", map[string]int{DropUTF8: 1}},
		{"sha1", nil, []indicator.Indicator{{Type: indicator.SHA1, Value: strings.Repeat("a", 40)}}, head + `,"type":"file","file":{"hash":{"sha1":"` + strings.Repeat("a", 40) + `"}}}}}` + "\n", nil},
		{"imphash", nil, []indicator.Indicator{{Type: indicator.Imphash, Value: strings.Repeat("b", 32)}}, head + `,"type":"file","file":{"pe":{"imphash":"` + strings.Repeat("b", 32) + `"}}}}}` + "\n", nil},
		{"email", nil, []indicator.Indicator{{Type: indicator.Email, Value: "a@bad.example"}}, head + `,"type":"email-addr","email":{"address":"a@bad.example"}}}}` + "\n", nil},
		{"tlp and reference", map[string]string{"tlp": "CLEAR", "reference": "https://misp.example.net/events/view/{event_id}"}, []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", EventID: 7}},
			head + `,"marking":{"tlp":"CLEAR"},"type":"ipv4-addr","ip":"198.51.100.7","description":"event 7","reference":"https://misp.example.net/events/view/7"}}}` + "\n", nil},
		{"control characters in context", nil, []indicator.Indicator{{Type: indicator.IPv4, Value: "198.51.100.7", Category: "a\nb\x00c"}},
			head + `,"type":"ipv4-addr","ip":"198.51.100.7","description":"a\nb\u0000c"}}}` + "\n", nil},
	}, devicecheck.CheckElastic)
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
	rendertest.Sweep(t, Renderer{}, request, rendertest.Sets(t, 100_000, 11), []rendertest.Variant{
		{"tlp and reference", map[string]string{"tlp": "green", "reference": "https://misp.example.net/events/view/{event_id}"}},
	}, func(t *testing.T, v rendertest.Variant, ins []indicator.Indicator, got rendertest.Rendered) {
		rendertest.Counted("documents", rules)(t, v, ins, got)
		if t.Failed() {
			return
		}
		i := 0
		for _, l := range devicecheck.Lines(got.Out) {
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
	})
}

// rules checks every document against the ECS field definitions
// (devicecheck.CheckElastic) and counts the documents.
func rules(_ map[string]string, out []byte) ([]devicecheck.Violation, int) {
	return devicecheck.CheckElastic(out), len(devicecheck.Lines(out))
}

// FuzzRender checks every document against the ECS field definitions and
// that every input is a document or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, Renderer{}, []map[string]string{
		nil,
		{"tlp": "red", "provider": "Fuzz \"CERT\" \\ <team>"},
		{"reference": "https://misp.example.net/events/view/{event_id}"},
	}, rules)
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\ufffd") == s }

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"provider": "CERT-EX", "tlp": "AMBER+STRICT", "reference": "http://misp.example.net/events/{event_id}"},
		Unknown: "confidence",
		Bad: map[string][]string{
			"provider":  {"", "a\nb"},
			"tlp":       {"orange"},
			"reference": {"/events/{event_id}", "ftp://misp.example.net/{event_id}", "https://misp.example.net/a b"},
		},
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, request(map[string]string{"tlp": "amber"}))
}
