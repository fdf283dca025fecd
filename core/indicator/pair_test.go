package indicator

import (
	"slices"
	"testing"
)

// CheckPairs is asked about the other half of a composite attribute, in
// canonical form where it is an indicator kind, and leaves the half the
// data type takes out when told to.
func TestCheckPairs(t *testing.T) {
	tests := []struct {
		name     string
		dataType string
		mispType string
		value    string
		other    string // "type value" given to the check; "" none asked
		want     string // "type value" kept when the check says keep
	}{
		{"address of domain|ip", "ipv4", "domain|ip", "WWW.Google.com.|142.250.80.4", "hostname www.google.com", "ipv4 142.250.80.4"},
		{"net of domain|ip", "ipv4ext", "domain|ip", "cdn.example|203.0.113.0/24", "hostname cdn.example", "ipv4-net 203.0.113.0/24"},
		{"name of domain|ip", "hostname", "domain|ip", "resolver.example| 8.8.8.8 ", "ipv4 8.8.8.8", "hostname resolver.example"},
		{"name of domain|ip, ipv6", "hostname", "domain|ip", "resolver.example|2001:4860:4860:0::8888", "ipv6 2001:4860:4860::8888", "hostname resolver.example"},
		{"name of domain|ip, bad address", "hostname", "domain|ip", "resolver.example|8.8.8", "invalid 8.8.8", "hostname resolver.example"},
		{"address of ip-dst|port", "ipv4", "ip-dst|port", "203.0.113.4|8443", "invalid 8443", "ipv4 203.0.113.4"},
		{"name of hostname|port", "hostname", "hostname|port", "c2.example|443", "invalid 443", "hostname c2.example"},
		{"hash of filename|md5", "file-md5", "filename|md5", " setup.exe |0123456789ABCDEF0123456789ABCDEF", "invalid setup.exe", "md5 0123456789abcdef0123456789abcdef"},
		{"hash of malware-sample", "file-md5", "malware-sample", "a.bin|0123456789abcdef0123456789abcdef", "invalid a.bin", "md5 0123456789abcdef0123456789abcdef"},
		{"single value", "ipv4", "ip-dst", "203.0.113.4", "", "ipv4 203.0.113.4"},
		{"nothing taken, nothing asked", "ipv4", "domain|ip", "evil.example|2001:db8::1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dt, _ := LookupDataType(tt.dataType)
			a := Attribute{Type: tt.mispType, Value: tt.value, UUID: "u1", Category: "Network activity", EventID: 7, Timestamp: 9, ToIDS: true}
			for _, keepOut := range []bool{false, true} {
				var asked []Indicator
				x := NewExtractor(dt, -1)
				x.CheckPairs(func(other Indicator) bool {
					asked = append(asked, other)
					return keepOut
				})
				var got []string
				for _, in := range x.Add(nil, a) {
					got = append(got, in.Type.String()+" "+in.Value)
				}
				var want []string
				if tt.want != "" && (!keepOut || tt.other == "") {
					want = []string{tt.want}
				}
				if !slices.Equal(got, want) {
					t.Errorf("keepOut %v: got %q, want %q", keepOut, got, want)
				}
				switch {
				case tt.other == "" && len(asked) != 0:
					t.Errorf("asked about %+v", asked)
				case tt.other != "" && (len(asked) != 1 || asked[0].Type.String()+" "+asked[0].Value != tt.other ||
					asked[0].MISPType != tt.mispType || asked[0].UUID != "u1" || asked[0].EventID != 7):
					t.Errorf("asked about %+v, want %q of %s", asked, tt.other, tt.mispType)
				}
			}
		})
	}
}
