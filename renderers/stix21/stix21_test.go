package stix21

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var generated = time.Date(2026, 1, 2, 10, 5, 0, 123456789, time.UTC)

func request(opts map[string]string) renderers.Request {
	return renderers.Request{Site: "cti.example.org", Feed: "blocklist", Generated: generated, Options: opts}
}

// render renders ins and returns the output and the drops reported.
func render(t testing.TB, req renderers.Request, ins []indicator.Indicator) ([]byte, map[string]int) {
	t.Helper()
	drops := map[string]int{}
	req.Dropped = func(reason string, n int) { drops[reason] += n }
	var buf bytes.Buffer
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice(ins)); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes(), drops
}

// supported keeps the indicators of the renderer's declared types, as the
// core does before calling Render.
func supported(ins []indicator.Indicator) []indicator.Indicator {
	return conformance.OfTypes(ins, Renderer{}.Info().Types...)
}

func ind(t indicator.Type, v string, ts int64) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v, Timestamp: ts, MISPType: "x", UUID: "5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d"}
}

// tricky holds values whose escaping, timestamps or types need care.
func tricky() []indicator.Indicator {
	return []indicator.Indicator{
		ind(indicator.IPv4, "198.51.100.7", 1767348000),
		ind(indicator.IPv4Net, "203.0.113.0/24", 0), // no timestamp: generated time
		ind(indicator.IPv6Net, "2001:db8::/32", 1767348000),
		ind(indicator.URL, `http://bad.example/a'b\c`, 1767348000),
		ind(indicator.URL, `http://xss.example/?q=<script>"x"</script>&a=1`, 1767348000),
		ind(indicator.SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 1767348001),
		ind(indicator.Email, "o'brien@example.org", 1767348002),
		ind(indicator.EmailSubject, "bell\x07ring", 1767348003), // dropped: control character
		ind(indicator.EmailSubject, "line\u2028separator", 1767348003),
		ind(indicator.Mutex, `Global\Mutex'1`, 1767348004),
		ind(indicator.Yara, "rule x\n{\n\tcondition: true\n}", 1767348005),
		ind(indicator.Vulnerability, "CVE-2021-44228", 1767348006), // dropped: no pattern
		ind(indicator.JA3, "e7d705a3286e19ea42f587b344ee6865", 1767348006),
	}
}

// TestStandard runs the golden cases, the registration and
// conformance.Check, and checks the content type.
func TestStandard(t *testing.T) {
	rendertest.Standard(t, Renderer{})
	if got := (Renderer{}).Info().ContentType; got != "application/stix+json;version=2.1" {
		t.Errorf("ContentType = %q", got)
	}
}

func TestNamespace(t *testing.T) {
	if Namespace != "3a9a2047-7a4f-500b-8181-6b09cb0b31f5" {
		t.Errorf("Namespace = %s", Namespace)
	}
	// Vectors from the formats reference, Appendix D.
	ref := newUUID5(namespaceURL, []byte("https://ti-exporter.example/stix"))
	if got := ref.String(); got != "761b30ce-62a7-58ec-acd5-d1392831b71f" {
		t.Errorf("uuid5(NAMESPACE_URL, ti-exporter) = %s", got)
	}
	if got := newUUID5(ref, []byte("5f0c9a52-6d1e-4b7a-9c3d-2e1f0a9b8c7d")).String(); got != "777195f1-ae19-599f-8ea2-ebb50464f049" {
		t.Errorf("uuid5(ref ns, attribute uuid) = %s", got)
	}
	u, _ := uuid5Scratch(nil, "ipv4", "|", "198.51.100.7")
	if want := newUUID5(namespace, []byte("ipv4|198.51.100.7")); u != want {
		t.Errorf("uuid5Scratch = %s, want %s", u, want)
	}
}

type object struct {
	Type              string   `json:"type"`
	ID                string   `json:"id"`
	Created           string   `json:"created"`
	Modified          string   `json:"modified"`
	ValidFrom         string   `json:"valid_from"`
	Name              string   `json:"name"`
	Pattern           string   `json:"pattern"`
	PatternType       string   `json:"pattern_type"`
	PatternVersion    string   `json:"pattern_version"`
	CreatedByRef      string   `json:"created_by_ref"`
	ObjectMarkingRefs []string `json:"object_marking_refs"`
}

type bundle struct {
	Type    string   `json:"type"`
	ID      string   `json:"id"`
	Objects []object `json:"objects"`
}

func decode(t *testing.T, b []byte) bundle {
	t.Helper()
	var out bundle
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode bundle: %v\n%s", err, b)
	}
	return out
}

func TestIndicatorObjects(t *testing.T) {
	tests := []struct {
		name        string
		in          indicator.Indicator
		pattern     string
		patternType string
		created     string
		objName     string
	}{
		{"ipv4", ind(indicator.IPv4, "198.51.100.7", 1767348000), `[ipv4-addr:value = '198.51.100.7']`, "stix", "2026-01-02T10:00:00.000Z", "ipv4: 198.51.100.7"},
		{"ipv4 net", ind(indicator.IPv4Net, "198.51.100.0/24", 1767348000), `[ipv4-addr:value ISSUBSET '198.51.100.0/24']`, "stix", "2026-01-02T10:00:00.000Z", "ipv4-net: 198.51.100.0/24"},
		{"ipv6", ind(indicator.IPv6, "2001:db8::7", 1767348000), `[ipv6-addr:value = '2001:db8::7']`, "stix", "2026-01-02T10:00:00.000Z", "ipv6: 2001:db8::7"},
		{"ipv6 net", ind(indicator.IPv6Net, "2001:db8::/32", 1767348000), `[ipv6-addr:value ISSUBSET '2001:db8::/32']`, "stix", "2026-01-02T10:00:00.000Z", "ipv6-net: 2001:db8::/32"},
		{"domain", ind(indicator.Domain, "bad.example", 1767348000), `[domain-name:value = 'bad.example']`, "stix", "2026-01-02T10:00:00.000Z", "domain: bad.example"},
		{"hostname", ind(indicator.Hostname, "www.bad.example", 1767348000), `[domain-name:value = 'www.bad.example']`, "stix", "2026-01-02T10:00:00.000Z", "hostname: www.bad.example"},
		{"url escaping", ind(indicator.URL, `http://bad.example/a'b\c`, 1767348000), `[url:value = 'http://bad.example/a\'b\\c']`, "stix", "2026-01-02T10:00:00.000Z", `url: http://bad.example/a'b\c`},
		{"md5", ind(indicator.MD5, "d41d8cd98f00b204e9800998ecf8427e", 1767348000), `[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']`, "stix", "2026-01-02T10:00:00.000Z", "md5: d41d8cd98f00b204e9800998ecf8427e"},
		{"sha1", ind(indicator.SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 1767348000), `[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']`, "stix", "2026-01-02T10:00:00.000Z", "sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"sha256", ind(indicator.SHA256, strings.Repeat("ab", 32), 1767348000), `[file:hashes.'SHA-256' = '` + strings.Repeat("ab", 32) + `']`, "stix", "2026-01-02T10:00:00.000Z", "sha256: " + strings.Repeat("ab", 32)},
		{"email", ind(indicator.Email, "o'brien@example.org", 1767348000), `[email-addr:value = 'o\'brien@example.org']`, "stix", "2026-01-02T10:00:00.000Z", "email: o'brien@example.org"},
		{"email subject", ind(indicator.EmailSubject, `Invoice "x"`, 1767348000), `[email-message:subject = 'Invoice "x"']`, "stix", "2026-01-02T10:00:00.000Z", `email-subject: Invoice "x"`},
		{"email attachment", ind(indicator.EmailAttachment, `C:\evil.dll`, 1767348000), `[email-message:body_multipart[*].body_raw_ref.name = 'C:\\evil.dll']`, "stix", "2026-01-02T10:00:00.000Z", `email-attachment: C:\evil.dll`},
		{"mutex", ind(indicator.Mutex, `Global\M`, 1767348000), `[mutex:name = 'Global\\M']`, "stix", "2026-01-02T10:00:00.000Z", `mutex: Global\M`},
		{"x509 md5", ind(indicator.X509MD5, strings.Repeat("0a", 16), 1767348000), `[x509-certificate:hashes.MD5 = '` + strings.Repeat("0a", 16) + `']`, "stix", "2026-01-02T10:00:00.000Z", "x509-md5: " + strings.Repeat("0a", 16)},
		{"x509 sha1", ind(indicator.X509SHA1, strings.Repeat("0b", 20), 1767348000), `[x509-certificate:hashes.'SHA-1' = '` + strings.Repeat("0b", 20) + `']`, "stix", "2026-01-02T10:00:00.000Z", "x509-sha1: " + strings.Repeat("0b", 20)},
		{"x509 sha256", ind(indicator.X509SHA256, strings.Repeat("0c", 32), 1767348000), `[x509-certificate:hashes.'SHA-256' = '` + strings.Repeat("0c", 32) + `']`, "stix", "2026-01-02T10:00:00.000Z", "x509-sha256: " + strings.Repeat("0c", 32)},
		{"imphash", ind(indicator.Imphash, strings.Repeat("0d", 16), 1767348000), `[file:extensions.'windows-pebinary-ext'.imphash = '` + strings.Repeat("0d", 16) + `']`, "stix", "2026-01-02T10:00:00.000Z", "imphash: " + strings.Repeat("0d", 16)},
		{"snort", ind(indicator.Snort, `alert tcp any any -> any any (msg:"x"; sid:1;)`, 1767348000), `alert tcp any any -> any any (msg:"x"; sid:1;)`, "snort", "2026-01-02T10:00:00.000Z", `snort: alert tcp any any -> any any (msg:"x"; sid:1;)`},
		{"yara multi-line", ind(indicator.Yara, "rule x\n{\ncondition: true\n}", 1767348000), "rule x\n{\ncondition: true\n}", "yara", "2026-01-02T10:00:00.000Z", "yara: rule x …"},
		{"sigma", ind(indicator.Sigma, "title: t\ndetection: x", 1767348000), "title: t\ndetection: x", "sigma", "2026-01-02T10:00:00.000Z", "sigma: title: t …"},
		{"no timestamp", ind(indicator.IPv4, "198.51.100.8", 0), `[ipv4-addr:value = '198.51.100.8']`, "stix", "2026-01-02T10:05:00.123Z", "ipv4: 198.51.100.8"},
		{"long name cut", ind(indicator.URL, "http://long.example/"+strings.Repeat("x", 200), 1767348000), `[url:value = 'http://long.example/` + strings.Repeat("x", 200) + `']`, "stix", "2026-01-02T10:00:00.000Z", "url: http://long.example/" + strings.Repeat("x", 119-len("http://long.example/")) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, drops := render(t, request(nil), []indicator.Indicator{tt.in})
			if len(drops) != 0 {
				t.Fatalf("drops = %v", drops)
			}
			b := decode(t, out)
			if len(b.Objects) != 2 {
				t.Fatalf("objects = %d, want identity and one indicator", len(b.Objects))
			}
			o := b.Objects[1]
			u, _ := uuid5Scratch(nil, tt.in.Type.String()+"|"+tt.in.Value)
			want := object{
				Type: "indicator", ID: "indicator--" + u.String(), Created: tt.created, Modified: tt.created,
				ValidFrom: tt.created, Name: tt.objName, Pattern: tt.pattern, PatternType: tt.patternType,
				CreatedByRef: b.Objects[0].ID,
			}
			if tt.patternType == "stix" {
				want.PatternVersion = "2.1"
			}
			if !equalObject(o, want) {
				t.Errorf("indicator =\n%+v\nwant\n%+v", o, want)
			}
		})
	}
}

func equalObject(a, b object) bool {
	return slices.Equal(a.ObjectMarkingRefs, b.ObjectMarkingRefs) && func() bool {
		a.ObjectMarkingRefs, b.ObjectMarkingRefs = nil, nil
		return a.Type == b.Type && a.ID == b.ID && a.Created == b.Created && a.Modified == b.Modified &&
			a.ValidFrom == b.ValidFrom && a.Name == b.Name && a.Pattern == b.Pattern &&
			a.PatternType == b.PatternType && a.PatternVersion == b.PatternVersion && a.CreatedByRef == b.CreatedByRef
	}()
}

// TestPatternJSON checks the JSON text of the reference example: the
// pattern literal escaping followed by JSON escaping.
func TestPatternJSON(t *testing.T) {
	out, _ := render(t, request(nil), []indicator.Indicator{ind(indicator.URL, `http://bad.example/a'b\c`, 1767348000)})
	want := `"pattern":"[url:value = 'http://bad.example/a\\'b\\\\c']"`
	if !bytes.Contains(out, []byte(want)) {
		t.Errorf("output lacks %s:\n%s", want, out)
	}
}

func TestDrops(t *testing.T) {
	_, drops := render(t, request(nil), tricky())
	want := map[string]int{
		"stix21: control character in a pattern value":   1,
		"stix21: no STIX pattern for type ja3":           1,
		"stix21: no STIX pattern for type vulnerability": 1,
	}
	if !maps.Equal(drops, want) {
		t.Errorf("drops = %v, want %v", drops, want)
	}
	_, drops = render(t, request(nil), []indicator.Indicator{ind(indicator.URL, "http://bad.example/\xff", 1)})
	if !maps.Equal(drops, map[string]int{"stix21: value is not valid UTF-8": 1}) {
		t.Errorf("drops = %v, want one invalid UTF-8", drops)
	}
}

func TestMarkings(t *testing.T) {
	const (
		v1White = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
		v1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
		v1Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
		v1Red   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
		v2Clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
		v2Green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
		v2Amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
		v2AmbS  = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
		v2Red   = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
	)
	tests := []struct{ tlp, version, want string }{
		{"none", "", ""},
		{"", "2", ""},
		{"white", "", v1White},
		{"clear", "", v2Clear},
		{"green", "", v1Green},
		{"GREEN", "", v1Green},
		{"amber", "", v1Amber},
		{"amber+strict", "", v2AmbS},
		{"red", "", v1Red},
		{"clear", "1", v1White},
		{"white", "1", v1White},
		{"red", "1", v1Red},
		{"white", "2", v2Clear},
		{"green", "2", v2Green},
		{"amber", "2", v2Amber},
		{"amber+strict", "2", v2AmbS},
		{"red", "2", v2Red},
	}
	v := stixschema.ForTest(t)
	for _, tt := range tests {
		t.Run(tt.tlp+"/"+tt.version, func(t *testing.T) {
			opts := map[string]string{}
			if tt.tlp != "" {
				opts["tlp"] = tt.tlp
			}
			if tt.version != "" {
				opts["tlp_version"] = tt.version
			}
			out, _ := render(t, request(opts), tricky()[:1])
			if err := v.ValidateBundle(out); err != nil {
				t.Fatalf("ValidateBundle: %v", err)
			}
			b := decode(t, out)
			var gotMarking string
			for _, o := range b.Objects {
				if o.Type == "marking-definition" {
					gotMarking = o.ID
				}
			}
			ind := b.Objects[len(b.Objects)-1]
			if tt.want == "" {
				if gotMarking != "" || ind.ObjectMarkingRefs != nil || len(b.Objects) != 2 {
					t.Errorf("marking %q, refs %v, %d objects; want none", gotMarking, ind.ObjectMarkingRefs, len(b.Objects))
				}
				return
			}
			if gotMarking != tt.want || !slices.Equal(ind.ObjectMarkingRefs, []string{tt.want}) {
				t.Errorf("marking %q, refs %v; want %s", gotMarking, ind.ObjectMarkingRefs, tt.want)
			}
		})
	}
}

func TestDeterministicIDs(t *testing.T) {
	ins := tricky()
	a, _ := render(t, request(nil), ins)
	b, _ := render(t, request(nil), ins)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same input differ")
	}
	base := decode(t, a).ID
	other := func(mod func(*renderers.Request), in []indicator.Indicator) string {
		req := request(nil)
		mod(&req)
		out, _ := render(t, req, in)
		return decode(t, out).ID
	}
	tests := []struct {
		name string
		id   string
		same bool
	}{
		{"same request", other(func(*renderers.Request) {}, ins), true},
		{"other site", other(func(r *renderers.Request) { r.Site = "other.example.org" }, ins), false},
		{"other feed", other(func(r *renderers.Request) { r.Feed = "other" }, ins), false},
		{"other data type", other(func(r *renderers.Request) { r.DataType = "url" }, ins), false},
		{"other time", other(func(r *renderers.Request) { r.Generated = generated.Add(time.Nanosecond) }, ins), false},
		{"other content", other(func(*renderers.Request) {}, ins[1:]), false},
		{"other marking", other(func(r *renderers.Request) { r.Options = map[string]string{"tlp": "red"} }, ins), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.id == base) != tt.same {
				t.Errorf("bundle id %s vs %s: same = %v, want %v", tt.id, base, tt.id == base, tt.same)
			}
		})
	}
	// Indicator ids depend on type and value only.
	x, _ := render(t, renderers.Request{Generated: generated.Add(time.Hour)}, ins[:1])
	if got, want := decode(t, x).Objects[1].ID, decode(t, a).Objects[1].ID; got != want {
		t.Errorf("indicator id changed with the request: %s vs %s", got, want)
	}
}

func TestValidateOptions(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]string
		want string // "" for valid
	}{
		{"none", nil, ""},
		{"all set", map[string]string{"identity_name": "ACME CERT", "tlp": "amber", "tlp_version": "1"}, ""},
		{"auto version", map[string]string{"tlp": "clear", "tlp_version": "auto"}, ""},
		{"unknown option", map[string]string{"style": "misp"}, `unknown option "style"`},
		{"bad tlp", map[string]string{"tlp": "purple"}, "option tlp"},
		{"bad version", map[string]string{"tlp_version": "3"}, "option tlp_version"},
		{"amber+strict in 1.0", map[string]string{"tlp": "amber+strict", "tlp_version": "1"}, "option tlp"},
		{"empty identity", map[string]string{"identity_name": " "}, "option identity_name"},
		{"identity with newline", map[string]string{"identity_name": "a\nb"}, "option identity_name"},
		{"long identity", map[string]string{"identity_name": strings.Repeat("x", 257)}, "option identity_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := renderers.ValidateOptions(Renderer{}, tt.opts)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ValidateOptions = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ValidateOptions = %v, want an error containing %q", err, tt.want)
			}
			if tt.want != "" {
				var buf bytes.Buffer
				if err := (Renderer{}).Render(context.Background(), &buf, request(tt.opts), renderers.Slice(nil)); err == nil {
					t.Error("Render accepted options that ValidateOptions refuses")
				}
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, request(map[string]string{"tlp": "green"}))
}
