package defender

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
)

var request = rendertest.WithOptions

func TestRows(t *testing.T) {
	h := strings.Join(Columns, ",") + "\r\n"
	const tail = ",2026-02-01T10:05:00.0Z,Block,Medium,"
	ip := indicator.Indicator{Type: indicator.IPv4, Value: "198.51.100.7", MISPType: "ip-dst", Category: "Network activity", EventID: 42, Timestamp: 5}
	rendertest.Rows(t, Renderer{}, request, []rendertest.Row{
		{"ip", nil, []indicator.Indicator{ip},
			h + "IpAddress,198.51.100.7" + tail + "MISP event 42,MISP ip-dst; Network activity; Cratos cti.example.org feed block,,,,,True\r\n", nil},
		{"nets and internal addresses", nil, []indicator.Indicator{
			{Type: indicator.IPv4Net, Value: "198.51.100.0/24"}, {Type: indicator.IPv6Net, Value: "2001:db8::/32"},
			{Type: indicator.IPv4, Value: "10.1.2.3"}, {Type: indicator.IPv4, Value: "127.0.0.1"}, {Type: indicator.IPv4, Value: "100.64.0.1"},
			{Type: indicator.IPv6, Value: "fe80::1"}, {Type: indicator.IPv6, Value: "fd00::1"}, {Type: indicator.IPv4, Value: "224.0.0.1"}},
			h, map[string]int{DropCIDR: 2, DropInternal: 6}},
		{"a /32 net is its address, once", map[string]string{"expire_days": "0"}, []indicator.Indicator{
			{Type: indicator.IPv4Net, Value: "198.51.100.7/32"}, {Type: indicator.IPv4, Value: "198.51.100.7"},
			{Type: indicator.IPv4Net, Value: "198.51.100.8/32"}, {Type: indicator.IPv4Net, Value: "10.0.0.1/32"}},
			h + "IpAddress,198.51.100.7,,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n" +
				"IpAddress,198.51.100.8,,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n",
			map[string]int{DropDuplicate: 1, DropInternal: 1}},
		{"hashes", map[string]string{"action": "BlockAndRemediate", "expire_days": "1"}, []indicator.Indicator{
			{Type: indicator.MD5, Value: strings.Repeat("a", 32)}, {Type: indicator.URL, Value: "https://bad.example/x"}},
			h + "FileMd5," + strings.Repeat("a", 32) + ",2026-01-03T10:05:00.0Z,BlockAndRemediate,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n" +
				"Url,https://bad.example/x,2026-01-03T10:05:00.0Z,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n", nil},
		{"domain and hostname merge", map[string]string{"expire_days": "0"}, []indicator.Indicator{{Type: indicator.Domain, Value: "bad.example"}, {Type: indicator.Hostname, Value: "bad.example"}},
			h + "DomainName,bad.example,,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n", map[string]int{DropDuplicate: 1}},
		{"URLs that Defender takes as one merge", map[string]string{"expire_days": "0"}, []indicator.Indicator{{Type: indicator.URL, Value: "h://e.e"}, {Type: indicator.URL, Value: "h://e.e/"}},
			h + "Url,h://e.e/,,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n", map[string]int{DropDuplicate: 1}},
		{"formula neutralised", map[string]string{"expire_days": "0", "title": "=cmd|' /C calc'!A0", "rbac_groups": "@group"}, []indicator.Indicator{{Type: indicator.Hostname, Value: "bad.example", Category: "+x"}},
			h + "DomainName,bad.example,,Block,Medium,'=cmd|' /C calc'!A0,'+x; Cratos cti.example.org feed block,,'@group,,,True\r\n", nil},
		{"url encoded and quoted", map[string]string{"expire_days": "0"}, []indicator.Indicator{{Type: indicator.URL, Value: "http://bad.example/a,b/ü"}},
			h + `Url,"http://bad.example/a,b/%C3%BC",,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True` + "\r\n", nil},
		{"a URL as new as its newest repeat under the cap", map[string]string{"max_entries": "1", "expire_days": "0"}, []indicator.Indicator{
			{Type: indicator.Hostname, Value: "a.example", Timestamp: 5},
			{Type: indicator.URL, Value: "h://e.e", Timestamp: 1}, {Type: indicator.URL, Value: "h://e.e/", EventID: 7, Timestamp: 9}},
			h + "Url,h://e.e/,,Block,Medium,MISP event 7,Cratos cti.example.org feed block,,,,,True\r\n", map[string]int{DropDuplicate: 1, DropCap: 1}},
		{"cap keeps newest", map[string]string{"max_entries": "1", "expire_days": "0"}, []indicator.Indicator{
			{Type: indicator.Hostname, Value: "a.example", Timestamp: 1}, {Type: indicator.Hostname, Value: "b.example", Timestamp: 2}},
			h + "DomainName,b.example,,Block,Medium,Cratos block,Cratos cti.example.org feed block,,,,,True\r\n", map[string]int{DropCap: 1}},
	}, devicecheck.CheckDefender)
}

// TestDeviceRules renders the sample, generated and the full real data
// and checks the file against Defender's columns and limits; every
// indicator is a row or a reported drop, and the cap keeps 500 rows.
func TestDeviceRules(t *testing.T) {
	rendertest.DeviceRules(t, Renderer{}, request, []rendertest.Variant{
		{"defaults", nil},
		{"hashes remediated", map[string]string{"action": "BlockAndRemediate", "max_entries": "100"}},
	}, "rows", rules)
}

// rules checks the file against Defender's columns and limits
// (devicecheck.CheckDefender) and counts its rows.
func rules(_ map[string]string, out []byte) ([]devicecheck.Violation, int) {
	return devicecheck.CheckDefender(out), strings.Count(string(out), "\r\n") - 1
}

// FuzzRender checks the file against Defender's columns and limits and
// that every input is a row or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, Renderer{}, []map[string]string{
		nil,
		{"action": "BlockAndRemediate", "max_entries": "3"},
		{"excel_safe": "false", "expire_days": "0", "title": "Cratos"},
	}, rules)
}

// TestContract checks the options, the golden cases, the registration and
// conformance.Check.
func TestContract(t *testing.T) {
	rendertest.Contract(t, Renderer{}, rendertest.Options{
		All: map[string]string{"action": "Audit", "severity": "Informational", "expire_days": "3650", "title": "Cratos", "generate_alert": "false",
			"recommended_actions": "Isolate", "rbac_groups": "A,B", "category": "InitialAccess", "max_entries": "1", "excel_safe": "false"},
		Unknown: "application",
		Bad: map[string][]string{
			"action":         {"AlertAndBlock"}, // the legacy action
			"severity":       {"high"},
			"expire_days":    {"-1", "3651"},
			"title":          {"a\nb"},
			"rbac_groups":    {"a\tb"},
			"category":       {"malware", "Command Control"},
			"generate_alert": {"yes"},
			"max_entries":    {"0", "501"},
			"excel_safe":     {"on"},
		},
	})
}

// BenchmarkRender measures a whole input: the cap is lifted to the most
// rows a file takes, so the cost is reading, mapping and de-duplicating
// every indicator plus writing 500 rows.
func BenchmarkRender(b *testing.B) { rendertest.Benchmark(b, Renderer{}, request(nil)) }
