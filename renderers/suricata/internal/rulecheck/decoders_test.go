package rulecheck

import "testing"

// base64DecodeRules are rules with base64_decode and base64_data, with
// whether Suricata 7 loads them.
var base64DecodeRules = []keywordRule{
	{"tcp", `base64_decode; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:bytes 300,offset 0,relative; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:bytes 300, offset 0, relative; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:relative; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:relative foo; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:relative,bytes 10; base64_data; content:"x";`, true},
	{"tcp", `content:"a"; base64_decode:bytes 10,,relative; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:bytes 10; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:offset 4; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:bytes 65535; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:bytes 0; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:offset 4294967295; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:bytes 10 offset 4; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:relative; base64_data; content:"x";`, true},
	{"tcp", `base64_decode:offset 3, bytes 10; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:bytes 65536; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:offset 4294967296; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:Relative; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:,; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:"bytes 10"; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:bytes10; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:bytes; base64_data; content:"x";`, false},
	{"tcp", `base64_decode:bytes -1; base64_data; content:"x";`, false},
	{"tcp", `base64_data; content:"x";`, false},
	{"tcp", `content:"a"; base64_data; content:"x";`, false},
	{"tcp", `file_data; content:"a"; base64_data; content:"x";`, false},
	{"tcp", `base64_decode; content:"a";`, true},
	{"tcp", `base64_decode;`, true},
}

// asn1Rules are rules with asn1, with whether Suricata 7 loads them.
var asn1Rules = []keywordRule{
	{"tcp", `asn1:bitstring_overflow;`, true},
	{"tcp", `asn1:bitstring_overflow, double_overflow;`, true},
	{"tcp", `asn1:bitstring_overflow,double_overflow;`, true},
	{"tcp", `asn1:bitstring_overflow double_overflow;`, true},
	{"tcp", `asn1:bitstring_overflowdouble_overflow;`, true},
	{"tcp", `asn1:bitstring_overflow,;`, true},
	{"tcp", `asn1:oversize_length 10000, absolute_offset 0;`, true},
	{"tcp", `asn1:oversize_length 4294967295;`, true},
	{"tcp", `asn1:absolute_offset 65535;`, true},
	{"tcp", `asn1:relative_offset -65535;`, true},
	{"tcp", `asn1:relative_offset 65535;`, true},
	{"tcp", `asn1:oversize_length 5bitstring_overflow;`, true},
	{"tcp", `content:"a"; asn1:bitstring_overflow,relative_offset 1;`, true},
	{"tcp", `asn1:bitstring_overflow , double_overflow;`, false},
	{"tcp", `asn1:relative_offset +5;`, false},
	{"tcp", `asn1:relative_offset 65536;`, false},
	{"tcp", `asn1:relative_offset -65536;`, false},
	{"tcp", `asn1:absolute_offset 65536;`, false},
	{"tcp", `asn1:absolute_offset -1;`, false},
	{"tcp", `asn1:oversize_length 4294967296;`, false},
	{"tcp", `asn1:oversize_length;`, false},
	{"tcp", `asn1:oversize_length,bitstring_overflow;`, false},
	{"tcp", `asn1:oversize_length5;`, false},
	{"tcp", `asn1:Bitstring_overflow;`, false},
	{"tcp", `asn1:"bitstring_overflow";`, false},
	{"tcp", `asn1:bitstring_overflow x;`, false},
	{"tcp", `asn1:,bitstring_overflow;`, false},
	{"tcp", `asn1;`, false},
}

// xorRules are rules with the xor transform, with whether Suricata 7
// loads them.
var xorRules = []keywordRule{
	{"http", `http.uri; xor:"0d0ac8ff"; content:"x";`, true},
	{"http", `http.uri; xor:"0D0AC8FF"; content:"x";`, true},
	{"http", `http.uri; to_lowercase; xor:"0d"; content:"x";`, true},
	{"http", `http.uri; xor:"0d"; xor:"0a"; content:"x";`, true},
	{"http", `http.uri; xor:"ababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab"; content:"x";`, true},
	{"http", `http.uri; xor:"abababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab"; content:"x";`, false},
	{"http", `http.uri; xor:""; content:"x";`, false},
	{"http", `http.uri; xor:"0d0"; content:"x";`, false},
	{"http", `http.uri; xor:"zz"; content:"x";`, false},
	{"http", `http.uri; xor:"0x0d"; content:"x";`, false},
	{"http", `http.uri; xor:0d0a; content:"x";`, false},
	{"http", `http.uri; xor:" 0d"; content:"x";`, false},
	{"http", `http.uri; xor; content:"x";`, false},
	{"http", `xor:"0d"; content:"x";`, false},
	{"http", `content:"a"; xor:"0d"; http.uri; content:"x";`, false},
}

// TestBase64DecodeAndAsn1AsSuricata checks rules with base64_decode and
// asn1 against the renderer and the real Suricata 7.
func TestBase64DecodeAndAsn1AsSuricata(t *testing.T) {
	for name, rules := range map[string][]keywordRule{"base64_decode": base64DecodeRules, "asn1": asn1Rules, "xor": xorRules} {
		t.Run(name, func(t *testing.T) { checkRulesAsSuricata(t, rules) })
	}
}
