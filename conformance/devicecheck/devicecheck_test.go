package devicecheck

import (
	"strings"
	"testing"
)

// want is one expected violation: its line and a part of its rule.
type want struct {
	line int
	rule string
}

func match(t *testing.T, got []Violation, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%d violations, want %d:\n%v", len(got), len(wants), Error(got, 0))
	}
	for i, w := range wants {
		if got[i].Line != w.line || !strings.Contains(got[i].Rule, w.rule) {
			t.Errorf("violation %d = %v, want line %d with %q", i, got[i], w.line, w.rule)
		}
	}
}

// lineWants is what a file of one line must give: nothing when rule is
// "", else a violation of rule on line 1.
func lineWants(rule string) []want {
	if rule == "" {
		return nil
	}
	return []want{{1, rule}}
}

// lineCase is one entry line and a part of the rule it breaks ("" when
// valid).
type lineCase = struct {
	name string
	line string
	rule string
}

// matchLines checks each case's line, as a file of that one line, with
// check.
func matchLines(t *testing.T, tests []lineCase, check func(data []byte) []Violation) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, check([]byte(tt.line+"\n")), lineWants(tt.rule))
		})
	}
}

func TestFileRules(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []want
	}{
		{"empty file", "", nil},
		{"good", "198.51.100.7\n203.0.113.0/24\n", nil},
		{"no final newline", "198.51.100.7", []want{{0, "no final newline"}}},
		{"bom", "\ufeff198.51.100.7\n", []want{{0, "byte order mark"}, {1, "not an IP address"}}},
		{"crlf", "198.51.100.7\r\n", []want{{1, "CRLF line end"}}},
		{"empty line", "198.51.100.7\n\n198.51.100.8\n", []want{{2, "empty line"}}},
		{"leading space", " 198.51.100.7\n", []want{{1, "white space"}}},
		{"trailing tab", "198.51.100.7\t\n", []want{{1, "white space"}}},
		{"duplicate", "198.51.100.7\n198.51.100.8\n198.51.100.7\n", []want{{3, "duplicate of line 1"}}},
		{"invalid utf-8", "\xff\n", []want{{1, "invalid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckPANOS(PANIP, []byte(tt.data)), tt.want)
		})
	}
}

func TestPANOS(t *testing.T) {
	long := strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + ".example"
	tests := []struct {
		name string
		list PANList
		line string
		rule string // "" when valid
	}{
		{"ip address", PANIP, "198.51.100.7", ""},
		{"ip prefix", PANIP, "203.0.113.0/24", ""},
		{"ip range", PANIP, "198.51.100.40-198.51.100.50", ""},
		{"ip with comment", PANIP, "2001:db8::7 #ipv6 c2", ""},
		{"ipv6 prefix", PANIP, "2001:db8::/32", ""},
		{"ip host bits", PANIP, "203.0.113.9/24", "host bits set"},
		{"ip leading zero", PANIP, "010.0.0.1", "not an IP address"},
		{"ip range reversed", PANIP, "198.51.100.50-198.51.100.40", "start after its end"},
		{"ip range mixed", PANIP, "198.51.100.1-2001:db8::1", "mixes IPv4 and IPv6"},
		{"ip name", PANIP, "bad.example", "not an IP address"},
		{"ip zone", PANIP, "fe80::1%eth0", "zone"},
		{"ip bad length", PANIP, "198.51.100.0/33", "not a CIDR prefix"},

		{"domain", PANDomain, "bad.example", ""},
		{"domain wildcard", PANDomain, "*.bad.example", ""},
		{"domain wildcard tld", PANDomain, "*.zip", ""},
		{"domain caret", PANDomain, "^.bad.example", ""},
		{"domain underscore", PANDomain, "_dmarc.mail.example", ""},
		{"domain scheme", PANDomain, "http://bad.example", "scheme"},
		{"domain path", PANDomain, "bad.example/x", "path"},
		{"domain port", PANDomain, "bad.example:443", "port"},
		{"domain ip", PANDomain, "198.51.100.7", "IP address in a domain list"},
		{"domain inner wildcard", PANDomain, "bad.*.example", "wildcard not a whole leading label"},
		{"domain mixed wildcard", PANDomain, "*bad.example", "wildcard not a whole leading label"},
		{"domain only wildcard", PANDomain, "*", "wildcard without a name"},
		{"domain too long", PANDomain, long + "." + long, "longer than 255"},
		{"domain unicode", PANDomain, "bücher.example", "non-ASCII"},
		{"domain empty label", PANDomain, "bad..example", "invalid label"},
		{"domain hyphen end", PANDomain, "bad-.example", "invalid label"},

		{"url", PANURL, "bad.example/gate.php?id=1", ""},
		{"url bare host", PANURL, "bad.example/", ""},
		{"url wildcard host", PANURL, "*.evil.example/", ""},
		{"url ip", PANURL, "198.51.100.7/", ""},
		{"url whole-token wildcards", PANURL, "bad.example/*/x/^/^", ""},
		{"url scheme", PANURL, "http://bad.example/", "scheme"},
		{"url with a URL in its query", PANURL, "bad.example/r?u=http://x.example/", ""},
		{"url with :// in its path", PANURL, "bad.example/://", ""},
		{"url port", PANURL, "bad.example:8080/x", "port"},
		{"url ipv6", PANURL, "[2001:db8::1]/x", "IPv6"},
		{"url mixed star", PANURL, "bad.example/x*.php", "wildcard mixed into token"},
		{"url mixed caret", PANURL, "bad.example/a^b", "wildcard mixed into token"},
		{"url double star", PANURL, "bad.example/*/*", "consecutive '*'"},
		{"url ten carets", PANURL, "bad.example/" + strings.Repeat("^/", 10), "nine consecutive"},
		{"url star tld", PANURL, "*.com/", "public suffix"},
		{"url star public suffix", PANURL, "*.co.uk/", "public suffix"},
		{"url too long", PANURL, "bad.example/" + strings.Repeat("x", 244), "longer than 255"},
		{"url space", PANURL, "bad.example/a b", "white space"},
		{"url unicode", PANURL, "bad.example/straße", "non-ASCII"},
		{"url userinfo", PANURL, "user@bad.example/", "user info"},
		{"url no host", PANURL, "/x", "no host"},
		{"url bad label", PANURL, "bad_host-.example/", "invalid host label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckPANOS(tt.list, []byte(tt.line+"\n")), lineWants(tt.rule))
		})
	}
}

func TestFortiOS(t *testing.T) {
	tests := []struct {
		name string
		feed FortiFeed
		line string
		rule string
	}{
		{"address", FortiAddress, "198.51.100.7", ""},
		{"address cidr", FortiAddress, "2001:db8::/32", ""},
		{"address range", FortiAddress, "198.51.100.1-198.51.100.9", ""},
		{"address comment line", FortiAddress, "# blocked by Cratos", ""},
		{"address trailing comment", FortiAddress, "198.51.100.7 c2", "not an IP address"},
		{"address host bits", FortiAddress, "198.51.100.7/24", "host bits"},

		{"domain", FortiDomain, "bad.example", ""},
		{"domain wildcard prefix", FortiDomain, "*.bad.example", ""},
		{"domain wildcard inside", FortiDomain, "mail.*.example.com", ""},
		{"domain wildcard in label", FortiDomain, "*-special.example.com", ""},
		{"domain scheme", FortiDomain, "https://bad.example", "scheme"},
		{"domain ip", FortiDomain, "198.51.100.7", "IP address"},
		{"domain only wildcard", FortiDomain, "*", "wildcard without a name"},
		{"domain empty label", FortiDomain, "bad..example", "empty label"},
		{"domain bad char", FortiDomain, "bad!.example", "invalid label"},

		{"url scheme", FortiCategory, "http://bad.example/x", ""},
		{"url no scheme port", FortiCategory, "bad.example:8080/x", ""},
		{"url https ipv6", FortiCategory, "https://[2001:db8::1]:8443/admin", ""},
		{"url star start", FortiCategory, "*.bad.example/", ""},
		{"url star end", FortiCategory, "bad.example/dl/*", ""},
		{"url star middle", FortiCategory, "bad.example/*/x", "'*' not at the start or the end"},
		{"url ftp", FortiCategory, "ftp://bad.example/x", "not http or https"},
		{"url with :// in its path", FortiCategory, "0.0.0a0/://", ""},
		{"url with a URL in its query", FortiCategory, "https://bad.example/r?u=ftp://x.example/", ""},
		{"url port zero", FortiCategory, "bad.example:0/x", "bad port"},
		{"url port big", FortiCategory, "bad.example:70000/x", "bad port"},
		{"url empty port", FortiCategory, "bad.example:/x", "bad port"},
		{"url userinfo", FortiCategory, "http://u:p@bad.example/", "user info"},
		{"url space", FortiCategory, "bad.example/a b", "white space"},
		{"url bad ipv6", FortiCategory, "http://[2001:db8::g]/", "malformed IPv6"},

		{"md5", FortiMalware, "d41d8cd98f00b204e9800998ecf8427e", ""},
		{"sha256 with description", FortiMalware, strings.Repeat("ab", 32) + " dropper", ""},
		{"short hash", FortiMalware, "d41d8cd98f", "hash of 10 characters"},
		{"not hex", FortiMalware, strings.Repeat("g", 32), "not a hex hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckFortiOS(tt.feed, []byte(tt.line+"\n"), FortiLimits{}), lineWants(tt.rule))
		})
	}
}

func TestFortiOSFileRules(t *testing.T) {
	tests := []struct {
		name string
		feed FortiFeed
		data string
		lim  FortiLimits
		want []want
	}{
		{"mixed hash lengths", FortiMalware, "d41d8cd98f00b204e9800998ecf8427e\n" + strings.Repeat("ab", 20) + "\n" + strings.Repeat("cd", 16) + "\n", FortiLimits{}, []want{{2, "hash of 40 digits in a feed of 32-digit hashes"}}},
		{"entry cap", FortiAddress, "# comment\n198.51.100.1\n198.51.100.2\n198.51.100.3\n", FortiLimits{MaxEntries: 2}, []want{{0, "3 entries, over the cap of 2"}}},
		{"byte cap", FortiAddress, "198.51.100.1\n198.51.100.2\n", FortiLimits{MaxBytes: 20}, []want{{0, "26 bytes, over the cap of 20"}}},
		{"at the caps", FortiAddress, "198.51.100.1\n198.51.100.2\n", FortiLimits{MaxEntries: 2, MaxBytes: 26}, nil},
		{"pre 7.4.4 caps", FortiAddress, "198.51.100.1\n", FortiPre744, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match(t, CheckFortiOS(tt.feed, []byte(tt.data), tt.lim), tt.want)
		})
	}
}

func TestError(t *testing.T) {
	vs := []Violation{{1, "a", "r1"}, {0, "", "r2"}, {3, "c", "r3"}}
	if err := Error(nil, 0); err != nil {
		t.Errorf("Error(nil) = %v", err)
	}
	want := "devicecheck: 3 violation(s)\n  line 1 \"a\": r1\n  r2\n  … 1 more"
	if got := Error(vs, 2).Error(); got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		data string
		want []string
	}{
		{"", nil},
		{"a\n", []string{"a"}},
		{"a\nb", []string{"a", "b"}},
		{"a\n\n", []string{"a", ""}},
	}
	for _, tt := range tests {
		got := Lines([]byte(tt.data))
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Lines(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}
