package devicecheck

import (
	"strconv"
	"strings"
	"testing"
)

func TestDefender(t *testing.T) {
	h := strings.Join(DefenderColumns, ",") + "\r\n"
	row := func(typ, value string) string {
		return typ + "," + value + ",2026-02-01T10:05:00.0Z,Block,Medium,MISP event 1,MISP ip-dst,,,,,True\r\n"
	}
	tests := []struct {
		name string
		data string
		want []want
	}{
		{"header only", h, nil},
		{"lf line ends", strings.ReplaceAll(h+row("IpAddress", "198.51.100.7"), "\r\n", "\n"), nil},
		{"empty file", "", []want{{0, "no header row"}}},
		{"wrong header", "IndicatorType,IndicatorValue\r\n", []want{{1, "header is not"}}},
		{"bom", "\ufeff" + h, []want{{0, "byte order mark"}, {1, "header is not"}}},
		{"ip", h + row("IpAddress", "198.51.100.7"), nil},
		{"ipv6", h + row("IpAddress", "2001:db8::7"), nil},
		{"cidr", h + row("IpAddress", "198.51.100.0/24"), []want{{2, "CIDR"}}},
		{"private", h + row("IpAddress", "10.1.2.3"), []want{{2, "internal or reserved"}}},
		{"loopback", h + row("IpAddress", "::1"), []want{{2, "internal or reserved"}}},
		{"shared", h + row("IpAddress", "100.64.1.1"), []want{{2, "internal or reserved"}}},
		{"ip name", h + row("IpAddress", "bad.example"), []want{{2, "not an IP address"}}},
		{"domain", h + row("DomainName", "bad.example"), nil},
		{"domain ip", h + row("DomainName", "198.51.100.7"), []want{{2, "IP address where a name"}}},
		{"url", h + row("Url", `"http://bad.example/a,b"`), nil},
		{"url space", h + row("Url", "http://bad.example/a b"), []want{{2, "white space"}}},
		{"sha256", h + row("FileSha256", strings.Repeat("ab", 32)), nil},
		{"md5 as sha1", h + row("FileSha1", strings.Repeat("ab", 16)), []want{{2, "not 40 hex digits"}}},
		{"unknown type", h + row("CertificateSha1", "x"), []want{{2, "unknown IndicatorType"}}},
		{"eleven fields", h + "IpAddress,198.51.100.7,,Block,Medium,t,d,,,,\r\n", []want{{2, "11 fields, want 12"}}},
		{"empty title", h + "IpAddress,198.51.100.7,,Block,Medium,,d,,,,,\r\n", []want{{2, "empty Title"}}},
		{"empty description", h + "IpAddress,198.51.100.7,,Block,Medium,t,,,,,,\r\n", []want{{2, "empty Description"}}},
		{"bad action", h + "IpAddress,198.51.100.7,,AlertAndBlock,Medium,t,d,,,,,\r\n", []want{{2, "Action"}}},
		{"remediate network", h + "IpAddress,198.51.100.7,,BlockAndRemediate,Medium,t,d,,,,,\r\n", []want{{2, "BlockAndRemediate on a network"}}},
		{"remediate file", h + "FileMd5," + strings.Repeat("ab", 16) + ",,BlockAndRemediate,,t,d,,,,,\r\n", nil},
		{"bad severity", h + "IpAddress,198.51.100.7,,Block,Critical,t,d,,,,,\r\n", []want{{2, "Severity"}}},
		{"bad expiry", h + "IpAddress,198.51.100.7,2026-02-01,Block,,t,d,,,,,\r\n", []want{{2, "ExpirationTime"}}},
		{"offset expiry", h + "IpAddress,198.51.100.7,2026-02-01T10:05:00+01:00,Block,,t,d,,,,,\r\n", []want{{2, "ExpirationTime"}}},
		{"bad alert", h + "IpAddress,198.51.100.7,,Block,,t,d,,,,,yes\r\n", []want{{2, "GenerateAlert"}}},
		{"category", h + "IpAddress,198.51.100.7,,Block,,t,d,,,CommandAndControl,,\r\n", nil},
		{"bad category", h + "IpAddress,198.51.100.7,,Block,,t,d,,,command and control,,\r\n", []want{{2, "Category"}}},
		{"techniques", h + "IpAddress,198.51.100.7,,Block,,t,d,,,,\"T1566,T1566.001\",\r\n", nil},
		{"bad technique", h + "IpAddress,198.51.100.7,,Block,,t,d,,,,Phishing,\r\n", []want{{2, "technique id"}}},
		{"formula", h + "IpAddress,198.51.100.7,,Block,,=HYPERLINK(1),d,,,,,\r\n", []want{{2, "spreadsheet formula"}}},
		{"neutralised formula", h + "IpAddress,198.51.100.7,,Block,,'=HYPERLINK(1),d,,,,,\r\n", nil},
		{"line break in field", h + "IpAddress,198.51.100.7,,Block,,\"a\r\nb\",d,,,,,\r\n", []want{{2, "line break"}}},
		{"duplicate", h + row("IpAddress", "198.51.100.7") + row("IpAddress", "198.51.100.7"), []want{{3, "already on row 2"}}},
		{"501 rows", h + row("Url", "http://bad.example/") + manyRows(500), []want{{0, "501 rows, over the import limit of 500"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckDefender([]byte(tt.data)), tt.want)
		})
	}
}

// manyRows returns n distinct valid IpAddress rows.
func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("IpAddress,198.51." + strconv.Itoa(100+i/250) + "." + strconv.Itoa(1+i%250) + ",,Block,,t,d,,,,,\r\n")
	}
	return b.String()
}
