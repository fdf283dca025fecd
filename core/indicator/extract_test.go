package indicator

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name     string
		dataType string
		mispType string
		value    string
		want     []string // "type value"
		invalid  int
		skipped  int
	}{
		{"ipv4 plain", "ipv4", "ip-dst", "198.51.100.7", []string{"ipv4 198.51.100.7"}, 0, 0},
		{"ipv4 leading zeros rejected", "ipv4", "ip-dst", "010.1.1.1", nil, 1, 0},
		{"ipv4 defanged", "ipv4", "ip-src", "198.51.100[.]7", []string{"ipv4 198.51.100.7"}, 0, 0},
		{"ipv4 from domain|ip", "ipv4", "domain|ip", "evil.example|203.0.113.4", []string{"ipv4 203.0.113.4"}, 0, 0},
		{"ipv4 from ip|port", "ipv4", "ip-dst|port", "203.0.113.4|8443", []string{"ipv4 203.0.113.4"}, 0, 0},
		{"ipv4 skips nets", "ipv4", "ip-dst", "203.0.113.0/24", nil, 0, 1},
		{"ipv4 /32 collapses", "ipv4", "ip-dst", "203.0.113.9/32", []string{"ipv4 203.0.113.9"}, 0, 0},
		{"ipv4 skips ipv6", "ipv4", "ip-dst", "2001:db8::1", nil, 0, 1},
		{"ipv4 mapped ipv6 unmapped", "ipv4", "ip-dst", "::ffff:192.0.2.1", []string{"ipv4 192.0.2.1"}, 0, 0},
		{"ipv4 with port", "ipv4", "ip-dst", "45.77.16.40:8080", []string{"ipv4 45.77.16.40"}, 0, 0},
		{"ipv4 with double-colon port", "ipv4", "ip-dst", "46.8.120.153::8080", []string{"ipv4 46.8.120.153"}, 0, 0},
		{"ipv4 with port 0", "ipv4", "ip-dst", "1.2.3.4:0", nil, 1, 0},
		{"ipv4 with text after colon", "ipv4", "ip-dst", "1.2.3.4:http", nil, 1, 0},
		{"ipv6 bracketed with port", "ipv6", "ip-dst", "[2001:db8::1]:443", []string{"ipv6 2001:db8::1"}, 0, 0},
		{"ipv6 real bracketed with port", "ipv6", "ip-dst", "[2a03:b0c0::1]:443", []string{"ipv6 2a03:b0c0::1"}, 0, 0},
		{"ipv6 bracketed with junk", "ipv6", "ip-dst", "[2001:db8::1]x", nil, 1, 0},
		{"ipv6 unbracketed is an address", "ipv6", "ip-dst", "2001:db8::1:443", []string{"ipv6 2001:db8::1:443"}, 0, 0},
		{"ipv4 spaces", "ipv4", "ip-dst", " 8.8.4.4 ", []string{"ipv4 8.8.4.4"}, 0, 0},
		{"ipv4 defanged all dots", "ipv4", "ip-dst", "8[.]8[.]4[.]4", []string{"ipv4 8.8.4.4"}, 0, 0},
		{"hostname with port", "hostname", "hostname", "host.evil-example.xyz:8080", []string{"hostname host.evil-example.xyz"}, 0, 0},
		{"domain with port", "domain", "domain", "host.evil-example.xyz:8080", []string{"domain host.evil-example.xyz"}, 0, 0},
		{"domain wildcard", "domain", "domain", "*.wild.evil-example.xyz", []string{"domain wild.evil-example.xyz"}, 0, 0},
		{"hostname wildcard", "hostname", "hostname", "*.wild.evil-example.xyz", []string{"hostname wild.evil-example.xyz"}, 0, 0},
		{"domain leading dot", "domain", "domain", ".wild.evil-example.xyz", []string{"domain wild.evil-example.xyz"}, 0, 0},
		{"hostname leading dot", "hostname", "hostname", ".wild.evil-example.xyz:8080", []string{"hostname wild.evil-example.xyz"}, 0, 0},
		{"domain two leading dots refused", "domain", "domain", "..evil.example", nil, 1, 0},
		{"domain inner wildcard refused", "domain", "domain", "a.*.evil.example", nil, 1, 0},
		{"domain bare wildcard refused", "domain", "domain", "*.example", nil, 1, 0},
		{"cidr4 masks host bits", "cidr4", "ip-dst", "10.0.0.1/24", []string{"ipv4-net 10.0.0.0/24"}, 0, 0},
		{"cidr4 keeps /32 written as prefix", "cidr4", "ip-src", "10.0.0.1/32", []string{"ipv4-net 10.0.0.1/32"}, 0, 0},
		{"cidr4 skips addresses", "cidr4", "ip-src", "10.0.0.1", nil, 0, 1},
		{"cidr4 bad length", "cidr4", "ip-src", "1.2.3.4/33", nil, 1, 0},
		{"ipv4ext expands", "ipv4ext", "ip-dst", "10.0.0.1/30", []string{"ipv4 10.0.0.0", "ipv4 10.0.0.1", "ipv4 10.0.0.2", "ipv4 10.0.0.3"}, 0, 0},
		{"ipv4ext keeps wide nets", "ipv4ext", "ip-dst", "10.0.0.0/8", []string{"ipv4-net 10.0.0.0/8"}, 0, 0},
		{"ipv6 compressed and lower-cased", "ipv6", "ip-dst", "2001:DB8:0:0:0:0:0:1", []string{"ipv6 2001:db8::1"}, 0, 0},
		{"ipv6 zone dropped", "ipv6", "ip-dst", "fe80::1%eth0", []string{"ipv6 fe80::1"}, 0, 0},
		{"ipv6 bracketed", "ipv6", "ip-dst", "[2001:db8::2]", []string{"ipv6 2001:db8::2"}, 0, 0},
		{"ipv6 net masked", "ipv6", "ip-src", "2001:db8::1/32", []string{"ipv6-net 2001:db8::/32"}, 0, 0},
		{"ipv6 composite", "ipv6", "domain|ip", "evil.example|2001:db8::5", []string{"ipv6 2001:db8::5"}, 0, 0},
		{"domain lower-cased, trailing dot", "domain", "domain", "Evil.EXAMPLE.", []string{"domain evil.example"}, 0, 0},
		{"domain IDN", "domain", "domain", "bücher.example", []string{"domain xn--bcher-kva.example"}, 0, 0},
		{"domain underscore allowed", "domain", "domain", "_dmarc.evil.example", []string{"domain _dmarc.evil.example"}, 0, 0},
		{"domain single label", "domain", "domain", "localhost", nil, 1, 0},
		{"domain regex junk", "domain", "domain", `q(l|r)[0-9]{5,6}\.pw`, nil, 1, 0},
		{"domain leading hyphen label", "domain", "domain", "sub.-bad.example", nil, 1, 0},
		{"domain label too long", "domain", "domain", "a123456789012345678901234567890123456789012345678901234567890123.example", nil, 1, 0},
		{"hostname from domain|ip", "hostname", "domain|ip", "Login.Evil.example|203.0.113.4", []string{"hostname login.evil.example"}, 0, 0},
		{"hostname from hostname|port", "hostname", "hostname|port", "c2.evil.example|443", []string{"hostname c2.evil.example"}, 0, 0},
		{"url host lower-cased, path kept", "url", "url", "HTTP://Evil.Example/Gate.PHP?ID=1#frag", []string{"url http://evil.example/Gate.PHP?ID=1"}, 0, 0},
		{"url defanged", "url", "url", "hxxps://evil[.]example/x", []string{"url https://evil.example/x"}, 0, 0},
		{"url defanged upper case", "url", "url", "HXXP://evil[.]example/x", []string{"url http://evil.example/x"}, 0, 0},
		{"url without scheme starting hxxp", "url", "url", "hxxpool.example/x", []string{"url hxxpool.example/x"}, 0, 0},
		{"domain starting hxxp", "domain", "domain", "hxxpool.example", []string{"domain hxxpool.example"}, 0, 0},
		{"hostname label hxxp", "hostname", "hostname", "HXXP.evil.example", []string{"hostname hxxp.evil.example"}, 0, 0},
		{"email local part starting hxxp", "email-address", "email-src", "hxxpd@evil.example", []string{"email hxxpd@evil.example"}, 0, 0},
		{"url without scheme", "url", "url", "Evil.example:8080/a%20b", []string{"url evil.example:8080/a%20b"}, 0, 0},
		{"url ipv6 host", "url", "url", "http://[2001:DB8::1]:8080/", []string{"url http://[2001:db8::1]:8080/"}, 0, 0},
		{"url http default port", "url", "url", "HTTP://evil.example:80/x", []string{"url http://evil.example/x"}, 0, 0},
		{"url https default port", "url", "url", "https://evil.example:0443?q", []string{"url https://evil.example?q"}, 0, 0},
		{"url https on port 80 kept", "url", "url", "https://evil.example:80/", []string{"url https://evil.example:80/"}, 0, 0},
		{"url without scheme keeps port 80", "url", "url", "evil.example:80/x", []string{"url evil.example:80/x"}, 0, 0},
		{"url ipv6 host default port", "url", "url", "http://[2001:db8::1]:80/", []string{"url http://[2001:db8::1]/"}, 0, 0},
		{"url backslash ends the host", "url", "url", `http://good.example\@evil.example/`, []string{"url http://good.example/@evil.example/"}, 0, 0},
		{"url backslash in path is a slash", "url", "url", `http://evil.example/a\b?c\d`, []string{`url http://evil.example/a/b?c\d`}, 0, 0},
		{"url unbracketed ipv6 host", "url", "url", "http://2001:db8::1:80/", nil, 1, 0},
		{"url unbracketed ipv6 host without scheme", "url", "url", "2001:db8::1:443/x", nil, 1, 0},
		{"url with space", "url", "url", "http://evil.example/a b", nil, 1, 0},
		{"url IDN host", "url", "url", "http://bücher.example/ä", []string{"url http://xn--bcher-kva.example/%C3%A4"}, 0, 0},
		{"url line separator in path", "url", "url", "http://a.example/x\u2028google.com", nil, 1, 0},
		{"url NEL in query", "url", "url", "http://a.example/?q=\u0085google.com", nil, 1, 0},
		{"url no-break space", "url", "url", "http://a.example/a\u00a0b", nil, 1, 0},
		{"url C1 control", "url", "url", "http://a.example/\u009b", nil, 1, 0},
		{"url non-ASCII letters percent-encoded", "url", "url", "http://a.example/ünïcode", []string{"url http://a.example/%C3%BCn%C3%AFcode"}, 0, 0},
		{"md5 upper", "file-md5", "md5", "D41D8CD98F00B204E9800998ECF8427E", []string{"md5 d41d8cd98f00b204e9800998ecf8427e"}, 0, 0},
		{"md5 from filename|md5", "file-md5", "filename|md5", "a|b.exe|d41d8cd98f00b204e9800998ecf8427e", []string{"md5 d41d8cd98f00b204e9800998ecf8427e"}, 0, 0},
		{"md5 prefix of sha256 rejected", "file-md5", "md5", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", nil, 1, 0},
		{"sha256", "file-sha256", "filename|sha256", "x.bin|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", []string{"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}, 0, 0},
		{"email with name", "email-address", "email-src", "Eve <Eve.Smith@Phish.EXAMPLE>", []string{"email Eve.Smith@phish.example"}, 0, 0},
		{"email mailto", "email-address", "email-dst", "MAILTO:Eve@Phish.example", []string{"email Eve@phish.example"}, 0, 0},
		{"email colon in local part", "email-address", "email-dst", "x:eve@phish.example", nil, 1, 0},
		{"email without domain", "email-address", "email-dst", "x@y", nil, 1, 0},
		{"email paragraph separator", "email-address", "email-dst", "x\u2029y@phish.example", nil, 1, 0},
		{"email non-ASCII local part kept", "email-address", "email-dst", "josé@phish.example", []string{"email josé@phish.example"}, 0, 0},
		{"subject single line", "email-subject", "email-subject", "  Invoice \"42\"; pay now\n", []string{`email-subject Invoice "42"; pay now`}, 0, 0},
		{"subject multi-line rejected", "email-subject", "email-subject", "a\nb", nil, 1, 0},
		{"subject with a line separator rejected", "email-subject", "email-subject", "a\u2028b", nil, 1, 0},
		{"mutex with a form feed rejected", "mutex", "mutex", "a\fb", nil, 1, 0},
		{"mutex with a no-break space kept", "mutex", "mutex", "a\u00a0b", []string{"mutex a\u00a0b"}, 0, 0},
		{"yara multi-line kept", "yara", "yara", "rule x {\r\n condition: true\r\n}\r\n", []string{"yara rule x {\n condition: true\n}"}, 0, 0},
		{"cve embedded", "vulnerability", "vulnerability", "see cve-2021-44228 for details", []string{"vulnerability CVE-2021-44228"}, 0, 0},
		{"cve 2060 accepted", "vulnerability", "vulnerability", "CVE-2060-1234", []string{"vulnerability CVE-2060-1234"}, 0, 0},
		{"ja3", "ja3", "ja3-fingerprint-md5", "E7D705A3286E19EA42F587B344EE6865", []string{"ja3 e7d705a3286e19ea42f587b344ee6865"}, 0, 0},
		{"btc bech32", "crypto-currency", "btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", []string{"crypto-currency bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}, 0, 0},
		{"btc legacy", "crypto-currency", "btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", []string{"crypto-currency 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}, 0, 0},
		{"btc junk", "crypto-currency", "btc", "not-an-address", nil, 1, 0},
		{"unknown misp type", "domain", "AS", "AS64496", nil, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dt, ok := LookupDataType(tc.dataType)
			if !ok {
				t.Fatalf("no data type %q", tc.dataType)
			}
			x := NewExtractor(dt, 0)
			got := x.Add(nil, Attribute{Type: tc.mispType, Value: tc.value, UUID: "u"})
			var gotS []string
			for _, in := range got {
				gotS = append(gotS, in.Type.String()+" "+in.Value)
				if in.MISPType != tc.mispType || in.UUID != "u" {
					t.Errorf("context not carried: %+v", in)
				}
			}
			if !slices.Equal(gotS, tc.want) {
				t.Errorf("got %q, want %q", gotS, tc.want)
			}
			st := x.Stats()
			if st.Invalid != tc.invalid || st.Skipped != tc.skipped {
				t.Errorf("stats invalid=%d skipped=%d, want %d/%d", st.Invalid, st.Skipped, tc.invalid, tc.skipped)
			}
			// Borrowed, its text overwritten once added: the same.
			y := NewExtractor(dt, 0)
			text := []byte(tc.value + "u")
			borrowed := y.AddBorrowed(nil, Attribute{Type: tc.mispType,
				Value: unsafe.String(&text[0], len(tc.value)), UUID: unsafe.String(&text[len(tc.value)], 1)})
			copy(text, bytes.Repeat([]byte{'#'}, len(text)))
			if !slices.Equal(borrowed, got) || y.Stats() != st {
				t.Errorf("borrowed: %+v %+v, want %+v %+v", borrowed, y.Stats(), got, st)
			}
		})
	}
}

// TestAddBorrowedCopiesInBlocks: an attribute added borrowed costs no
// allocation of its own, and every copy holds the text as it was given,
// short or long, across the blocks' ends.
func TestAddBorrowedCopiesInBlocks(t *testing.T) {
	ipv4, _ := LookupDataType("ipv4")
	x := NewExtractor(ipv4, 0)
	dst := make([]Indicator, 0, 1)
	text := []byte("198.51.100.7" + "0ff2c270-77cf-4252-bcbc-53b7fb33d682")
	a := Attribute{Type: "ip-dst", Value: unsafe.String(&text[0], 12), UUID: unsafe.String(&text[12], 36)}
	if n := testing.AllocsPerRun(1000, func() { dst = x.AddBorrowed(dst[:0], a) }); n != 0 || dst[0].Value != "198.51.100.7" {
		t.Errorf("%v allocations an attribute, value %q", n, dst[0].Value)
	}
	url, _ := LookupDataType("url")
	x = NewExtractor(url, 0)
	var got []Indicator
	var want []string
	for n := range 3000 {
		path := strings.Repeat("p", n*7%(textBlockSize/2)) // some longer than a block's quarter
		url := "http://evil.example/" + path
		text := []byte(url + fmt.Sprint(n))
		got = x.AddBorrowed(got, Attribute{Type: "url", Value: unsafe.String(&text[0], len(url)), UUID: unsafe.String(&text[len(url)], len(text)-len(url))})
		copy(text, bytes.Repeat([]byte{'#'}, len(text)))
		want = append(want, url+" "+fmt.Sprint(n))
	}
	for i, in := range got {
		if in.Value+" "+in.UUID != want[i] {
			t.Fatalf("indicator %d holds %q %q, want %q", i, in.Value, in.UUID, want[i])
		}
	}
}

// AddInPlace leaves a value kept as it is where it lies, and copies the
// UUID, which the caller may write over.
func TestAddInPlaceKeepsValuesWhereTheyLie(t *testing.T) {
	ipv4, _ := LookupDataType("ipv4")
	// A value canonicalised into other text is a string of its own.
	for _, tc := range []struct {
		value, want string
		inPlace     bool
	}{
		{"198.51.100.7", "198.51.100.7", true},
		{" 198.51.100.8 ", "198.51.100.8", false},
		{"198.51.100.9:8080", "198.51.100.9", false},
		{"198[.]51[.]100[.]10", "198.51.100.10", false},
	} {
		text := []byte(tc.value + "0ff2c270-77cf-4252-bcbc-53b7fb33d682")
		value, uuid := unsafe.String(&text[0], len(tc.value)), unsafe.String(&text[len(tc.value)], 36)
		x := NewExtractor(ipv4, 0)
		got := x.AddInPlace(nil, Attribute{Type: "ip-dst", Value: value, UUID: uuid, EventID: 4})
		want := x.Add(nil, Attribute{Type: "ip-dst", Value: value, UUID: uuid, EventID: 4})
		if len(got) != 1 || got[0] != want[0] || got[0].Value != tc.want {
			t.Fatalf("%q: %+v, want %+v with value %q", tc.value, got, want, tc.want)
		}
		if in := within(got[0].Value, value); in != tc.inPlace {
			t.Errorf("%q: the value lies in the attribute's: %v", tc.value, in)
		}
		copy(text[len(tc.value):], strings.Repeat("#", 36))
		if got[0].UUID != "0ff2c270-77cf-4252-bcbc-53b7fb33d682" {
			t.Errorf("%q: the UUID was not copied: %q", tc.value, got[0].UUID)
		}
	}
}

func TestNormalizeOrderAndDedup(t *testing.T) {
	in := []Indicator{
		{Type: IPv4, Value: "10.0.0.10", UUID: "b", Timestamp: 1},
		{Type: IPv4Net, Value: "10.0.0.0/24"},
		{Type: IPv6, Value: "2001:db8::1"},
		{Type: IPv4, Value: "9.9.9.9"},
		{Type: IPv4, Value: "10.0.0.10", UUID: "a", Timestamp: 1},
		{Type: IPv4, Value: "10.0.0.2"},
		{Type: Domain, Value: "b.example"},
		{Type: Domain, Value: "a.example"},
		{Type: IPv4, Value: "10.0.0.10", UUID: "c", Timestamp: 0},
	}
	got := Normalize(in)
	var vals []string
	for _, g := range got {
		vals = append(vals, g.Value)
	}
	want := []string{"9.9.9.9", "10.0.0.0/24", "10.0.0.2", "10.0.0.10", "2001:db8::1", "a.example", "b.example"}
	if !slices.Equal(vals, want) {
		t.Fatalf("order %q, want %q", vals, want)
	}
	if got[3].UUID != "a" {
		t.Errorf("duplicate kept %q, want newest with smallest uuid %q", got[3].UUID, "a")
	}
}

func TestTypeNamesRoundTrip(t *testing.T) {
	for _, ty := range AllTypes() {
		got, err := ParseType(ty.String())
		if err != nil || got != ty {
			t.Errorf("ParseType(%q) = %v, %v", ty.String(), got, err)
		}
	}
	if _, err := ParseType("nope"); err == nil {
		t.Error("ParseType accepted an unknown name")
	}
	if len(DataTypes()) != 26 {
		t.Errorf("%d data types, want the original's 26", len(DataTypes()))
	}
}

func TestExpandNets(t *testing.T) {
	mk := func(vals ...string) []Indicator {
		var out []Indicator
		for _, v := range vals {
			p, err := CanonicalIP(v)
			if err != nil {
				t.Fatal(err)
			}
			ty, text := ipType(p, v)
			out = append(out, Indicator{Type: ty, Value: text})
		}
		return Normalize(out)
	}
	vals := func(ins []Indicator) []string {
		var out []string
		for _, in := range ins {
			out = append(out, in.Value)
		}
		return out
	}
	tests := []struct {
		name             string
		in               []string
		limit, budget    int
		want             []string
		expanded, kepted int
	}{
		{"small nets expand", []string{"10.0.0.0/31", "10.0.0.1", "192.0.2.0/30"}, 16, 100,
			[]string{"10.0.0.0", "10.0.0.1", "192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3"}, 2, 0},
		{"budget takes the narrowest first", []string{"10.0.0.0/29", "192.0.2.0/30", "198.51.100.0/31"}, 16, 6,
			[]string{"10.0.0.0/29", "192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "198.51.100.0", "198.51.100.1"}, 2, 1},
		{"wider than the limit stays", []string{"10.0.0.0/8", "10.1.0.0/30"}, 16, 1 << 20,
			[]string{"10.0.0.0/8", "10.1.0.0", "10.1.0.1", "10.1.0.2", "10.1.0.3"}, 1, 1},
		{"zero budget keeps every net", []string{"10.0.0.0/30"}, 16, 0, []string{"10.0.0.0/30"}, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, e, k := ExpandNets(mk(tc.in...), tc.limit, tc.budget)
			if !slices.Equal(vals(got), tc.want) || e != tc.expanded || k != tc.kepted {
				t.Errorf("got %v (expanded %d, kept %d), want %v (%d, %d)", vals(got), e, k, tc.want, tc.expanded, tc.kepted)
			}
		})
	}
}

// TestCanonicalTextIsNotCopied checks that an address or prefix already
// in canonical form costs no allocation for its text, and that another
// form still gets the canonical text.
func TestCanonicalTextIsNotCopied(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"}, {"192.0.2.0/24", "192.0.2.0/24"}, {"2001:db8::1", "2001:db8::1"}, {"2001:db8::/32", "2001:db8::/32"},
		{"192.0.2.9/24", "192.0.2.0/24"}, {"2001:DB8:0::1", "2001:db8::1"}, {"::ffff:192.0.2.1", "192.0.2.1"},
	} {
		p, err := CanonicalIP(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if _, text := ipType(p, tc.in); text != tc.want {
			t.Errorf("%s: text %q, want %q", tc.in, text, tc.want)
		}
		if tc.in != tc.want {
			continue
		}
		if n := testing.AllocsPerRun(100, func() { ipType(p, tc.in) }); n != 0 {
			t.Errorf("%s: %v allocations for a value already canonical", tc.in, n)
		}
	}
}

func TestWithin(t *testing.T) {
	whole := strings.Clone("198.51.100.7|443")
	for _, tc := range []struct {
		s, t string
		want bool
	}{
		{whole, whole, true},
		{whole[:12], whole, true},
		{whole[15:], whole, true},            // the last byte
		{whole[13:], whole[:13], false},      // just past the end
		{whole[12:], whole[:12], false},      // adjacent
		{whole[:0], whole, false},            // empty
		{strings.Clone(whole), whole, false}, // equal, elsewhere
	} {
		if got := within(tc.s, tc.t); got != tc.want {
			t.Errorf("within(%q, %q) = %t", tc.s, tc.t, got)
		}
	}
}
