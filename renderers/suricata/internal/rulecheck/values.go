// Option values: content positions, fast_pattern, flow, pcre, threshold,
// isdataat and the number helpers the other checks share.

package rulecheck

import (
	"errors"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// contentLength returns the number of bytes a content value, as
// validContent accepts it, matches.
func contentLength(value string) int {
	v := strings.TrimPrefix(value, "!")
	if len(v) < 2 {
		return 0
	}
	v = v[1 : len(v)-1]
	n, inHex, digits := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '|':
			inHex = !inHex
		case inHex && c != ' ':
			if digits++; digits%2 == 0 {
				n++
			}
		case inHex:
		case c == '\\':
			i++
			n++
		default:
			n++
		}
	}
	return n
}

// checkPosition checks depth, offset, distance and within: a content
// before them, a number (not negative for depth and offset) or a
// byte_extract variable, each once, the absolute ones not with the
// relative ones, and a depth or within not shorter than the content.
func checkPosition(last *content, n, v string, extracted map[string]bool) string {
	if last == nil || last.startswith {
		return DropContentModifier
	}
	num, err := strconv.ParseInt(v, 10, 32)
	switch {
	case err == nil:
		if (n == "depth" || n == "offset") && (num < 0 || num > 65535) || (n == "depth" || n == "within") && num < int64(last.length) {
			return DropOptionValue
		}
	case !extracted[v]:
		return DropOptionValue
	}
	flag := map[string]*bool{"depth": &last.depth, "offset": &last.offset, "distance": &last.distance, "within": &last.within}[n]
	if *flag {
		return DropContentModifier
	}
	*flag = true
	if (last.depth || last.offset) && (last.distance || last.within) {
		return DropContentModifier
	}
	return ""
}

// validFastPattern reads fast_pattern's value: none, "only" or "n,m",
// the m bytes from n within the content's contentLen.
func validFastPattern(v string, contentLen int) bool {
	if v == "" || v == "only" {
		return true
	}
	a, b, ok := strings.Cut(v, ",")
	if !ok || !isUint(a, 65535) || !isUint(b, 65535) {
		return false
	}
	offset, _ := strconv.Atoi(a)
	length, _ := strconv.Atoi(b)
	return offset+length <= contentLen
}

// flowGroups are flow's options, grouped by those that exclude each other.
var flowGroups = map[string]int{
	"established": 1, "not_established": 1, "stateless": 1,
	"to_client": 2, "from_server": 2, "to_server": 2, "from_client": 2,
	"only_stream": 3, "no_stream": 3, "only_frag": 4, "no_frag": 4,
}

// validFlow reads flow's value: at most three known options, no two of
// a group.
func validFlow(v string) bool {
	args := splitArgs(v)
	seen := map[int]bool{}
	for _, a := range args {
		g := flowGroups[strings.ToLower(a)]
		if g == 0 || seen[g] {
			return false
		}
		seen[g] = true
	}
	return len(args) > 0 && len(args) <= 3
}

// pcreRefused are the regexp/syntax errors that PCRE reports too; the
// others come from what PCRE has and Go lacks (lookarounds, back
// references, possessive quantifiers, large counts).
var pcreRefused = []syntax.ErrorCode{syntax.ErrMissingParen, syntax.ErrUnexpectedParen,
	syntax.ErrMissingBracket, syntax.ErrInvalidCharRange, syntax.ErrMissingRepeatArgument,
	syntax.ErrTrailingBackslash}

// validPcre reads a pcre value, "[!]/regex/flags[, captures]" in quotes
// ("!" may come before them instead), with flags Suricata knows (R only after a match in the buffer) and a regex without an error PCRE reports too
// (read without its start options, and its white space and comments with
// the x flag), nor too large once compiled.
func validPcre(v string, matched bool) bool {
	rest, negated := strings.CutPrefix(v, "!")
	if negated {
		v = strings.TrimLeft(rest, " \t")
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	if v = v[1 : len(v)-1]; !negated {
		v = strings.TrimPrefix(v, "!")
	}
	end := strings.LastIndexByte(v, '/')
	if !strings.HasPrefix(v, "/") || end < 1 {
		return false
	}
	flags, _, _ := strings.Cut(v[end+1:], ",")
	for _, f := range strings.TrimSpace(flags) {
		if !strings.ContainsRune(pcreFlags, f) || f == 'R' && !matched {
			return false
		}
	}
	re, extended := stripStartOptions(v[1:end]), strings.ContainsRune(flags, 'x')
	ucp := strings.Contains(strings.TrimSuffix(v[1:end], re), "(*UCP)")
	if inlineExtended(re, extended) {
		// Escapes and group names are checked as written too: white
		// space inside them (\x{ 41}, (?< n>a)) is an error in both modes.
		_, written := pcreEscapesValid(re, extended)
		var ok bool
		if re, ok = stripExtendedScoped(re, extended); !written || !ok {
			return false
		}
		extended = false
	}
	re, ok := pcreEscapesValid(re, extended)
	if !ok {
		return false
	}
	if extended {
		if extendedSplitGroup(re) {
			return false
		}
		re = stripExtended(re)
	}
	if classRangeRefused(re) || !pcreStructureValid(re) || !compiledSizeValid(re, ucp) {
		return false
	}
	_, err := syntax.Parse(goVerbForm(re), syntax.Perl)
	var se *syntax.Error
	return !errors.As(err, &se) || !slices.Contains(pcreRefused, se.Code)
}

// validThreshold reads threshold "type t, track k, count n, seconds s"
// (in any order, each once) and detection_filter, which has no type,
// tracks by_src or by_dst only and counts from 1.
func validThreshold(n, v string) bool {
	seen := map[string]string{}
	for _, a := range splitArgs(v) {
		key, val, ok := strings.Cut(a, " ")
		val = strings.TrimSpace(val)
		if !ok || seen[key] != "" {
			return false
		}
		seen[key] = val
		switch key {
		case "type":
			if n != "threshold" || val != "limit" && val != "threshold" && val != "both" {
				return false
			}
		case "track":
			if val != "by_src" && val != "by_dst" && (n != "threshold" || val != "by_rule" && val != "by_both") {
				return false
			}
		case "count", "seconds":
			if !isUint(val, 1<<32-1) || n == "detection_filter" && isUint(val, 0) {
				return false
			}
		default:
			return false
		}
	}
	want := 3
	if n == "threshold" {
		want = 4
	}
	return len(seen) == want
}

// validRange reports whether v is an integer comparison Suricata 7
// reads for a keyword of numbers up to max.
func validRange(v string, max uint64) bool {
	_, ok := parseUint(v, max)
	return ok
}

// validIsdataat reads "[!]n[,relative[,rawbytes]]" as Suricata 7 does,
// n a number or a byte_extract variable (whose name starts with a
// letter): rawbytes only after relative.
func validIsdataat(v string, extracted map[string]bool) bool {
	args := splitArgs(strings.TrimPrefix(v, "!"))
	if len(args) == 0 || !isUint(args[0], 65535) && !byteVariable(args[0], extracted) {
		return false
	}
	flags := strings.Join(args[1:], ",")
	return flags == "" || flags == "relative" || flags == "relative,rawbytes"
}

// splitArgs splits a value at its commas, trimming each part.
func splitArgs(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// isUint reports whether s is a decimal number up to max.
func isUint(s string, max uint64) bool {
	n, err := strconv.ParseUint(s, 10, 64)
	return err == nil && n <= max
}

// isInt reports whether s is a decimal number, negative or not, of 32 bits.
func isInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 32)
	return err == nil
}

// isName reports whether s is a word of letters, digits, '-', '_' and '.'.
func isName(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }
