package harness

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

func TestSampleValues(t *testing.T) {
	byValue := map[string]indicator.Type{}
	for _, in := range Sample() {
		byValue[in.Value] = in.Type
	}
	tests := []struct {
		name  string
		value string
		typ   indicator.Type // Invalid: must be absent
	}{
		{"host bits cleared", "203.0.113.0/24", indicator.IPv4Net},
		{"host-bit value absent", "203.0.113.9/24", indicator.Invalid},
		{"slash-30 expanded", "192.0.2.19", indicator.IPv4},
		{"slash-30 kept", "192.0.2.16/30", indicator.IPv4Net},
		{"slash-32 net from cidr4", "192.0.2.1/32", indicator.IPv4Net},
		{"slash-32 address", "192.0.2.1", indicator.IPv4},
		{"mapped address", "192.0.2.200", indicator.IPv4},
		{"mapped prefix", "198.51.100.0/24", indicator.IPv4Net},
		{"defanged address", "198.51.100.23", indicator.IPv4},
		{"composite address", "203.0.113.77", indicator.IPv4},
		{"composite port dropped", "198.51.100.44", indicator.IPv4},
		{"leading zero rejected", "010.0.0.1", indicator.Invalid},
		{"mixed case compressed", "2001:db8::1", indicator.IPv6},
		{"first zero run compressed", "2001:db8::1:0:0:1", indicator.IPv6},
		{"zone dropped", "fe80::1", indicator.IPv6},
		{"NAT64", "64:ff9b::c000:221", indicator.IPv6},
		{"IPv6 host bits cleared", "2001:db8:abcd:12::/64", indicator.IPv6Net},
		{"trailing dot and case", "evil.example.com", indicator.Domain},
		{"U-label to A-label", "xn--mnchen-bank-thb.example", indicator.Domain},
		{"253 octets", name253, indicator.Domain},
		{"254 octets rejected", name254, indicator.Invalid},
		{"defanged domain", "evil.example.net", indicator.Domain},
		{"hostname from composite", "evil-cdn.example", indicator.Hostname},
		{"hostname with port", "mail.bad.example", indicator.Hostname},
		{"refanged URL", "http://evil.example/gate.php?id=1&x=2", indicator.URL},
		{"URL case", "https://login.example.com:8443/Path/Mixed?Q=1", indicator.URL},
		{"URL IPv6 host", "http://[2001:db8::1]:8080/x", indicator.URL},
		{"URL IDN host, non-ASCII percent-encoded", "http://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC", indicator.URL},
		{"URL quotes percent-encoded", "http://quote.example/it's-%22quoted%22", indicator.URL},
		{"URL dot segment resolved", "https://percent.example/%00?x=%0d%0a", indicator.URL},
		{"fragment dropped", "http://frag.example/x", indicator.URL},
		{"upper-case md5", "d41d8cd98f00b204e9800998ecf8427e", indicator.MD5},
		{"hash after file name", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", indicator.SHA256},
		{"display name dropped", "bob@evil.example", indicator.Email},
		{"e-mail domain lowered", "Alice.Example+tag@mail.example.com", indicator.Email},
		{"CVE upper-cased", "CVE-2021-44228", indicator.Vulnerability},
		{"CVE from text", "CVE-2017-11882", indicator.Vulnerability},
		{"bech32 lowered", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", indicator.CryptoCurrency},
		{"two-line subject rejected", "first\nsecond", indicator.Invalid},
		{"link ignored", "https://blog.example/report", indicator.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byValue[tt.value]; got != tt.typ {
				t.Errorf("%q has type %v, want %v", tt.value, got, tt.typ)
			}
		})
	}
	for v, typ := range byValue {
		if typ == indicator.Yara && strings.HasPrefix(v, "rule Evil_Sample") && strings.Contains(v, "\r") {
			t.Errorf("CRLF kept in the YARA rule %q", v)
		}
	}
	if len(name253) != 253 || len(label63) != 63 {
		t.Errorf("name253 has %d octets, label63 %d", len(name253), len(label63))
	}
}

func TestSampleStats(t *testing.T) {
	stats := sample().stats
	tests := []struct {
		dataType string
		want     indicator.Stats
	}{
		{"ipv4ext", indicator.Stats{Attributes: 27, Invalid: 4, Skipped: 10, Expanded: 1, KeptNets: 4}},
		{"ipv4", indicator.Stats{Attributes: 27, Invalid: 4, Skipped: 15}},
		{"ipv6", indicator.Stats{Attributes: 27, Invalid: 4, Skipped: 13}},
		{"cidr4", indicator.Stats{Attributes: 24, Invalid: 4, Skipped: 14}},
		{"domain", indicator.Stats{Attributes: 13, Invalid: 3}},
		{"hostname", indicator.Stats{Attributes: 5, Invalid: 1}},
		{"url", indicator.Stats{Attributes: 17, Invalid: 1}},
		{"file-md5", indicator.Stats{Attributes: 4, Invalid: 1}},
		{"email-address", indicator.Stats{Attributes: 6, Invalid: 1}},
		{"email-subject", indicator.Stats{Attributes: 52, Invalid: 3}},
		{"vulnerability", indicator.Stats{Attributes: 4, Invalid: 1}},
		{"crypto-currency", indicator.Stats{Attributes: 4, Invalid: 1}},
		{"yara", indicator.Stats{Attributes: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.dataType, func(t *testing.T) {
			if got := stats[tt.dataType]; got != tt.want {
				t.Errorf("stats = %+v, want %+v", got, tt.want)
			}
		})
	}
	if len(stats) != len(indicator.DataTypes()) {
		t.Errorf("%d data types in stats, want %d", len(stats), len(indicator.DataTypes()))
	}
}
