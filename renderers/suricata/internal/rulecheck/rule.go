// Check, the entry point: one rule line split into its options.

package rulecheck

import (
	"iter"
	"strconv"
	"strings"
)

// ruleActions are the actions Suricata 7 accepts at the start of a rule.
var ruleActions = map[string]bool{
	"alert": true, "drop": true, "reject": true, "rejectsrc": true,
	"rejectdst": true, "rejectboth": true, "pass": true,
}

// MaxLine is the longest rule line Suricata reads, in bytes without the
// line feed.
const MaxLine = 8191

// Check checks that s is one rule line Suricata can read:
// an action, a header, and a parenthesised option list whose options are
// well formed, with exactly one sid, and that checkSemantics accepts. It returns the rule's gid (1 when
// absent) and sid, or a reason for refusing it.
func Check(s string) (gid, sid uint64, reason string) {
	if strings.ContainsAny(s, "\r\n") {
		return 0, 0, "snort value that is not a single rule line"
	}
	if len(s) > MaxLine {
		return 0, 0, "rule longer than 8191 bytes"
	}
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return 0, 0, "snort rule without an option list"
	}
	if reason := checkHeader(strings.Fields(s[:open])); reason != "" {
		return 0, 0, reason
	}
	gid = 1
	var sids int
	var opts []ruleOption
	body := s[open+1 : len(s)-1]
	for opt := range splitOptions(body) {
		if opt.err {
			return 0, 0, "snort rule with an unknown keyword or a malformed option"
		}
		opts = append(opts, opt)
		switch opt.name {
		case "sid":
			n, err := strconv.ParseUint(opt.value, 10, 32)
			if err != nil || n == 0 {
				return 0, 0, "snort rule with an invalid sid"
			}
			sid = n
			sids++
		case "gid":
			n, err := strconv.ParseUint(opt.value, 10, 32)
			if err != nil {
				return 0, 0, "snort rule with an invalid gid"
			}
			gid = n
		}
	}
	if sids != 1 {
		return 0, 0, "snort rule without exactly one sid"
	}
	if reason := checkSemantics(opts); reason != "" {
		return 0, 0, reason
	}
	proto := strings.Fields(s[:open])[1]
	if reason := checkLayers(proto, opts); reason != "" {
		return 0, 0, reason
	}
	if reason := checkTLSKeywords(proto, opts); reason != "" {
		return 0, 0, reason
	}
	if reason := checkKeywordRules(proto, opts); reason != "" {
		return 0, 0, reason
	}
	if reason := checkProtocols(proto, opts); reason != "" {
		return 0, 0, reason
	}
	if reason := checkDirections(proto, opts); reason != "" {
		return 0, 0, reason
	}
	if reason := checkBufferContents(opts); reason != "" {
		return 0, 0, reason
	}
	return gid, sid, ""
}

type ruleOption struct {
	name, value string
	err         bool
}

// splitOptions yields the "name[:value];" options of a rule body as
// Suricata splits them: at every semicolon not preceded by a backslash,
// inside double quotes or not.
func splitOptions(body string) iter.Seq[ruleOption] {
	return func(yield func(ruleOption) bool) {
		start := 0
		for i := range unescaped(body, ';') {
			if !yield(makeOption(body[start:i])) {
				return
			}
			start = i + 1
		}
		if strings.TrimSpace(body[start:]) != "" {
			yield(ruleOption{err: true})
		}
	}
}

// unescaped yields the index of each byte c of s that no backslash
// escapes; a backslash escapes the byte after it, whatever it is.
func unescaped(s string, c byte) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case c:
				if !yield(i) {
					return
				}
			}
		}
	}
}

// makeOption checks one option: a known keyword, in any case as Suricata
// reads it, and a value whose unescaped double quotes, if any, enclose
// all of it (a pcre's regex or a reference may hold more: validPcre and
// validReference check them). The name is returned in lower case, an
// alias as its keyword.
func makeOption(s string) ruleOption {
	s = strings.TrimSpace(s)
	name, value, _ := strings.Cut(s, ":")
	name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
	if keyword, ok := keywordAliases[name]; ok {
		name = keyword
	}
	if !keywords[name] {
		return ruleOption{err: true}
	}
	quotes := 0
	for range unescaped(value, '"') {
		quotes++
	}
	if quotes != 0 && name != "flowvar" && name != "pktvar" && name != "pcre" && name != "reference" {
		v := strings.TrimPrefix(value, "!")
		if quotes != 2 || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return ruleOption{err: true}
		}
	}
	if (name == "flowvar" || name == "pktvar") && !validVarContent(name, value) {
		return ruleOption{err: true}
	}
	if name == "content" && !validContent(value) {
		return ruleOption{err: true}
	}
	return ruleOption{name: name, value: value}
}

// maxFlowvarContent is the longest content, quotes included, a flowvar
// option reads; a longer one fails the rule.
const maxFlowvarContent = 63

// validVarContent checks a flowvar or pktvar value, "name,content": the
// content after the last comma is quoted as validContent reads it, and a
// flowvar's fits the 64 bytes Suricata 7 copies it into.
func validVarContent(keyword, value string) bool {
	comma := strings.LastIndexByte(value, ',')
	if comma < 0 || keyword == "flowvar" && len(value)-comma-1 > maxFlowvarContent {
		return false
	}
	return strings.HasPrefix(value[comma+1:], `"`) && validContent(value[comma+1:])
}

// validContent checks a content value as Suricata parses it: quoted, not
// empty, a backslash only before : ; \ or ", and |hex| runs closed, made
// of whole bytes of hex digits separated by spaces.
func validContent(value string) bool {
	v := strings.TrimPrefix(value, "!")
	if len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	v = v[1 : len(v)-1]
	inHex, digits := false, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '|':
			if inHex && digits%2 != 0 {
				return false
			}
			inHex, digits = !inHex, 0
		case inHex && c == ' ':
			if digits%2 != 0 {
				return false
			}
		case inHex:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
				return false
			}
			digits++
		case c == '\\':
			if i+1 == len(v) || !strings.ContainsRune(`:;\"`, rune(v[i+1])) {
				return false
			}
			i++
		}
	}
	return !inHex
}
