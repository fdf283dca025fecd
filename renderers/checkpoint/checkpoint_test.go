package checkpoint

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

func ind(t indicator.Type, v string, ts int64) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v, MISPType: "ip-dst", Category: "Network activity", EventID: 42, Timestamp: ts}
}

func TestRecords(t *testing.T) {
	const h = Header + "\n"
	const comment = ",high,high,AB,MISP event 42; ip-dst; Network activity\n"
	ipLine := func(a string) string { return uniqName("IP", a) + "," + a + ",IP" + comment }
	rangeLine := uniqName("IP Range", "198.51.100.0-198.51.100.255") + ",198.51.100.0-198.51.100.255,IP Range" + comment
	rendertest.Rows(t, Renderer{}, rendertest.WithOptions, []rendertest.Row{
		{"ip", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7", 1)},
			h + uniqName("IP", "198.51.100.7") + ",198.51.100.7,IP,high,high,AB,MISP event 42; ip-dst; Network activity\n", nil},
		{"net as range", nil, []indicator.Indicator{{Type: indicator.IPv4Net, Value: "198.51.100.0/25"}},
			h + uniqName("IP Range", "198.51.100.0-198.51.100.127") + ",198.51.100.0-198.51.100.127,IP Range,high,high,AB,Cratos block\n", nil},
		{"ipv6 dropped", nil, []indicator.Indicator{{Type: indicator.IPv6, Value: "2001:db8::1"}, {Type: indicator.IPv6Net, Value: "2001:db8::/32"}},
			h, map[string]int{DropIPv6: 2}},
		{"hash goes to AV", nil, []indicator.Indicator{{Type: indicator.SHA256, Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
			h + uniqName("SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") + ",e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,SHA256,high,high,AV,Cratos block\n", nil},
		{"domain and hostname merge", nil, []indicator.Indicator{{Type: indicator.Domain, Value: "bad.example"}, {Type: indicator.Hostname, Value: "bad.example"}},
			h + uniqName("Domain", "bad.example") + ",bad.example,Domain,high,high,AB,Cratos block\n", map[string]int{DropDuplicate: 1}},
		{"url quoted and encoded", map[string]string{"product": "AV"}, []indicator.Indicator{{Type: indicator.URL, Value: `http://bad.example/a,"b"/ü`}},
			h + uniqName("URL", `http://bad.example/a,"b"/%C3%BC`) + `,"http://bad.example/a,""b""/%C3%BC",URL,high,high,AV,Cratos block` + "\n", nil},
		{"mail from and to", nil, []indicator.Indicator{{Type: indicator.Email, Value: "a@bad.example", MISPType: "email-src"}, {Type: indicator.Email, Value: "b@bad.example", MISPType: "email-dst"}},
			h + uniqName("Mail-from", "a@bad.example") + ",a@bad.example,Mail-from,high,high,AB,email-src\n" + uniqName("Mail-to", "b@bad.example") + ",b@bad.example,Mail-to,high,high,AB,email-dst\n", nil},
		{"subject with a tab", nil, []indicator.Indicator{{Type: indicator.EmailSubject, Value: "a\tb"}}, h, map[string]int{DropText: 1}},
		{"excel safe", map[string]string{"excel_safe": "true"}, []indicator.Indicator{{Type: indicator.EmailSubject, Value: "=HYPERLINK(1)", Category: "-x"}},
			h + uniqName("Mail-subject", "=HYPERLINK(1)") + ",'=HYPERLINK(1),Mail-subject,high,high,AB,'-x\n", nil},
		{"a URL as new as its newest repeat under the cap", map[string]string{"max_entries": "1"}, []indicator.Indicator{
			ind(indicator.IPv4, "198.51.100.1", 5), ind(indicator.URL, "http://bad.example", 1), ind(indicator.URL, "http://bad.example/", 9)},
			h + uniqName("URL", "http://bad.example/") + ",http://bad.example/,URL,high,high,AB,MISP event 42; ip-dst; Network activity\n", map[string]int{DropDuplicate: 1, DropCap: 1}},
		{"addresses inside a listed range go first under the cap", map[string]string{"max_entries": "3"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24", 1), ind(indicator.IPv4, "198.51.100.5", 100), ind(indicator.IPv4, "198.51.100.6", 90),
			ind(indicator.IPv4, "203.0.113.1", 50), ind(indicator.IPv4, "203.0.113.2", 40)},
			h + rangeLine + ipLine("203.0.113.1") + ipLine("203.0.113.2"), map[string]int{DropCovered: 2}},
		{"a range as new as the newest address inside it", map[string]string{"max_entries": "2"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24", 1), ind(indicator.IPv4, "198.51.100.5", 100),
			ind(indicator.IPv4, "203.0.113.1", 50), ind(indicator.IPv4, "203.0.113.2", 60)},
			h + rangeLine + ipLine("203.0.113.2"), map[string]int{DropCovered: 1, DropCap: 1}},
		{"under the cap, addresses inside a range stay", map[string]string{"max_entries": "3"}, []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24", 1), ind(indicator.IPv4, "198.51.100.5", 100), ind(indicator.IPv4, "203.0.113.1", 50)},
			h + rangeLine + ipLine("198.51.100.5") + ipLine("203.0.113.1"), nil},
		{"cap keeps newest", map[string]string{"max_entries": "1"}, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.1", 1), ind(indicator.IPv4, "198.51.100.2", 2)},
			h + uniqName("IP", "198.51.100.2") + ",198.51.100.2,IP,high,high,AB,MISP event 42; ip-dst; Network activity\n", map[string]int{DropCap: 1}},
	}, func(out []byte) []devicecheck.Violation {
		return devicecheck.CheckCheckPoint(out, devicecheck.CheckPointLimits{})
	})
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the feed against the Check Point rules; every indicator is
// a record or a reported drop.
func TestDeviceRules(t *testing.T) {
	rendertest.DeviceRules(t, Renderer{}, rendertest.WithOptions, []rendertest.Variant{
		{"defaults", nil},
		{"capped", map[string]string{"max_entries": "1000", "excel_safe": "true"}},
	}, "records", rules)
}

// rules checks the feed against the Check Point rules
// (devicecheck.CheckCheckPoint) and counts its records.
func rules(opts map[string]string, out []byte) ([]devicecheck.Violation, int) {
	return devicecheck.CheckCheckPoint(out, devicecheck.CheckPointLimits{MaxEntries: rendertest.MaxEntries(opts)}), len(devicecheck.Lines(out)) - 1
}

// FuzzRender checks the feed against the Check Point rules and that
// every input is a record or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, Renderer{}, []map[string]string{
		nil,
		{"excel_safe": "true", "product": "AV"},
		{"max_entries": "3", "confidence": "low"},
	}, rules)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All:     map[string]string{"confidence": "low", "severity": "medium", "product": "AB", "max_entries": "2000000", "excel_safe": "true"},
		Unknown: "comment",
		Bad: map[string][]string{
			"confidence":  {"High"},
			"severity":    {"critical"},
			"product":     {"FW"},
			"max_entries": {"-1"},
			"excel_safe":  {"yes"},
		},
	})
}

func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, rendertest.WithOptions(nil)) }

// uniqName is the UNIQ-NAME the renderer gives a record.
func uniqName(typ, value string) string { return string(ioc.AppendName(nil, "cratos-", typ, value)) }
