package harness

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
)

// Sample returns the fixed, canonical input holding every indicator type
// that conformance.Sample documents: raw MISP values (SampleAttributes)
// through the indicator.Extractor of every data type asking for their MISP
// type, the union Normalized, IPv4 nets of /30 and longer expanded as
// ipv4ext does. Every call returns a new slice.
func Sample() []indicator.Indicator { return slices.Clone(sample().ins) }

// SampleAttribute is one raw MISP value Sample is built from.
type SampleAttribute struct {
	Type  string // MISP attribute type
	Value string // the value as MISP would store it
}

// SampleAttributes returns the raw values Sample is built from, including
// the invalid ones the extractors drop. Every call returns a new slice.
func SampleAttributes() []SampleAttribute { return slices.Clone(sampleRaw) }

// sampleExpandLimit expands the /30 of the sample in ipv4ext and keeps the
// wider nets, so the sample stays small.
const sampleExpandLimit = 30

type sampleSet struct {
	ins   []indicator.Indicator
	stats map[string]indicator.Stats
}

var sample = sync.OnceValue(func() sampleSet {
	ins, stats := ExtractAll(sampleAttributes(), sampleExpandLimit, nil)
	return sampleSet{ins: ins, stats: stats}
})

// sampleAttributes gives the raw values deterministic MISP context.
func sampleAttributes() []indicator.Attribute {
	out := make([]indicator.Attribute, len(sampleRaw))
	for i, a := range sampleRaw {
		out[i] = indicator.Attribute{
			Type:      a.Type,
			Value:     a.Value,
			Category:  MISPCategory(a.Type),
			UUID:      fmt.Sprintf("5a3c0de0-0000-4000-8000-%012d", i+1),
			EventID:   int64(1001 + i/16),
			Timestamp: Epoch + int64(i)*3600,
			ToIDS:     i%7 != 6,
		}
	}
	return out
}

// ExtractAll runs every attribute through the Extractor of each data type
// whose MISP types contain the attribute's type and normalises the union.
// invalid, when set, is told of each attribute (by index) a data type's
// extractor refused as invalid.
func ExtractAll(attrs []indicator.Attribute, expandLimit int, invalid func(i int, dataType string)) ([]indicator.Indicator, map[string]indicator.Stats) {
	dts := indicator.DataTypes()
	xs := make([]*indicator.Extractor, len(dts))
	byType := map[string][]int{}
	for i, dt := range dts {
		xs[i] = indicator.NewExtractor(dt, expandLimit)
		for _, mt := range dt.MISPTypes {
			byType[mt] = append(byType[mt], i)
		}
	}
	var ins []indicator.Indicator
	for j, a := range attrs {
		for _, i := range byType[a.Type] {
			before := xs[i].Stats().Invalid
			ins = xs[i].Add(ins, a)
			if invalid != nil && xs[i].Stats().Invalid > before {
				invalid(j, dts[i].Name)
			}
		}
	}
	stats := make(map[string]indicator.Stats, len(dts))
	for i, dt := range dts {
		stats[dt.Name] = xs[i].Stats()
	}
	return indicator.Normalize(ins), stats
}

// MISPCategory is the MISP category an attribute of mispType usually
// carries, for inputs made without one.
func MISPCategory(mispType string) string {
	switch {
	case strings.HasPrefix(mispType, "ip-"), strings.HasPrefix(mispType, "domain"),
		strings.HasPrefix(mispType, "hostname"), mispType == "url", mispType == "snort",
		strings.HasPrefix(mispType, "x509"), strings.HasPrefix(mispType, "ja3"),
		strings.HasPrefix(mispType, "hassh"):
		return "Network activity"
	case mispType == "mutex", mispType == "sigma":
		return "Artifacts dropped"
	case mispType == "yara":
		return "Payload installation"
	case mispType == "vulnerability":
		return "External analysis"
	case mispType == "btc", mispType == "xmr":
		return "Financial fraud"
	}
	return "Payload delivery"
}

var (
	label63  = "l63-" + strings.Repeat("abcdefghij", 5) + "abcdefghi"                               // 63 octets
	name253  = label63 + "." + label63 + "." + label63 + "." + strings.Repeat("n", 53) + ".example" // 253 octets
	name254  = "x" + name253
	longURL  = "https://long-url.example/" + strings.Repeat("segment-", 30) + "end.php?token=" + strings.Repeat("0123456789abcdef", 8)
	longText = "This is a deliberately long e-mail subject line that goes on and on, well past eighty columns, so that folding writers have to break it"
)

// sampleRaw lists raw MISP values; the comment after each says what it
// exercises. Values that no extractor accepts are marked "invalid".
var sampleRaw = []SampleAttribute{
	// IPv4 addresses and nets.
	{"ip-dst", "198.51.100.7"},
	{"ip-dst", "  203.0.113.200 "},                 // surrounding space
	{"ip-src", "198.51.100[.]23"},                  // defanged
	{"ip-dst", "::ffff:192.0.2.200"},               // IPv4-mapped IPv6 becomes IPv4
	{"ip-dst", "255.255.255.255"},                  // numeric order edge
	{"ip-dst", "203.0.113.9/24"},                   // host bits set
	{"ip-dst", "192.0.2.16/30"},                    // expanded by ipv4ext, kept by cidr4
	{"ip-src", "10.0.0.0/8"},                       // wide net, kept
	{"ip-dst", "198.51.100.128/25"},                // half a /24
	{"ip-dst", "192.0.2.1/32"},                     // address, and a /32 net in cidr4
	{"ip-dst", "::ffff:198.51.100.0/120"},          // mapped prefix becomes IPv4 /24
	{"ip-dst|port", "198.51.100.44|8080"},          // composite, port dropped
	{"domain|ip", "evil-cdn.example|203.0.113.77"}, // composite: name and address
	{"ip-dst", "010.0.0.1"},                        // invalid: leading zero
	{"ip-dst", "300.1.2.3"},                        // invalid
	{"ip-dst", "198.51.100.7:0"},                   // invalid: port 0 (a real port gives the address)
	// IPv6 addresses and nets.
	{"ip-dst", "2001:DB8:0:0:0:0:0:1"},                    // mixed case, uncompressed
	{"ip-dst", "2001:0db8:0000:0000:0001:0000:0000:0001"}, // two zero runs
	{"ip-src", "fe80::1%eth0"},                            // zone dropped
	{"ip-dst", "[2001:db8::ff00:42:8329]"},                // brackets
	{"ip-dst", "64:ff9b::192.0.2.33"},                     // NAT64, dotted tail
	{"ip-dst", "2001:db8::"},                              // trailing compression
	{"ip-src|port", "[2001:db8::5]|443"},                  // composite with brackets
	{"ip-dst", "2001:DB8:ABCD:0012::1/64"},                // host bits set
	{"ip-dst", "2001:db8::/32"},                           // wide net
	{"ip-dst", "2001:db8:1:2:3:4:5:6/127"},                // narrow net
	{"ip-dst", "2001:db8::g"},                             // invalid
	// Domains and hostnames.
	{"domain", "Evil.Example.COM."},        // case, trailing dot
	{"domain", "xn--bcher-kva.example"},    // A-label
	{"domain", "münchen-bank.example"},     // U-label, becomes an A-label
	{"domain", "_dmarc.mail.example"},      // '_' label
	{"domain", label63 + ".example"},       // 63-octet label
	{"domain", name253},                    // 253-octet name
	{"domain", "evil[.]example[.]net"},     // defanged
	{"domain", "1-2-3.example"},            // digits and hyphens
	{"domain", "a.b.c.d.e.f.g.example"},    // many labels
	{"domain", "xn--80ak6aa92e.com"},       // Cyrillic A-label
	{"domain", name254},                    // invalid: 254 octets
	{"domain", "-bad-.example"},            // invalid: hyphen at label ends
	{"domain", "localhost"},                // invalid: one label
	{"hostname", "WWW.Phish.Example."},     // case, trailing dot
	{"hostname", "_sip._tcp.voip.example"}, // service labels
	{"hostname|port", "mail.bad.example|25"},
	{"hostname", "under score.example"}, // invalid: space
	// URLs.
	{"url", "hxxp://evil[.]example/gate.php?id=1&x=2"},               // defanged, '&'
	{"url", "HTTPS://Login.Example.COM:8443/Path/Mixed?Q=1"},         // case: scheme and host only
	{"url", "http://198.51.100.7/admin'--"},                          // single quote
	{"url", "http://[2001:DB8::1]:8080/x"},                           // IPv6 host
	{"url", "[2001:DB8::2]:8443/admin"},                              // no scheme, starts with '['
	{"url", `https://files.example/dir\sub\file.exe?p=a\b`},          // '\': '/' in the path, kept in the query
	{"url", "http://evil.example/a;b|c"},                             // semicolon, pipe
	{"url", "https://xn--80ak6aa92e.com/login"},                      // A-label host
	{"url", "http://bücher.example/straße?q=ü"},                      // IDN host, non-ASCII path: percent-encoded
	{"url", "evil.example/no-scheme.php"},                            // no scheme
	{"url", "http://frag.example/x#section"},                         // fragment dropped
	{"url", `http://xss.example/?q=<script>alert("x")</script>&a=1`}, // XML specials, quotes: '<', '>', '"' percent-encoded
	{"url", `http://quote.example/it's-"quoted"`},                    // both quotes: '"' percent-encoded
	{"url", "https://percent.example/%2e%2e/%00?x=%0d%0a"},           // percent escapes kept, "%2e%2e" resolved
	{"url", "ftp://user:pass@ftp.example/pub/file.txt"},              // userinfo
	{"url", longURL},                      // longer than any line width
	{"url", "http://has space.example/x"}, // invalid: space
	// Hashes.
	{"md5", "D41D8CD98F00B204E9800998ECF8427E"}, // upper case
	{"md5", "12345678901234567890123456789012"}, // all digits: looks like an integer
	{"filename|md5", "invoice.pdf.exe|5d41402abc4b2a76b9719d911017c592"},
	{"sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"},
	{"filename|sha1", "report|2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
	{"sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
	{"filename|sha256", `C:\Temp\drop.exe|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`},
	{"md5", "not-a-hash"}, // invalid
	// E-mail addresses.
	{"email-src", "Alice.Example+tag@Mail.Example.COM"},
	{"email-src", `"Bob" <bob@evil.example>`},  // display name
	{"email-dst", "o'brien@example.org"},       // quote in the local part
	{"email-dst", "user@münchen-bank.example"}, // IDN domain
	{"email-src", "-dash@example.org"},         // leading '-'
	{"email-src", "not-an-email"},              // invalid
	// Free text.
	{"email-subject", "yes"},
	{"email-subject", "No"},
	{"email-subject", "null"},
	{"email-subject", "~"},
	{"email-subject", "1.0"},
	{"email-subject", "0x1F"},
	{"email-subject", "012"},
	{"email-subject", "1_000"},
	{"email-subject", ".inf"},
	{"email-subject", "2024-01-15"},
	{"email-subject", "2024-01-15 10:30:00"},
	{"email-subject", "12:30:00"},
	{"email-subject", "="},
	{"email-subject", "<<"},
	{"email-subject", "-leading dash"},
	{"email-subject", "- list item"},
	{"email-subject", ":colon start"},
	{"email-subject", ": colon space"},
	{"email-subject", "trailing colon:"},
	{"email-subject", "#hash start"},
	{"email-subject", "text #not a comment"},
	{"email-subject", "key: value"},
	{"email-subject", "? question"},
	{"email-subject", "@user"},
	{"email-subject", "`tick`"},
	{"email-subject", "%TAG"},
	{"email-subject", "!important"},
	{"email-subject", "&anchor"},
	{"email-subject", "*star"},
	{"email-subject", "[bracket]"},
	{"email-subject", "{brace}"},
	{"email-subject", "|pipe"},
	{"email-subject", ">greater"},
	{"email-subject", "'single'"},
	{"email-subject", `"double"`},
	{"email-subject", "--- document marker"},
	{"email-subject", "... end marker"},
	{"email-subject", `<b>Bold</b> & "quoted" 'single'`},
	{"email-subject", "Invoice #4711 – payment overdue"},
	{"email-subject", "Ünïcödé – 日本語テキスト"},
	{"email-subject", "Party 🎉 invite"},
	{"email-subject", "tab\tinside"},
	{"email-subject", "bell\x07ring"},        // control character
	{"email-subject", "del\x7fchar"},         // DEL
	{"email-subject", "line\u2028separator"}, // Unicode line separator: invalid, a line reader breaks there
	{"email-subject", "nel\u0085next"},       // next line: invalid, as LS
	{"email-subject", "\ufeffbom start"},     // byte order mark
	{"email-subject", "two  spaces"},
	{"email-subject", longText},
	{"email-subject", "'" + longText + "'"},
	{"email-subject", "Überweisung fehlgeschlagen – bitte bestätigen Sie Ihre Kontodaten innerhalb von 24 Stunden"},
	{"email-subject", "first\nsecond"}, // invalid: two lines
	{"email-attachment", "invoice.pdf.exe"},
	{"email-attachment", "Rechnung_März_2024.zip"},
	{"email-attachment", "report (1).doc"},
	{"email-attachment", `C:\Users\Public\evil.dll`},
	{"email-attachment", "~$temp.docx"},
	{"mutex", `Global\MsWinZonesCacheCounterMutexA`},
	{"mutex", `Local\{F3532CE1-0832-11B1-920A-25000A276A73}`},
	{"mutex", "-"},
	{"mutex", "?"},
	{"mutex", "1"},
	{"mutex", "on"},
	// Rules.
	{"snort", `alert tcp $HOME_NET any -> $EXTERNAL_NET 443 (msg:"MALWARE test \"quoted\"; semi"; flow:established,to_server; content:"|16 03|"; content:"evil.example"; nocase; sid:9000001; rev:1;)`},
	{"snort", "alert http any any -> any any (msg:\"multi-line\"; \\\n    content:\"x\"; sid:9000002; rev:1;)"},
	{"yara", "rule one_line { condition: true }"},
	{"yara", "rule flat\n{\ncondition:\ntrue\n}"},
	{"yara", "rule Evil_Sample : tag1\r\n{\r\n    meta:\r\n        author = \"analyst \\\"quoted\\\"\"\r\n        description = \"détection ünïcode\"\r\n    strings:\r\n        $a = \"evil.example\" ascii wide\r\n        $b = { 6A 40 68 00 30 00 00 }\r\n        $c = /https?:\\/\\/[a-z]+\\.example/\r\n    condition:\r\n        any of them\r\n}\r\n"},
	{"yara", "rule tabs\n{\n\tstrings:\n\t\t$a = \"C:\\\\Windows\\\\evil.exe\" nocase\n\tcondition:\n\t\t$a\n}"},
	{"sigma", "title: Suspicious Process\nid: 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\nstatus: experimental\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '\\evil.exe'\n        CommandLine|contains: '-enc'\n    condition: selection\nlevel: high"},
	// Fingerprints, vulnerabilities, currencies.
	{"x509-fingerprint-md5", "AB12CD34EF56AB12CD34EF56AB12CD34"},
	{"x509-fingerprint-sha1", "0123456789ABCDEF0123456789ABCDEF01234567"},
	{"x509-fingerprint-sha256", "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90"},
	{"vulnerability", "cve-2021-44228"},
	{"vulnerability", "Exploit for CVE-2017-11882 in Office"},
	{"vulnerability", "CVE-2099-1234567"},
	{"vulnerability", "CVE-1990-1234"}, // invalid year
	{"ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865"},
	{"ja3-fingerprint-md5", "00000000000000000000000000000000"}, // looks like an octal integer
	{"hassh-md5", "ec7378c1a92f5a8dde7e8b7a1ddf33d1"},
	{"hasshserver-md5", "b12d2871a1189eff20364cf5333619ee"},
	{"imphash", "F34D5F2D4577ED6D9CEEC516C1F5A744"},
	{"btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	{"btc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"}, // bech32, upper case
	{"xmr", "4" + strings.Repeat("AbCdEfGhJk", 9) + "LmNo"},
	{"btc", "bc1-invalid"}, // invalid
	// Not asked for by any data type: ignored.
	{"link", "https://blog.example/report"},
	{"text", "free text"},
}
