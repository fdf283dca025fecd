package rulecheck

import "testing"

// pcreRules are rules with pcre regexes that PCRE2 and Go's regexp/syntax
// read differently, with whether Suricata 7 loads them.
var pcreRules = []keywordRule{
	{"tcp", `content:"x"; pcre:"/a"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a[^"]b/";`, true},
	{"tcp", `content:"x"; pcre:"/a[^"']b/i";`, true},
	{"tcp", `content:"x"; pcre:"/a"b"c/";`, true},
	{"tcp", `content:"x"; pcre:!"/a"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a\"b/";`, true},
	{"tcp", `content:"x"; pcre:"/a'b/";`, true},
	{"tcp", `content:"x"; pcre:"/[^(?>x)]/";`, true},
	{"tcp", `content:"x"; pcre:"/a"[b/";`, false},
	{"tcp", `content:"x"; pcre:"/a"b/k";`, false},
	{"tcp", `content:"x"; pcre:!"/ab/";`, true},
	{"tcp", `content:"x"; pcre:! "/ab/";`, true},
	{"tcp", `content:"x"; pcre:"!/ab/";`, true},
	{"tcp", `content:"x"; pcre:!"/ab/k";`, false},
	{"tcp", `content:"x"; pcre:!;`, false},
	{"tcp", `content:"x"; pcre:"/[\w-_]/";`, false},
	{"tcp", `content:"x"; pcre:"/[^\w-_]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\w-_]/x";`, false},
	{"tcp", `content:"x"; pcre:"/[\d-z]/";`, false},
	{"tcp", `content:"x"; pcre:"/[a-\d]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\w-\d]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\s-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\W-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\h-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\v-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\p{L}-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\pL-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[a-\pL]/";`, false},
	{"tcp", `content:"x"; pcre:"/[[:alpha:]-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[a-[:alpha:]]/";`, false},
	{"tcp", `content:"x"; pcre:"/[]-\d]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\x{41}-\d]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\w-a-z]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\Q\E\w-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\E\w-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?#[\w-_])a/";`, true},
	{"tcp", `content:"x"; pcre:"/a(?#[\w-_]/";`, false},
	{"tcp", `content:"x"; pcre:"/[\w-]/";`, true},
	{"tcp", `content:"x"; pcre:"/[-\w]/";`, true},
	{"tcp", `content:"x"; pcre:"/[\d-]/";`, true},
	{"tcp", `content:"x"; pcre:"/[\w\-_]/";`, true},
	{"tcp", `content:"x"; pcre:"/[a-z-\d]/";`, true},
	{"tcp", `content:"x"; pcre:"/[a-z-\w]/";`, true},
	{"tcp", `content:"x"; pcre:"/[[:digit:]-]/";`, true},
	{"tcp", `content:"x"; pcre:"/[\x41-\x5a]/";`, true},
	{"tcp", `content:"x"; pcre:"/[\n-\r]/";`, true},
	{"tcp", `content:"x"; pcre:"/[\b-a]/";`, true},
	{"tcp", `content:"x"; pcre:"/\w-_/";`, true},
	{"tcp", `content:"x"; pcre:"/[\w-]x[a-]/";`, true},
	{"tcp", `content:"x"; pcre:"/\[\w-_]/";`, true},
	// A range out of order, where Go reports the lookbehind first.
	{"tcp", `content:"x"; pcre:"/(?<=a)[\x41-\x5a\n-\r\cA-\cZ\0-\377\x{41}-Z!-~\--z\x-\x01\o{101}-A\x2F-0\1010-1]/";`, true},
	{"tcp", `content:"x"; pcre:"/(?<=a)[a-*z]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[a-(?i)z]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[a{2}-z]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\x5a-\x41]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\x{5a}-A]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\101-5]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\c{-\c[]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\]-A]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\7-\9]/";`, true},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\8-\7]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\9-\101]/";`, true},
	{"tcp", `content:"x"; pcre:"/(?<=a)[\Qz\E-a]/";`, false},
	{"tcp", `content:"x"; pcre:"/(?<=a)[a-\Q0\E]/";`, false},
}

// fp is a certificate fingerprint as tls.fingerprint reads it.
const fp = `"04:9c:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22"`

// fingerprintRules are rules with tls.fingerprint, with whether Suricata
// 7 loads them.
var fingerprintRules = []keywordRule{
	{"tls", `tls.fingerprint:` + fp + `;`, true},
	{"tcp", `tls.fingerprint:` + fp + `;`, true},
	{"udp", `tls.fingerprint:` + fp + `;`, true},
	{"tls", `tls.fingerprint:!` + fp + `;`, true},
	{"tls", `tls.fingerprint:"04:9C:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22";`, true},
	{"tls", `flow:established,to_client; tls.fingerprint:` + fp + `;`, true},
	{"tls", `content:"x"; tls.fingerprint:` + fp + `;`, true},
	{"tls", `tls.fingerprint:` + fp + `; tls.sni; content:"x";`, true},
	{"tls", `tls.fingerprint:` + fp + `; content:"x";`, true},
	{"tls", `tls.fingerprint:` + fp + `; tls.fingerprint:` + fp + `;`, true},
	{"http", `tls.fingerprint:` + fp + `;`, false},
	{"tls", `tls.fingerprint:04:9c:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22;`, false},
	{"tls", `tls.fingerprint:"04:9c";`, false},
	{"tls", `tls.fingerprint:"049c11223344556677889900aabbccddeeff00112233445566778899aabb";`, false},
	{"tls", `tls.sni; content:"x"; tls.fingerprint:` + fp + `;`, false},
	{"tcp", `dsize:>5; tls.fingerprint:` + fp + `;`, false},
	{"tls", `tls.fingerprint:` + fp + `; http.uri; content:"x";`, false},
	{"tls", `tls.fingerprint;`, false},
}

// TestValueCheckers5AsSuricata checks rules with the values of
// pcre_classes.go against the renderer and the real Suricata 7.
func TestValueCheckers5AsSuricata(t *testing.T) {
	for name, rules := range map[string][]keywordRule{"pcre": pcreRules, "fingerprint": fingerprintRules} {
		t.Run(name, func(t *testing.T) { checkRulesAsSuricata(t, rules) })
	}
}
