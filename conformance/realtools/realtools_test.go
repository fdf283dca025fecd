package realtools

import (
	"strings"
	"testing"
)

// The crafted inputs below show that each check passes a good file and
// fails on the errors the tools are known to report (formats.md §6-§9 and
// Appendix C).

const goodZone = `$TTL 300
@ SOA localhost. hostmaster.localhost. 1 3600 900 2592000 300
@ NS localhost.
32.7.100.51.198.rpz-ip CNAME .
24.0.113.0.203.rpz-ip CNAME .
128.7.zz.db8.2001.rpz-ip CNAME .
128.1.0.0.1.zz.db8.2001.rpz-ip CNAME .
bad.example CNAME .
*.bad.example CNAME .
_dmarc.mail.example CNAME rpz-drop.
`

func TestCheckZone(t *testing.T) {
	head := "$TTL 300\n@ SOA localhost. hostmaster.localhost. 1 3600 900 2592000 300\n@ NS localhost.\n"
	cases := []struct {
		name, zone, wantErr string
	}{
		{"good", goodZone, ""},
		{"host bits in rpz-ip", head + "24.5.2.0.192.rpz-ip CNAME .\n", "too small prefix length"},
		{"non-canonical IPv6 trigger", head + "128.7.0.0.0.0.0.db8.2001.rpz-ip CNAME .\n", "not the canonical"},
		{"label too long", head + strings.Repeat("a", 64) + ".example CNAME .\n", "label too long"},
		{"name too long with origin", head + strings.Repeat(strings.Repeat("a", 60)+".", 4) + "example CNAME .\n", "ran out of space"},
		{"semicolon in a name", head + "bad;x.example CNAME .\n", "named-checkzone"},
		{"CNAME and other data", head + "x.example CNAME .\nx.example A 192.0.2.1\n", "CNAME and other data"},
		{"two CNAMEs", head + "x.example CNAME .\nx.example CNAME rpz-drop.\n", "singleton"},
		{"underscore on an A record", head + "_x.example A 192.0.2.1\n", "bad owner name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckZone(t, "rpz.local", tc.zone)
			checkErr(t, err, tc.wantErr)
		})
	}
}

func TestSuricataTest(t *testing.T) {
	good := `# comment
alert ip $HOME_NET any -> [198.51.100.7,203.0.113.0/24,2001:db8::/32] any (msg:"CRATOS ip-dst 198.51.100.7"; classtype:trojan-activity; sid:91000001; rev:1;)
alert dns $HOME_NET any -> any any (msg:"CRATOS domain-dns bad.example"; dns.query; dotprefix; content:".bad.example"; nocase; endswith; classtype:trojan-activity; sid:91000002; rev:1;)
alert ip any any -> any any (msg:"CRATOS md5-list cratos-md5.lst"; filemd5:cratos-md5.lst; classtype:trojan-activity; sid:91000003; rev:1;)
alert dns any any -> any any (msg:"set"; dns.query; dataset:isset,cratos-names,type string,load names.lst; classtype:trojan-activity; sid:91000004; rev:1;)
`
	files := map[string][]byte{
		"cratos-md5.lst": []byte("d41d8cd98f00b204e9800998ecf8427e\n"),
		"names.lst":      []byte("YmFkLmV4YW1wbGU=\n"),
	}
	rule := func(body string) string {
		return "alert http $HOME_NET any -> any any (msg:\"x\"; " + body + " classtype:trojan-activity; sid:91000009; rev:1;)\n"
	}
	cases := []struct {
		name, rules string
		files       map[string][]byte
		wantErr     string
	}{
		{"good", good, files, ""},
		{"comments only", "# nothing\n", nil, ""},
		{"nocase on http.host", rule(`http.host; content:"bad.example"; nocase;`), nil, "nocase"},
		{"raw semicolon in content", rule(`content:"a;b";`), nil, "E:"},
		{"raw pipe in content", rule(`content:"a|b";`), nil, "E:"},
		{"line of 8192 bytes", rule(`content:"` + strings.Repeat("a", 8192) + `";`), nil, "E:"},
		{"duplicate sid", rule(`content:"a";`) + rule(`content:"b";`), nil, "E:"},
		{"missing list file", good, map[string][]byte{"names.lst": files["names.lst"]}, "E:"},
		{"empty hash list file", good, map[string][]byte{"cratos-md5.lst": nil, "names.lst": files["names.lst"]}, "no items"},
		{"bad base64 in a string dataset", good, map[string][]byte{"cratos-md5.lst": files["cratos-md5.lst"], "names.lst": []byte("not base64!\n")}, "E:"},
		{"unknown classtype", strings.Replace(rule(`content:"a";`), "trojan-activity", "no-such-class", 1), nil, "unknown classtype"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, SuricataTest(t, tc.rules, tc.files), tc.wantErr)
		})
	}
}

func TestSquidParse(t *testing.T) {
	cases := []struct {
		name, kind, file, wantErr string
	}{
		{"dstdomain good", "dstdomain", ".bad.example\nwww.other.example\n_dmarc.x.example\n", ""},
		{"dstdomain parent after child", "dstdomain", "www.bad.example\n.bad.example\n", "FATAL"},
		{"dstdomain child after parent", "dstdomain", ".bad.example\nwww.bad.example\n", "WARNING"},
		{"dstdomain exact and wildcard", "dstdomain", "bad.example\n.bad.example\n", "bad.example"},
		{"dst good", "dst", "198.51.100.7\n203.0.113.0/24\n2001:db8::/32\n", ""},
		{"dst address before its net", "dst", "198.51.100.7\n198.51.100.0/24\n", "WARNING"},
		{"dst host bits", "dst", "198.51.100.7/24\n", "WARNING"},
		{"dst not an address", "dst", "198.51.100.300\n", "FATAL"},
		{"url_regex good", "url_regex", "^http://bad\\.example/gate\\.php\\?id=1\n^https?://x\\.example/\n", ""},
		{"url_regex invalid", "url_regex", "^http://bad\\.example/x(\n", "ERROR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, SquidParse(t, tc.kind, tc.file), tc.wantErr)
		})
	}
}

func TestZeekCheck(t *testing.T) {
	const header = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n"
	cases := []struct {
		name, text, wantErr string
	}{
		{"good", "# comment\n" + header +
			"198.51.100.7\tIntel::ADDR\tsrc\tipv4\t-\n" +
			"2001:db8::/32\tIntel::SUBNET\tsrc\tipv6-net\t-\n" +
			"bad.example\tIntel::DOMAIN\tsrc\tdomain\t-\n" +
			"bad.example/a\\x5cb\tIntel::URL\tsrc\turl\t-\n" +
			"bad.example/r?u=http://x.example/\tIntel::URL\tsrc\turl\t-\n" +
			"d41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH\tsrc\tmd5\t-\n" +
			"a@bad.example\tIntel::EMAIL\tsrc\temail\t-\n" +
			"0123456789abcdef0123456789abcdef01234567\tIntel::CERT_HASH\tsrc\tx509-sha1\t-\n", ""},
		{"no header", "198.51.100.7\tIntel::ADDR\tsrc\n", "before the #fields header"},
		{"space-separated header", "#fields indicator indicator_type meta.source\n198.51.100.7\tIntel::ADDR\tsrc\n", "before the #fields header"},
		{"missing meta.source", "#fields\tindicator\tindicator_type\n198.51.100.7\tIntel::ADDR\n", "meta.source"},
		{"CIDR as ADDR", header + "203.0.113.0/24\tIntel::ADDR\tsrc\t-\t-\n", "not an address"},
		{"tab inside a value", header + "bad.example\tIntel::DOMAIN\tsrc\tdesc\twith tab\t-\n", "6 fields, want 5"},
		{"empty field", header + "bad.example\tIntel::DOMAIN\t\t-\t-\n", "field 3 empty"},
		{"unknown type", header + "bad.example\tIntel::NAME\tsrc\t-\t-\n", "unknown indicator_type"},
		{"URL with scheme", header + "http://bad.example/\tIntel::URL\tsrc\t-\t-\n", "scheme"},
		{"URL without a host", header + "/x://y\tIntel::URL\tsrc\t-\t-\n", "without a host"},
		{"CRLF", header + "bad.example\tIntel::DOMAIN\tsrc\t-\t-\r\n", "carriage return"},
		{"no final newline", header + "bad.example\tIntel::DOMAIN\tsrc\t-\t-", "final newline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, ZeekCheck(t, tc.text), tc.wantErr)
		})
	}
}

// checkErr fails t unless err is nil when want is "", or err's text
// contains want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("want no error, got:\n%v", err)
	case want != "" && err == nil:
		t.Fatalf("want an error containing %q, got none", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("want an error containing %q, got:\n%v", want, err)
	}
}
