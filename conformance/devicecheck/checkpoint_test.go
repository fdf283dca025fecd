package devicecheck

import (
	"strings"
	"testing"
)

func TestCheckPoint(t *testing.T) {
	const h = CheckPointHeader + "\n"
	rec := func(value, typ string) string { return "n1," + value + "," + typ + ",high,high,AB,MISP event 1\n" }
	tests := []struct {
		name string
		data string
		lim  CheckPointLimits
		want []want
	}{
		{"header only", h, CheckPointLimits{}, nil},
		{"metadata first", "#! DESCRIPTION = x\n" + h + rec("198.51.100.7", "IP"), CheckPointLimits{}, nil},
		{"no header", "", CheckPointLimits{}, []want{{0, "no column line"}}},
		{"record first", rec("198.51.100.7", "IP") + h, CheckPointLimits{}, []want{{1, "record before the column line"}}},
		{"wrong header", "# NAME,VALUE\n", CheckPointLimits{}, []want{{1, "not the column line"}}},
		{"crlf", h + strings.TrimSuffix(rec("198.51.100.7", "IP"), "\n") + "\r\n", CheckPointLimits{}, []want{{2, "CRLF"}}},
		{"no final newline", h + strings.TrimSuffix(rec("198.51.100.7", "IP"), "\n"), CheckPointLimits{}, []want{{0, "no final newline"}}},
		{"ip", h + rec("198.51.100.7", "IP"), CheckPointLimits{}, nil},
		{"ipv6 as ip", h + rec("2001:db8::1", "IP"), CheckPointLimits{}, []want{{2, "not an IPv4 address"}}},
		{"ip range", h + rec("198.51.100.0-198.51.100.255", "IP Range"), CheckPointLimits{}, nil},
		{"ip range reversed", h + rec("198.51.100.9-198.51.100.1", "IP Range"), CheckPointLimits{}, []want{{2, "starts after its end"}}},
		{"ip range cidr", h + rec("198.51.100.0/24", "IP Range"), CheckPointLimits{}, []want{{2, "not two IPv4 addresses"}}},
		{"domain", h + rec("_dmarc.bad.example", "Domain"), CheckPointLimits{}, nil},
		{"domain ip", h + rec("198.51.100.7", "Domain"), CheckPointLimits{}, []want{{2, "IP address where a name"}}},
		{"url", h + rec(`"http://bad.example/a,b?c=""d"""`, "URL"), CheckPointLimits{}, nil},
		{"url no scheme", h + rec("bad.example:8080/x", "URL"), CheckPointLimits{}, nil},
		{"url no host", h + rec("http:///x", "URL"), CheckPointLimits{}, []want{{2, "without a scheme and a host"}}},
		{"url unicode", h + rec("http://bad.example/straße", "URL"), CheckPointLimits{}, []want{{2, "non-ASCII"}}},
		{"md5", h + rec("d41d8cd98f00b204e9800998ecf8427e", "MD5"), CheckPointLimits{}, nil},
		{"sha1 of md5 length", h + rec("d41d8cd98f00b204e9800998ecf8427e", "SHA1"), CheckPointLimits{}, []want{{2, "not 40 hex digits"}}},
		{"mail", h + rec("a.b@bad.example", "Mail-from"), CheckPointLimits{}, nil},
		{"mail no at", h + rec("bad.example", "Mail-to"), CheckPointLimits{}, []want{{2, "not an e-mail address"}}},
		{"subject", h + rec(`"Invoice, overdue"`, "Mail-subject"), CheckPointLimits{}, nil},
		{"unknown type", h + rec("x", "Hostname"), CheckPointLimits{}, []want{{2, "unknown TYPE"}}},
		{"six fields", h + "n1,198.51.100.7,IP,high,high,AB\n", CheckPointLimits{}, []want{{2, "seven fields"}}},
		{"bare quote", h + "n1,a\"b,Mail-subject,high,high,AB,c\n", CheckPointLimits{}, []want{{2, "seven fields"}}},
		{"empty name", h + ",198.51.100.7,IP,high,high,AB,c\n", CheckPointLimits{}, []want{{2, "empty UNIQ-NAME"}}},
		{"empty value", h + "n1,,IP,high,high,AB,c\n", CheckPointLimits{}, []want{{2, "empty VALUE"}}},
		{"bad confidence", h + "n1,198.51.100.7,IP,sure,high,AB,c\n", CheckPointLimits{}, []want{{2, "CONFIDENCE"}}},
		{"bad severity", h + "n1,198.51.100.7,IP,high,critical,AB,c\n", CheckPointLimits{}, []want{{2, "SEVERITY"}}},
		{"bad product", h + "n1,198.51.100.7,IP,high,high,FW,c\n", CheckPointLimits{}, []want{{2, "PRODUCT"}}},
		{"optional empty", h + "n1,198.51.100.7,IP,,,,\n", CheckPointLimits{}, nil},
		{"control character", h + "n1,a\tb,Mail-subject,high,high,AB,c\n", CheckPointLimits{}, []want{{2, "control character"}}},
		{"duplicate name", h + rec("198.51.100.7", "IP") + rec("198.51.100.8", "IP"), CheckPointLimits{}, []want{{3, "already used on line 2"}}},
		{"cap", h + rec("198.51.100.7", "IP"), CheckPointLimits{MaxEntries: 0}, nil},
		{"over the cap", h + "a,198.51.100.7,IP,,,,\nb,198.51.100.8,IP,,,,\n", CheckPointLimits{MaxEntries: 1}, []want{{0, "2 records, over the cap of 1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckCheckPoint([]byte(tt.data), tt.lim), tt.want)
		})
	}
}
