package conformance

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
)

func TestRealData(t *testing.T) {
	ins, stats := RealData(t)
	checkCanonical(t, ins)
	if sharedDataDir() == "" {
		if len(ins) != 50_000 || len(stats) != 0 {
			t.Fatalf("fallback: %d indicators and %d stats, want Generated(50000, 1) and none", len(ins), len(stats))
		}
		return
	}
	if len(stats) != len(indicator.DataTypes()) {
		t.Fatalf("stats for %d data types, want %d", len(stats), len(indicator.DataTypes()))
	}
	rejected := RealRejected(t)
	for _, dt := range indicator.DataTypeNames() {
		s := stats[dt]
		t.Logf("%-24s attributes %6d  invalid %5d  skipped %5d  kept nets %4d", dt, s.Attributes, s.Invalid, s.Skipped, s.KeptNets)
		for _, r := range rejected[dt][:min(3, len(rejected[dt]))] {
			t.Logf("%-24s   invalid: %s %s %q", "", r.Source, r.MISPType, r.Value)
		}
		if s.Invalid != len(rejected[dt]) {
			t.Errorf("%s: %d invalid in stats, %d rejected values", dt, s.Invalid, len(rejected[dt]))
		}
		if s.Expanded != 0 {
			t.Errorf("%s: %d nets expanded, want none", dt, s.Expanded)
		}
	}
	counts := countTypes(ins)
	t.Logf("%d indicators: %v", len(ins), counts)
	// The kinds the shared data holds, from events and from the lists.
	for _, typ := range []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.Domain, indicator.Hostname,
		indicator.URL, indicator.MD5, indicator.SHA1, indicator.SHA256, indicator.Email,
		indicator.EmailSubject, indicator.EmailAttachment, indicator.Mutex, indicator.Snort,
		indicator.Yara, indicator.Vulnerability, indicator.Imphash, indicator.CryptoCurrency,
	} {
		if counts[typ] == 0 {
			t.Errorf("no %s in the real data", typ)
		}
	}
	tests := []struct {
		name  string
		value string
		typ   indicator.Type
	}{
		{"domain from domains.txt", "dqlvaltxzw.ru", indicator.Domain},
		{"same line as hostname", "dqlvaltxzw.ru", indicator.Hostname},
		{"upper-case hash lowered", strings.ToLower(firstLine(t, "hashes.txt")), indicator.MD5},
		{"first URL", "http://52.196.149.49", indicator.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return in.Type == tt.typ && in.Value == tt.value }) {
				t.Errorf("%s %q not found", tt.typ, tt.value)
			}
		})
	}
	// An address with one port is that address; two ports are not.
	if r := rejected["ipv4"]; len(r) == 0 || r[0] != (Rejected{Source: "ips.txt:938", MISPType: "ip-dst", Value: "213.165.60.118:22:443"}) {
		t.Errorf("first ipv4 rejection = %+v, want ips.txt:938 ip-dst 213.165.60.118:22:443", r[:min(1, len(r))])
	}
	if !slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return in.Type == indicator.IPv4 && in.Value == "51.210.1.239" }) {
		t.Error("ips.txt:1 51.210.1.239:8443 did not give 51.210.1.239")
	}
}

func firstLine(t *testing.T, list string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDataDir(), "indicators", list))
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return line
}

// eventFile writes doc as ev.json in a temporary directory and returns
// its path.
func eventFile(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ev.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadEventWrappers(t *testing.T) {
	const attrs = `"Attribute":[{"type":"ip-dst","value":"198.51.100.7","category":"Network activity","uuid":"u1","timestamp":"1700000000","to_ids":true}],
		"Object":[{"Attribute":[{"type":"domain","value":"evil.example","event_id":"9","timestamp":1700000001,"to_ids":"0"}]}]`
	want := []indicator.Attribute{
		{Type: "ip-dst", Value: "198.51.100.7", Category: "Network activity", UUID: "u1", EventID: 42, Timestamp: 1700000000, ToIDS: true},
		{Type: "domain", Value: "evil.example", EventID: 9, Timestamp: 1700000001},
	}
	tests := []struct {
		name, doc string
	}{
		{"event", `{"Event":{"id":"42",` + attrs + `}}`},
		{"response", `{"response":[{"Event":{"id":42,` + attrs + `}}]}`},
		{"bare", `{"id":"42","info":"x",` + attrs + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := eventFile(t, tt.doc)
			got, err := readEvent(p)
			if err != nil {
				t.Fatal(err)
			}
			var plain []indicator.Attribute
			for _, a := range got {
				plain = append(plain, a.Attribute)
				if a.source != "ev.json" {
					t.Errorf("source = %q", a.source)
				}
			}
			if !slices.Equal(plain, want) {
				t.Errorf("attributes = %+v, want %+v", plain, want)
			}
		})
	}
}

func TestReadEventErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not JSON", `{`, "decode event ev.json: unexpected end of JSON input"},
		{"bad timestamp", `{"Event":{"Attribute":[{"type":"md5","value":"x","timestamp":"soon"}]}}`, `decode event ev.json: parse integer "soon"`},
		{"bad to_ids", `{"Event":{"Attribute":[{"type":"md5","value":"x","to_ids":"maybe"}]}}`, `decode event ev.json: parse boolean "maybe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := eventFile(t, tt.doc)
			_, err := readEvent(p)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("readEvent = %v, want an error starting %q", err, tt.want)
			}
		})
	}
}

func TestReadList(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hashes.txt")
	if err := os.WriteFile(p, []byte("D41D8CD98F00B204E9800998ECF8427E\n\n  \nda39a3ee5e6b4b0d3255bfef95601890afd80709 \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readList(p, func(v string) []string { return []string{"md5", "sha1"}[:1+len(strings.TrimSpace(v))/40] })
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, a := range got {
		summary = append(summary, a.source+" "+a.Type+" "+a.Value)
		if len(a.UUID) != 36 || !a.ToIDS || a.Timestamp != harness.Epoch {
			t.Errorf("context of %s: %+v", a.source, a.Attribute)
		}
	}
	want := []string{
		"hashes.txt:1 md5 D41D8CD98F00B204E9800998ECF8427E",
		"hashes.txt:4 md5 da39a3ee5e6b4b0d3255bfef95601890afd80709 ",
		"hashes.txt:4 sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 ",
	}
	if !slices.Equal(summary, want) {
		t.Errorf("attributes = %q, want %q", summary, want)
	}
	if got[1].UUID == got[2].UUID || got[0].UUID != lineUUID("hashes.txt:1:md5") {
		t.Errorf("UUIDs not derived from file, line and type: %s %s %s", got[0].UUID, got[1].UUID, got[2].UUID)
	}
}

func TestSharedDataDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CRATOS_SHARED_DATA", dir)
	if got := sharedDataDir(); got != dir {
		t.Errorf("sharedDataDir() = %q, want %q", got, dir)
	}
}
