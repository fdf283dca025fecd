package stixschema

import (
	"strings"
	"testing"
)

func TestValidatePatternAccepts(t *testing.T) {
	tests := []struct{ name, pattern string }{
		{"ipv4 equal", `[ipv4-addr:value = '198.51.100.7']`},
		{"ipv4 subset", `[ipv4-addr:value ISSUBSET '198.51.100.0/24']`},
		{"ipv6 subset", `[ipv6-addr:value ISSUBSET '2001:db8::/32']`},
		{"double equals", `[domain-name:value == 'bad.example']`},
		{"unquoted hash step", `[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']`},
		{"quoted hash step", `[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']`},
		{"quoted first step", `[x509-certificate:'hashes'.'SHA-1' = 'aa']`},
		{"escaped quote and backslash", `[url:value = 'http://bad.example/a\'b\\c']`},
		{"empty string", `[url:value = '']`},
		{"unicode in string", `[email-message:subject = 'Счёт ☃']`},
		{"index star", `[email-message:to_refs[*].value = 'a@bad.example']`},
		{"index number", `[network-traffic:protocols[0] = 'tcp']`},
		{"negative index", `[network-traffic:protocols[-1] = 'tcp']`},
		{"and same type", `[file:name = 'inv.exe' AND file:hashes.'SHA-256' = 'aa']`},
		{"or different types", `[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'bad.example']`},
		{"parenthesised comparison", `[(file:name = 'a' OR file:name = 'b') AND file:size > 10]`},
		{"observation and", `[ipv4-addr:value = '198.51.100.7'] AND [domain-name:value = 'bad.example']`},
		{"observation or followedby", `([a:b = 1] OR [c:d = 2]) FOLLOWEDBY [e:f = 3]`},
		{"not equal", `[a:b != 1]`},
		{"not equal angle", `[a:b <> 1]`},
		{"not in set", `[a:b NOT IN ('x', 'y', 3)]`},
		{"empty set", `[a:b IN ()]`},
		{"like and matches", `[a:b LIKE 'x%' AND a:c MATCHES '^x$']`},
		{"issuperset", `[a:b ISSUPERSET '198.51.100.7']`},
		{"exists", `[EXISTS a:b]`},
		{"lower-case keywords", `[a:b = 1 and a:c = 2] or [a:d = true]`},
		{"orderable numbers", `[a:b >= -1.5 AND a:c < +2 AND a:d <= .5 AND a:e > 0]`},
		{"hex binary timestamp", `[a:b = h'0aFF' AND a:c = b'YWJj' AND a:d = b'YQ==' AND a:e = t'2026-01-02T10:00:00.123Z']`},
		{"qualifiers", `[a:b = 1] REPEATS 5 TIMES WITHIN 600 SECONDS START t'2026-01-01T00:00:00Z' STOP t'2026-01-02T00:00:00Z'`},
		{"within float", `[a:b = 1] WITHIN 1.5 SECONDS`},
		{"comments and whitespace", "[ a:b /* note */ =\n 1 ] // tail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ValidatePattern(tt.pattern); err != nil {
				t.Errorf("ValidatePattern(%q) = %v, want nil", tt.pattern, err)
			}
		})
	}
}

func TestValidatePatternRejects(t *testing.T) {
	tests := []struct{ name, pattern, want string }{
		{"empty", ``, "expected '[' or '('"},
		{"no brackets", `ipv4-addr:value = '198.51.100.7'`, "expected '[' or '('"},
		{"unclosed bracket", `[ipv4-addr:value = '198.51.100.7'`, "expected ']'"},
		{"double quotes", `[ipv4-addr:value = "198.51.100.7"]`, "unexpected character"},
		{"unescaped quote", `[url:value = 'http://bad.example/a'c']`, "expected ']'"},
		{"invalid escape", `[url:value = 'a\nb']`, "invalid escape"},
		{"trailing backslash", `[url:value = 'a\']`, "unterminated string"},
		{"unquoted hyphen step", `[file:hashes.SHA-256 = 'aa']`, "quote names holding '-'"},
		{"hyphen first step", `[a:some-prop = 1]`, "quote names holding '-'"},
		{"missing colon", `[ipv4-addr.value = '1']`, "expected ':'"},
		{"missing operator", `[a:b 'x']`, "comparison operator"},
		{"missing literal", `[a:b = ]`, "expected a literal"},
		{"issubset needs string", `[a:b ISSUBSET 5]`, "string literal after ISSUBSET"},
		{"bool not orderable", `[a:b > true]`, "orderable literal"},
		{"and across types", `[ipv4-addr:value = '1' AND domain-name:value = 'x']`, "different object types"},
		{"trailing tokens", `[a:b = 1] [c:d = 2]`, "end of pattern"},
		{"dangling and", `[a:b = 1] AND`, "expected '[' or '('"},
		{"bad hex", `[a:b = h'abc']`, "malformed h'' literal"},
		{"bad base64", `[a:b = b'YQ=']`, "malformed b'' literal"},
		{"bad timestamp", `[a:b = t'2026-13-01T00:00:00Z']`, "malformed t'' literal"},
		{"leading zero", `[a:b = 01]`, "malformed number"},
		{"repeats needs positive", `[a:b = 1] REPEATS -1 TIMES`, "positive integer"},
		{"start needs timestamp", `[a:b = 1] START '2026' STOP '2027'`, "timestamp after START"},
		{"empty index", `[a:b[] = 1]`, "an index or '*'"},
		{"unterminated comment", `[a:b = 1] /* x`, "unterminated comment"},
		{"set missing paren", `[a:b IN ('x' 'y')]`, "',' or ')'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePattern(tt.pattern)
			if err == nil {
				t.Fatalf("ValidatePattern(%q) = nil, want an error containing %q", tt.pattern, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidatePattern(%q) = %v, want it to contain %q", tt.pattern, err, tt.want)
			}
		})
	}
}

func FuzzValidatePattern(f *testing.F) {
	for _, s := range []string{`[ipv4-addr:value = '198.51.100.7']`, `[a:b = 1] REPEATS 5 TIMES`, `[url:value = 'a\'b\\c']`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = ValidatePattern(s) // must not panic or loop
	})
}
