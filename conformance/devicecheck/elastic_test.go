package devicecheck

import (
	"strings"
	"testing"
)

func TestElastic(t *testing.T) {
	const head = `{"@timestamp":"2026-01-02T10:05:00.000Z","event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{"indicator":`
	doc := func(indicator string) string { return head + indicator + "}}\n" }
	tests := []struct {
		name string
		data string
		rule string // "" when valid
	}{
		{"ipv4", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","provider":"MISP","marking":{"tlp":"AMBER"}}`), ""},
		{"ipv6", doc(`{"type":"ipv6-addr","ip":"2001:db8::1","last_seen":"2026-01-01T00:00:00Z"}`), ""},
		{"dotted keys", `{"@timestamp":"2026-01-02T10:05:00.000Z","event.kind":"enrichment","event.category":"threat","event.type":"indicator","threat.indicator.type":"domain-name","threat.indicator.url.domain":"bad.example"}` + "\n", ""},
		{"domain", doc(`{"type":"domain-name","url":{"domain":"bad.example"}}`), ""},
		{"url", doc(`{"type":"url","url":{"full":"http://bad.example:8080/x","scheme":"http","domain":"bad.example","port":8080}}`), ""},
		{"url original only", doc(`{"type":"url","url":{"original":"bad.example/x"}}`), ""},
		{"sha256", doc(`{"type":"file","file":{"hash":{"sha256":"` + strings.Repeat("ab", 32) + `"}}}`), ""},
		{"imphash", doc(`{"type":"file","file":{"pe":{"imphash":"` + strings.Repeat("ab", 16) + `"}}}`), ""},
		{"email", doc(`{"type":"email-addr","email":{"address":"a@bad.example"}}`), ""},
		{"cidr in ip", doc(`{"type":"ipv4-addr","ip":"198.51.100.0/24"}`), "not one IP address"},
		{"ipv6 as ipv4", doc(`{"type":"ipv4-addr","ip":"2001:db8::1"}`), "without an address of that family"},
		{"bad date", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","first_seen":"2026-01-01 00:00:00"}`), "not an ISO 8601 date"},
		{"date without zone", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","first_seen":"2026-01-01T00:00:00"}`), "not an ISO 8601 date"},
		{"number as keyword", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","provider":42}`), "not a string"},
		{"string as long", doc(`{"type":"url","url":{"original":"x","port":"80"}}`), "not an integer"},
		{"port zero", doc(`{"type":"url","url":{"original":"x","port":0}}`), "not a port"},
		{"long keyword", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","description":"` + strings.Repeat("x", 1025) + `"}`), "longer than 1024"},
		{"unknown field", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","score":5}`), "not an ECS field"},
		{"bad tlp", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","marking":{"tlp":"amber"}}`), "not an ECS TLP value"},
		{"bad confidence", doc(`{"type":"ipv4-addr","ip":"198.51.100.7","confidence":"90"}`), "not an ECS confidence value"},
		{"bad type", doc(`{"type":"ipv4","ip":"198.51.100.7"}`), "not an ECS indicator type"},
		{"domain missing", doc(`{"type":"domain-name"}`), "domain-name"},
		{"short sha1", doc(`{"type":"file","file":{"hash":{"sha1":"abcd"}}}`), "not 40 hex digits"},
		{"file without hash", doc(`{"type":"file"}`), "without a hash"},
		{"email without at", doc(`{"type":"email-addr","email":{"address":"bad.example"}}`), "without an address"},
		{"wrong kind", strings.Replace(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`), "enrichment", "event", 1), "event.kind"},
		{"no threat category", strings.Replace(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`), `["threat"]`, `["network"]`, 1), "event.category"},
		{"no timestamp", strings.Replace(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`), `"@timestamp":"2026-01-02T10:05:00.000Z",`, "", 1), "no @timestamp"},
		{"not json", "{\"a\":\n", "not a JSON object"},
		{"two values", doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`)[:len(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`))-1] + " {}\n", "more than one JSON value"},
		{"crlf", strings.TrimSuffix(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`), "\n") + "\r\n", "CRLF"},
		{"twice", `{"@timestamp":"2026-01-02T10:05:00.000Z","event":{"kind":"enrichment"},"event.kind":"enrichment","event.category":"threat","event.type":"indicator","threat.indicator.type":"ipv4-addr","threat.indicator.ip":"198.51.100.7"}` + "\n", "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckElastic([]byte(tt.data)), lineWants(tt.rule))
		})
	}
	t.Run("no final newline", func(t *testing.T) {
		match(t, CheckElastic([]byte(strings.TrimSuffix(doc(`{"type":"ipv4-addr","ip":"198.51.100.7"}`), "\n"))), []want{{0, "no final newline"}})
	})
}
