// byte_test, byte_jump, byte_math and byte_extract: their numbers, flags
// and variables.

package rulecheck

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
)

// byteTestFlags and byteJumpFlags are the flags each reads after its
// numbers (detect-bytetest.c, detect-bytejump.c), in lower case: a
// flag with a number after it (bitmask, multiplier, post_offset) is read
// apart.
var (
	byteTestFlags = wordSet(`relative big little string dec hex oct dce`)
	byteJumpFlags = wordSet(`relative big little string dec hex oct dce align
		from_beginning from_end`)
)

// cDecimalRE and cHexRE are the numbers the renderer takes strtol to
// read whole with base 0: a decimal without a leading zero, perhaps
// negative, or hex digits after 0x. (Go's own base 0 also reads 0b, 0o
// and "_", which strtol does not.)
var (
	cDecimalRE = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)$`)
	cHexRE     = regexp.MustCompile(`^0[xX][0-9a-fA-F]+$`)
)

// cNumber reads s as strtol reads it with base 0, if it is a number of
// bits bits, signed or not.
func cNumber(s string, bits int, signed bool) bool {
	switch {
	case cHexRE.MatchString(s):
		if signed {
			_, err := strconv.ParseInt(s[2:], 16, bits)
			return err == nil
		}
		_, err := strconv.ParseUint(s[2:], 16, bits)
		return err == nil
	case cDecimalRE.MatchString(s) && (signed || s[0] != '-'):
		if signed {
			_, err := strconv.ParseInt(s, 10, bits)
			return err == nil
		}
		_, err := strconv.ParseUint(s, 10, bits)
		return err == nil
	}
	return false
}

// decimalIn reports whether s is a decimal number from lo to hi.
func decimalIn(s string, lo, hi int64) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && !strings.HasPrefix(s, "+") && n >= lo && n <= hi
}

// byteVariable reports whether s names a byte_extract variable as
// Suricata 7 tells one from a number: by a first letter.
func byteVariable(s string, extracted map[string]bool) bool {
	return s != "" && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') && extracted[s]
}

// validByteOp reads byte_test "n,[!]op,value,offset[,flags]" (at most five
// flags, in lower case) and byte_jump "n,offset[,flags]" (at most eight,
// in any case but relative, multiplier and post_offset) as Suricata 7
// does: 0-8 bytes, or up to 23 as a string (0, as rules on
// http.content_len write it, reads a number of any length); a base (dec, hex, oct) only
// with string; dce without string, a base, big or little (nor, for
// byte_jump, from_beginning or from_end); not both from_beginning and
// from_end; numbers in their ranges (byte_test's offset 32 bits, its
// bitmask 32 bits unsigned; byte_jump's offset and post_offset ±65535,
// its multiplier 1-65535, in decimal) or byte_extract variables, the
// number of bytes too.
func validByteOp(n, v string, extracted map[string]bool) bool {
	args := splitArgs(v)
	fixed, maxFlags, known := 2, 8, byteJumpFlags
	if n == "byte_test" {
		fixed, maxFlags, known = 4, 5, byteTestFlags
	}
	if len(args) < fixed || len(args) > fixed+maxFlags {
		return false
	}
	flags := map[string]bool{}
	for _, f := range args[fixed:] {
		if n == "byte_jump" && !strings.Contains(f, " ") && strings.ToLower(f) != "relative" {
			f = strings.ToLower(f) // strcasecmp, but strcmp for relative
		}
		word, num, hasNum := strings.Cut(f, " ")
		num = strings.TrimSpace(num)
		switch {
		case !hasNum && known[f]:
		case hasNum && n == "byte_test" && word == "bitmask":
			if !cNumber(num, 32, false) {
				return false
			}
		case hasNum && n == "byte_jump" && word == "multiplier":
			if !decimalIn(num, 1, 65535) || num[0] == '-' {
				return false
			}
		case hasNum && n == "byte_jump" && word == "post_offset":
			if !decimalIn(num, -65535, 65535) {
				return false
			}
		default:
			return false
		}
		flags[word] = true
	}
	str, base := flags["string"], flags["dec"] || flags["hex"] || flags["oct"]
	if base && !str || flags["from_beginning"] && flags["from_end"] ||
		flags["dce"] && (str || base || flags["big"] || flags["little"] || flags["from_beginning"] || flags["from_end"]) {
		return false
	}
	if !byteVariable(args[0], extracted) &&
		(!decimalIn(args[0], 0, 8) && !(str && decimalIn(args[0], 0, 23)) || args[0][0] == '-') {
		return false
	}
	if n == "byte_jump" {
		return byteVariable(args[1], extracted) || decimalIn(args[1], -65535, 65535)
	}
	op, negated := strings.CutPrefix(args[1], "!")
	op = strings.TrimSpace(op)
	if !(op == "" && negated) && op != "<" && op != ">" && op != "=" && op != "<=" && op != ">=" && op != "&" && op != "^" {
		return false
	}
	value, offset := args[2], args[3]
	return (byteVariable(value, extracted) || cNumber(value, 64, false) || isInt(value) && value[0] == '-') &&
		(byteVariable(offset, extracted) || cNumber(offset, 32, true))
}

// byteExtractStringBytes are the most bytes byte_extract reads as a
// string in each base.
var byteExtractStringBytes = map[string]int64{"dec": 20, "hex": 14, "oct": 23}

// validByteExtract reads byte_extract "n,offset,name[,options]" as
// Suricata 7 does: at most five options, each once (relative,
// "multiplier m" 1-65535, one of big, little and dce, string and then
// perhaps one base, "align 2" or "align 4"), no endianness with string;
// up to 8 bytes, or as a string 20 (14 in hex, 23 in octal); an offset
// within ±65535.
func validByteExtract(v string) bool {
	args := splitArgs(v)
	if len(args) < 3 || len(args) > 8 || !isName(args[2]) || !decimalIn(args[1], -65535, 65535) ||
		strings.Trim(args[0], "0123456789") != "" || args[0] == "" {
		return false
	}
	seen := map[string]bool{}
	endian, base := "", ""
	for _, a := range args[3:] {
		word, num, hasNum := strings.Cut(a, " ")
		num = strings.TrimSpace(num)
		switch {
		case seen[word]:
			return false
		case hasNum && word == "multiplier":
			if strings.Trim(num, "0123456789") != "" || !decimalIn(num, 1, 65535) {
				return false
			}
		case hasNum && word == "align":
			if num != "2" && num != "4" {
				return false
			}
		case hasNum:
			return false
		case word == "big" || word == "little" || word == "dce":
			if endian != "" {
				return false
			}
			endian = word
		case word == "dec" || word == "hex" || word == "oct":
			if !seen["string"] || base != "" {
				return false
			}
			base = word
		case word != "relative" && word != "string":
			return false
		}
		seen[word] = true
	}
	limit := int64(8)
	if seen["string"] {
		if endian != "" {
			return false
		}
		limit = byteExtractStringBytes[cmp.Or(base, "dec")]
	}
	return decimalIn(args[0], 0, limit)
}
