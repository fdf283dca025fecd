package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

func TestWarninglistsMatch(t *testing.T) {
	index := []byte(`{"Warninglists":[{"Warninglist":{"id":"3","enabled":true}},{"Warninglist":{"id":"2","enabled":false}},{"Warninglist":{"id":"1","enabled":"1"}}]}`)
	ids, err := ParseIndex(index)
	if err != nil || len(ids) != 2 || ids[0] != "3" || ids[1] != "1" {
		t.Fatalf("ParseIndex = %v, %v", ids, err)
	}
	views := [][]byte{
		[]byte(`{"Warninglist":{"id":"1","name":"List of known IPv4 public DNS resolvers","type":"cidr","valid_attributes":"ip-src, ip-dst, domain|ip","WarninglistEntry":[{"value":"8.8.4.4"},{"value":"9.9.9.0/24"},{"value":"2001:4860:4860::8888"}],"WarninglistType":[{"type":"ip-src"},{"type":"ip-dst"},{"type":"domain|ip"}]}}`),
		[]byte(`{"Warninglist":{"id":"4","name":"Top domains","type":"hostname","WarninglistEntry":[{"value":"google.com."}],"WarninglistType":[{"type":"ALL"}]}}`),
		[]byte(`{"Warninglist":{"id":"5","name":"Hashes","type":"string","WarninglistEntry":[{"value":"D41D8CD98F00B204E9800998ECF8427E"}],"WarninglistType":[{"type":"md5"}]}}`),
		[]byte(`{"Warninglist":{"id":"6","name":"Sub","type":"substring","WarninglistEntry":[{"value":"amazonaws"}],"WarninglistType":[{"type":"ALL"}]}}`),
		[]byte(`{"Warninglist":{"id":"7","name":"Re","type":"regex","WarninglistEntry":[{"value":"/^cdn[0-9]+\\.example$/i"},{"value":"/(?<=x)y/"}],"WarninglistType":[{"type":"ALL"}]}}`),
	}
	var lists []*List
	for _, v := range views {
		l, err := ParseView(v)
		if err != nil {
			t.Fatal(err)
		}
		lists = append(lists, l)
	}
	w := NewWarninglists(lists)
	tests := []struct {
		name     string
		typ      indicator.Type
		mispType string
		val      string
		list     string // "" no hit
	}{
		{"resolver from a spaced value", indicator.IPv4, "ip-dst", "8.8.4.4", "warninglist 1 List of known IPv4 public DNS resolvers"},
		{"address in a listed net", indicator.IPv4, "ip-src", "9.9.9.9", "warninglist 1 List of known IPv4 public DNS resolvers"},
		{"net inside a listed net", indicator.IPv4Net, "ip-dst", "9.9.9.0/25", "warninglist 1 List of known IPv4 public DNS resolvers"},
		{"net wider than the listed one", indicator.IPv4Net, "ip-dst", "9.9.0.0/16", "warninglist 1 List of known IPv4 public DNS resolvers (covers 9.9.9.0/24)"},
		{"ipv6 resolver", indicator.IPv6, "ip-dst", "2001:4860:4860::8888", "warninglist 1 List of known IPv4 public DNS resolvers"},
		{"type the list does not apply to", indicator.IPv4, "url", "8.8.4.4", ""},
		{"other address", indicator.IPv4, "ip-dst", "45.77.16.40", ""},
		{"listed host", indicator.Domain, "domain", "google.com", "warninglist 4 Top domains"},
		{"subdomain of a listed host", indicator.Hostname, "hostname", "mail.google.com", "warninglist 4 Top domains"},
		{"url on a listed host", indicator.URL, "url", "https://docs.google.com/x", "warninglist 4 Top domains"},
		{"string, case-insensitive", indicator.MD5, "md5", "d41d8cd98f00b204e9800998ecf8427e", "warninglist 5 Hashes"},
		{"substring", indicator.Hostname, "hostname", "x.s3.amazonaws.com", "warninglist 6 Sub"},
		{"regex", indicator.Hostname, "hostname", "cdn42.example", "warninglist 7 Re"},
		{"no hit", indicator.Domain, "domain", "evil.example", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, hit := w.Match(indicator.Indicator{Type: tt.typ, MISPType: tt.mispType, Value: tt.val})
			if hit != (tt.list != "") || v.Detail != tt.list || hit && v.Rule != RuleWarninglist {
				t.Errorf("Match = %+v, %v; want %q", v, hit, tt.list)
			}
		})
	}
}
