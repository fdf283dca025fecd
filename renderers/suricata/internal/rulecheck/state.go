// flowbits, hostbits, xbits and flowint options, and the state variables
// they name.

package rulecheck

import (
	"slices"
	"strconv"
	"strings"
)

// maxStateName is the longest flowbit, hostbit or xbit name, or "|" list
// of flowbit names, that Suricata 7 reads; a longer one fails to load.
const maxStateName = 255

// maxOrNames is the most names Suricata 7 reads in a flowbits "|" list.
const maxOrNames = 100

// StateRef is one state variable a rule names: its store (Suricata keeps
// flowbits, host bits, IP pair bits and flowints apart), its name as
// Suricata registers it, where the name starts in the rule, and whether
// the rule writes it.
type StateRef struct {
	Store, Name string
	At          int
	Write       bool
}

// StateRefs returns the state variables of a rule's flowbits, hostbits,
// xbits, flowint, flowvar and pktvar options and pcre captures, whose keywords Suricata reads in any case,
// or false when one of those options is not written as this function
// reads it (Suricata 7's syntax with names of printable ASCII other than
// `, | ; " \`).
func StateRefs(rule string) ([]StateRef, bool) {
	open := strings.IndexByte(rule, '(')
	if open < 0 {
		return nil, true
	}
	body := rule[open+1:]
	var refs []StateRef
	start := 0
	for end := range unescaped(body, ';') {
		opt := body[start:end]
		at := open + 1 + start
		start = end + 1
		colon := strings.IndexByte(opt, ':')
		if colon < 0 {
			continue
		}
		parse := stateParsers[strings.ToLower(strings.TrimSpace(opt[:colon]))]
		if parse == nil {
			continue
		}
		v := opt[colon+1:]
		lead := len(v) - len(strings.TrimLeft(v, " \t"))
		vrefs, ok := parse(strings.TrimRight(v[lead:], " \t"))
		if !ok {
			return nil, false
		}
		slices.SortFunc(vrefs, func(a, b StateRef) int { return a.At - b.At })
		for _, r := range vrefs {
			r.At += at + colon + 1 + lead
			refs = append(refs, r)
		}
	}
	return refs, true
}

// stateParsers read the value of each option that names state variables,
// returning them with offsets into the value.
var stateParsers = map[string]func(string) ([]StateRef, bool){
	"flowbits": parseFlowbits,
	"hostbits": parseHostbits,
	"xbits":    parseXbits,
	"flowint":  parseFlowint,
	"pcre":     parsePcre,
	"flowvar":  parseVarRead("flowvar"),
	"pktvar":   parseVarRead("pktvar"),
}

// bitCommands are the commands of flowbits, hostbits and xbits, true for
// those that write the bit.
var bitCommands = map[string]bool{"isset": false, "isnotset": false, "set": true, "unset": true, "toggle": true}

// parseFlowbits reads "noalert" or "command,name", where name may be
// names joined by "|", each with spaces around it.
func parseFlowbits(v string) ([]StateRef, bool) {
	cmd, names, named := strings.Cut(v, ",")
	if cmd == "noalert" {
		return nil, !named
	}
	write, ok := bitCommands[cmd]
	if !ok || !named {
		return nil, false
	}
	at := len(cmd) + 1
	trimmed := strings.TrimLeft(names, " \t")
	at += len(names) - len(trimmed)
	if len(trimmed) > maxStateName {
		return nil, false
	}
	var refs []StateRef
	or := strings.Contains(trimmed, "|")
	for _, tok := range strings.Split(trimmed, "|") {
		name := strings.Trim(tok, " \t")
		switch {
		case or && name == "": // Suricata skips an empty name of a list
		case !validStateName(name) || len(refs) == maxOrNames:
			return nil, false
		default:
			lead := len(tok) - len(strings.TrimLeft(tok, " \t"))
			refs = append(refs, StateRef{"flowbit", name, at + lead, write})
		}
		at += len(tok) + 1
	}
	return refs, len(refs) > 0
}

// parseHostbits reads "noalert" or "command,name[,direction]", the
// direction "src" or "dst" ("both" Suricata 7 refuses) and nothing after it.
func parseHostbits(v string) ([]StateRef, bool) {
	parts := strings.Split(v, ",")
	cmd := strings.TrimRight(parts[0], " \t")
	if cmd == "noalert" {
		return nil, len(parts) == 1
	}
	write, ok := bitCommands[cmd]
	if !ok || len(parts) < 2 || len(parts) > 3 {
		return nil, false
	}
	name := strings.Trim(parts[1], " \t")
	if !validStateName(name) || len(name) > maxStateName {
		return nil, false
	}
	if len(parts) == 3 {
		if dir := strings.Trim(parts[2], " \t"); dir != "src" && dir != "dst" {
			return nil, false
		}
	}
	at := len(parts[0]) + 1 + len(parts[1]) - len(strings.TrimLeft(parts[1], " \t"))
	return []StateRef{{"hostbit", name, at, write}}, true
}

// parseXbits reads "command,name,track tracker[,expire n]"; the tracker
// picks the store: ip_pair bits are kept apart from host bits. Suricata 7
// ignores a field after the expiry, and one after the tracker that is not
// an expiry. It refuses noalert, which has no name, in any form.
func parseXbits(v string) ([]StateRef, bool) {
	parts := strings.Split(v, ",")
	write, ok := bitCommands[parts[0]]
	if !ok || len(parts) < 3 {
		return nil, false
	}
	name := strings.TrimLeft(parts[1], " \t")
	if !validStateName(name) || len(name) > maxStateName {
		return nil, false
	}
	store, ok := xbitsStore(parts[2:])
	if !ok {
		return nil, false
	}
	at := len(parts[0]) + 1 + len(parts[1]) - len(name)
	return []StateRef{{store, name, at, write}}, true
}

// xbitsStore reads xbits' fields from the tracker on and returns the store
// the tracker picks, or false unless Suricata 7 reads them: a tracker of
// ip_src, ip_dst or ip_pair, and an expiry, if any, of 1 to 2^32-1 seconds
// in at most 15 decimal digits.
func xbitsStore(fields []string) (string, bool) {
	if len(fields) == 0 {
		return "", false
	}
	track, found := strings.CutPrefix(strings.TrimLeft(fields[0], " \t"), "track")
	if !found || track == "" || track[0] != ' ' && track[0] != '\t' {
		return "", false
	}
	store := "hostbit"
	switch strings.TrimLeft(track, " \t") {
	case "ip_src", "ip_dst":
	case "ip_pair":
		store = "ippairbit"
	default:
		return "", false
	}
	if len(fields) == 1 {
		return store, true
	}
	expire, found := strings.CutPrefix(strings.TrimLeft(fields[1], " \t"), "expire")
	if !found || expire == "" || expire[0] != ' ' && expire[0] != '\t' {
		return store, true
	}
	expire = strings.TrimLeft(expire, " \t")
	n, err := strconv.ParseUint(expire, 10, 32)
	return store, err == nil && n > 0 && len(expire) <= 15
}

// flowintOps are flowint's modifiers, true for those that write.
var flowintOps = map[string]bool{
	"=": true, "+": true, "-": true,
	"==": false, "!=": false, "<": false, "<=": false, ">": false, ">=": false,
	"isset": false, "notset": false, "isnotset": false,
}

// flowintTestsSelf are the modifiers that take no target.
var flowintTestsSelf = map[string]bool{"isset": true, "notset": true, "isnotset": true}

// parseFlowint reads "name,modifier[,target]", where the target, which
// only isset, notset and isnotset go without, is a number below 2^32 or
// another flowint, which the option reads.
func parseFlowint(v string) ([]StateRef, bool) {
	parts := strings.Split(v, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, false
	}
	name := strings.Trim(parts[0], " \t")
	op := strings.Trim(parts[1], " \t")
	write, ok := flowintOps[op]
	if !ok || !flowintName(name, "./") || len(parts) == 2 && !flowintTestsSelf[op] {
		return nil, false
	}
	at := len(parts[0]) - len(strings.TrimLeft(parts[0], " \t"))
	refs := []StateRef{{"flowint", name, at, write}}
	if len(parts) == 3 {
		target := strings.Trim(parts[2], " \t")
		switch {
		case target != "" && len(target) <= 10 && strings.Trim(target, "0123456789") == "":
			if _, err := strconv.ParseUint(target, 10, 32); err != nil {
				return nil, false
			}
		case flowintName(target, ""):
			at := len(parts[0]) + len(parts[1]) + 2 + len(parts[2]) - len(strings.TrimLeft(parts[2], " \t"))
			refs = append(refs, StateRef{"flowint", target, at, false})
		default:
			return nil, false
		}
	}
	return refs, true
}

// validStateName reports whether name is a bit name this package renames:
// not empty, printable ASCII other than `, | ; " \`.
func validStateName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`,|;"\`, c) >= 0 {
			return false
		}
	}
	return true
}

// flowintName reports whether name is a flowint name as Suricata 7 reads
// it: a letter, then at least one letter, digit, "_" or byte of extra.
func flowintName(name, extra string) bool {
	if len(name) < 2 || !isLetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isLetter(c) && (c < '0' || c > '9') && c != '_' && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
