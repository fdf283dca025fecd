// pcre captures into flowvars and pktvars, and the flowvar and pktvar
// options that read them: names and limits.

package rulecheck

import (
	"regexp"
	"strings"
)

// maxGroupName is the longest pcre group name PCRE2 10.42 (Suricata 7's)
// compiles; a longer one fails the rule.
const maxGroupName = 32

// maxCaptureStore is the longest store part of a group name
// ((?P<store_name>) Suricata 7 reads, whatever the store; a longer one
// fails the rule.
const maxCaptureStore = 15

// maxCaptures is how many captures a pcre value may store in Suricata 7
// (DETECT_PCRE_CAPTURE_MAX): names after the regex past it are ignored, and
// a named group (?P<store_name>…) past it, whatever the store, fails the
// rule.
const maxCaptures = 8

// maxFlowvarName is the longest name a flowvar option reads.
const maxFlowvarName = 63

// captureGroup is a named group by which Suricata 7 stores a capture, as
// it finds one in a pcre value: the shortest run of [A-z] before "_" is
// the store (flow or pkt) and the rest the variable's name.
var captureGroup = regexp.MustCompile(`\(\?P<([A-z]+?)_([A-z0-9_]+?)>`)

// captureStores are the stores of captures, by the name Suricata gives
// them in a pcre value.
var captureStores = map[string]string{"flow": "flowvar", "pkt": "pktvar"}

// parsePcre reads the flowvars and pktvars a pcre value writes: named
// groups (?P<flow_name>…) and (?P<pkt_name>…), and the names after the
// regex ("/(a)/, flow:name, pkt:name"). It reports false when the names
// after the regex outnumber its capturing groups, which Suricata 7 refuses
// (or ignores, when it has none), when they and the named groups store
// more than maxCaptures, when pkt:key and pkt:value are not paired, when renaming a
// group could change what the regex matches (the regex names the group
// again, or the group's "(" is literal: escaped, in a character class,
// \Q…\E or a comment, or after the regex), when a name is not one the
// renderer renames, or when a group's store is longer than Suricata reads.
func parsePcre(v string) ([]StateRef, bool) {
	var refs []StateRef
	names, at := captureNames(v)
	toks := splitNames(names)
	groups := captureGroup.FindAllStringSubmatchIndex(v, -1)
	var opens map[int]bool
	if len(toks) > 0 || len(groups) > 0 {
		re, reAt, flags, ok := pcreRegex(v, at)
		if !ok {
			return nil, false
		}
		var count int
		count, opens, ok = pcreGroups(re, strings.Contains(flags, "x"))
		slots, paired := captureSlots(toks)
		if !ok || len(toks) > count || !paired || slots+len(groups) > maxCaptures {
			return nil, false
		}
		opens = shift(opens, reAt)
	}
	for _, m := range groups {
		store := captureStores[v[m[2]:m[3]]]
		if store == "" {
			if m[3]-m[2] > maxCaptureStore {
				return nil, false
			}
			continue
		}
		group, name := v[m[2]:m[5]], v[m[4]:m[5]]
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" ||
			len(group) > maxGroupName || !opens[m[0]] || uses(v, group) != definitions(v, group) {
			return nil, false
		}
		refs = append(refs, StateRef{store, name, m[4], true})
	}
	for _, tok := range toks {
		name, isPkt := strings.CutPrefix(tok.text, "pkt:")
		if isPkt && (name == "key" || name == "value") {
			continue // a key-value pair from the traffic, which no option reads
		}
		store := "pktvar"
		if !isPkt {
			name, _ = strings.CutPrefix(tok.text, "flow:")
			store = "flowvar"
		}
		if !validStateName(name) || len(name) == len(tok.text) {
			return nil, false
		}
		refs = append(refs, StateRef{store, name, at + tok.at + len(tok.text) - len(name), true})
	}
	return refs, true
}

// captureSlots returns how many captures the names after a pcre's regex
// store, as Suricata 7 counts them (a pkt:key, pkt:value pair takes one),
// and false when pkt:value does not follow pkt:key right away, which it
// refuses.
func captureSlots(toks []nameToken) (int, bool) {
	slots, key := 0, false
	for _, tok := range toks {
		switch {
		case tok.text == "pkt:value" && key:
			key = false
		case tok.text == "pkt:value" || key:
			return 0, false
		default:
			key = tok.text == "pkt:key"
			slots++
		}
	}
	return slots, true
}

// pcreRegex returns the regex of a pcre value, its offset in the value,
// and the flags after it; names is where the capture names start, or 0.
func pcreRegex(v string, names int) (string, int, string, bool) {
	end := len(v)
	if names > 0 {
		end = names
	}
	start := strings.IndexByte(v[:end], '/') + 1
	last := strings.LastIndexByte(v[:end], '/')
	if start == 0 || last < start {
		return "", 0, "", false
	}
	return v[start:last], start, v[last+1 : end], true
}

// captureNames returns the names Suricata 7 reads after the regex of a
// pcre value and where they start: from the first "flow:" or "pkt:" when
// a space or comma precedes it, without quotes around the value.
func captureNames(v string) (string, int) {
	start := strings.IndexByte(v, '"') + 1
	inner := strings.TrimSuffix(v[start:], `"`)
	cut := -1
	for _, tag := range []string{"flow:", "pkt:"} {
		if i := strings.Index(inner, tag); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut <= 1 || inner[cut-1] != ' ' && inner[cut-1] != ',' {
		return "", 0
	}
	return inner[cut:], start + cut
}

type nameToken struct {
	text string
	at   int
}

// splitNames splits capture names at spaces and commas, as Suricata does.
func splitNames(s string) []nameToken {
	var toks []nameToken
	start := -1
	for i := 0; i <= len(s); i++ {
		sep := i == len(s) || s[i] == ' ' || s[i] == ','
		switch {
		case sep && start >= 0:
			toks = append(toks, nameToken{s[start:i], start})
			start = -1
		case !sep && start < 0:
			start = i
		}
	}
	return toks
}

// shift returns the offsets of set moved by n.
func shift(set map[int]bool, n int) map[int]bool {
	moved := make(map[int]bool, len(set))
	for i := range set {
		moved[i+n] = true
	}
	return moved
}

// uses counts the occurrences of group in v as a whole word.
func uses(v, group string) int {
	n := 0
	for i := 0; ; {
		j := strings.Index(v[i:], group)
		if j < 0 {
			return n
		}
		j += i
		end := j + len(group)
		if (j == 0 || !isWordByte(v[j-1])) && (end == len(v) || !isWordByte(v[end])) {
			n++
		}
		i = end
	}
}

// definitions counts the named groups (?P<group> in v.
func definitions(v, group string) int { return strings.Count(v, "(?P<"+group+">") }

func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// parseVarRead reads a flowvar or pktvar option, "name,content": the
// name is all before the last comma, as Suricata 7 reads it.
func parseVarRead(store string) func(string) ([]StateRef, bool) {
	return func(v string) ([]StateRef, bool) {
		comma := strings.LastIndexByte(v, ',')
		if comma < 0 {
			return nil, false
		}
		name := v[:comma]
		if !validStateName(name) || store == "flowvar" && len(name) > maxFlowvarName {
			return nil, false
		}
		return []StateRef{{store, name, 0, false}}, true
	}
}
