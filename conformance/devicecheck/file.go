package devicecheck

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Violation is one broken rule.
type Violation struct {
	Line  int    // 1-based line number; 0 for a whole-file rule
	Entry string // the offending line, "" for a whole-file rule
	Rule  string // what is wrong
}

func (v Violation) String() string {
	if v.Line == 0 {
		return v.Rule
	}
	return fmt.Sprintf("line %d %q: %s", v.Line, v.Entry, v.Rule)
}

// Error joins violations into one error, or returns nil when there are
// none; at most limit are listed (0: all).
func Error(vs []Violation, limit int) error {
	if len(vs) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "devicecheck: %d violation(s)", len(vs))
	for i, v := range vs {
		if limit > 0 && i == limit {
			fmt.Fprintf(&b, "\n  … %d more", len(vs)-limit)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return fmt.Errorf("%s", b.String())
}

// Lines returns the lines of data without their LF, dropping the empty
// string after a final newline.
func Lines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(data), "\n")
	return strings.Split(s, "\n")
}

// line is one line handed to a per-entry rule.
type line struct {
	n    int
	text string
}

// fileEnds returns the violations at the ends of data: a byte order mark
// at the start, no newline at the end.
func fileEnds(data []byte) []Violation {
	var vs []Violation
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		vs = append(vs, Violation{Rule: "byte order mark at the start"})
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		vs = append(vs, Violation{Rule: "no final newline"})
	}
	return vs
}

// encodingRule returns the rule a line breaks by its bytes, invalid
// UTF-8 or a CR before its LF, or "".
func encodingRule(text string) string {
	switch {
	case !utf8.ValidString(text):
		return "invalid UTF-8"
	case strings.HasSuffix(text, "\r"):
		return "CRLF line end"
	}
	return ""
}

// checkFile applies the file rules and returns the lines that carry
// entries (not comments when comments is true), for the entry rules.
func checkFile(data []byte, comments bool) ([]line, []Violation) {
	vs := fileEnds(data)
	var out []line
	seen := map[string]int{}
	for i, text := range Lines(data) {
		n := i + 1
		bad := func(rule string) { vs = append(vs, Violation{n, text, rule}) }
		if rule := encodingRule(text); rule != "" {
			bad(rule)
			if !utf8.ValidString(text) {
				continue
			}
			text = strings.TrimSuffix(text, "\r")
		}
		if text == "" {
			bad("empty line")
			continue
		}
		if strings.TrimSpace(text) != text {
			bad("leading or trailing white space")
			continue
		}
		if comments && text[0] == '#' {
			continue
		}
		if first, dup := seen[text]; dup {
			bad(fmt.Sprintf("duplicate of line %d", first))
			continue
		}
		seen[text] = n
		out = append(out, line{n, text})
	}
	return out, vs
}

// checkIPEntry checks an address, a CIDR or an a-b range.
func checkIPEntry(e string) string {
	if a, b, ok := strings.Cut(e, "-"); ok {
		lo, err1 := parseAddr(a)
		hi, err2 := parseAddr(b)
		switch {
		case err1 != "":
			return "range start: " + err1
		case err2 != "":
			return "range end: " + err2
		case lo.Is4() != hi.Is4():
			return "range mixes IPv4 and IPv6"
		case hi.Less(lo):
			return "range start after its end"
		}
		return ""
	}
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		switch {
		case err != nil:
			return "not a CIDR prefix"
		case p.Addr().Zone() != "":
			return "zone in an address"
		case p.Masked() != p:
			return "host bits set in a CIDR prefix (want " + p.Masked().String() + ")"
		}
		return ""
	}
	_, err := parseAddr(e)
	return err
}

func parseAddr(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return a, "not an IP address"
	case a.Zone() != "":
		return a, "zone in an address"
	}
	return a, ""
}

// label reports whether s is a DNS label of letters, digits, '-' and '_'
// (1-63 octets, no '-' at either end).
// badLabel returns the rule the first label of name that is not a DNS
// label breaks ("invalid <what> label ..."), or "".
func badLabel(name, what string) string {
	for _, l := range strings.Split(name, ".") {
		if !label(l) {
			return "invalid " + what + " label " + quote(l)
		}
	}
	return ""
}

// checkEntries applies the file rules and entry to every line of data,
// and the cap of max entries (0: none).
func checkEntries(data []byte, max int, entry func(e string) string) []Violation {
	lines, vs := checkFile(data, false)
	for _, l := range lines {
		if rule := entry(l.text); rule != "" {
			vs = append(vs, Violation{l.n, l.text, rule})
		}
	}
	return append(vs, entryCap(len(lines), max)...)
}

// entryCap is the violation of a cap of max entries (0: none) by n.
func entryCap(n, max int) []Violation {
	if max > 0 && n > max {
		return []Violation{{Rule: fmt.Sprintf("%d entries, over the cap of %d", n, max)}}
	}
	return nil
}

// labelChars are the characters of a DNS label, with the underscore of
// service labels.
const labelChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

// label reports whether s is a DNS label: 1-63 of labelChars, no hyphen
// at either end.
func label(s string) bool {
	return len(s) > 0 && len(s) <= 63 && s[0] != '-' && s[len(s)-1] != '-' && strings.Trim(s, labelChars) == ""
}

func isASCIIPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return err == nil
}
