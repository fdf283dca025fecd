// base64_decode, asn1 and xor values.

package rulecheck

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// base64DecodeRE is the pattern Suricata 7 matches base64_decode's value
// against (detect-base64-decode.c), anchored where its match always
// starts, as PCRE2 reads \s.
var base64DecodeRE = regexp.MustCompile(`^[\t\n\v\f\r ]*(bytes[\t\n\v\f\r ]+(\d+),?)?[\t\n\v\f\r ]*(offset[\t\n\v\f\r ]+(\d+),?)?[\t\n\v\f\r ]*(\w+)?`)

// validBase64Decode reads base64_decode's value as Suricata 7 does: none,
// or "bytes n" (16 bits), "offset n" (32 bits) and "relative" in that
// order, at least one of them; a word after them must be "relative",
// whatever follows it is ignored.
func validBase64Decode(v string) bool {
	if v == "" {
		return true
	}
	m := base64DecodeRE.FindStringSubmatchIndex(v)
	group := func(i int) (string, bool) {
		if m[2*i] < 0 {
			return "", false
		}
		return v[m[2*i]:m[2*i+1]], true
	}
	bytes, hasBytes := group(2)
	offset, hasOffset := group(4)
	word, hasWord := group(5)
	if !hasBytes && !hasOffset && !hasWord {
		return false
	}
	return (!hasBytes || isUint(bytes, 65535)) && (!hasOffset || isUint(offset, 1<<32-1)) &&
		(!hasWord || word == "relative")
}

// asn1Options are the options asn1 reads, each with the largest number
// it takes, or -1 for none.
var asn1Options = []struct {
	name string
	max  int64
}{{"bitstring_overflow", -1}, {"double_overflow", -1}, {"oversize_length", 1<<32 - 1},
	{"absolute_offset", 65535}, {"relative_offset", 65535}}

// validAsn1 reads asn1's value as Suricata 7 does (asn1_parse_rule in
// rust/src/asn1/parse_rules.rs): options, case-sensitive, each after
// optional spaces and followed by spaces or a comma, or by the next one;
// a number after one or more spaces, only relative_offset's signed.
func validAsn1(v string) bool {
	if v == "" {
		return false
	}
	for rest := v; rest != ""; {
		rest = strings.TrimLeft(rest, " \t\r\n")
		found := false
		for _, o := range asn1Options {
			after, ok := asn1Option(rest, o.name, o.max)
			if ok {
				rest, found = after, true
			}
		}
		if !found {
			return false
		}
		if trimmed := strings.TrimLeft(rest, " \t\r\n"); trimmed != rest {
			rest = trimmed
		} else {
			rest = strings.TrimPrefix(rest, ",")
		}
	}
	return true
}

// asn1Option reads option name at the start of s, with its number if max
// is not -1, and returns what follows it.
func asn1Option(s, name string, max int64) (string, bool) {
	rest, ok := strings.CutPrefix(s, name)
	if !ok {
		return s, false
	}
	if max < 0 {
		return rest, true
	}
	num := strings.TrimLeft(rest, " \t\r\n")
	if num == rest {
		return s, false
	}
	sign := ""
	if name == "relative_offset" && strings.HasPrefix(num, "-") {
		sign, num = "-", num[1:]
	}
	end := 0
	for end < len(num) && num[end] >= '0' && num[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(sign+num[:end], 10, 64)
	if end == 0 || err != nil || n > max || n < -max {
		return s, false
	}
	return num[end:], true
}

// validXor reads xor's key as Suricata 7 does: quoted, an even number of
// hex digits, 1 to 255 bytes.
func validXor(v string) bool {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	key := v[1 : len(v)-1]
	if key == "" || len(key)%2 != 0 || len(key)/2 > 255 {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}
