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

// checkFile applies the file rules and returns the lines that carry
// entries (not comments when comments is true), for the entry rules.
func checkFile(data []byte, comments bool) ([]line, []Violation) {
	var vs []Violation
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		vs = append(vs, Violation{Rule: "byte order mark at the start"})
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		vs = append(vs, Violation{Rule: "no final newline"})
	}
	var out []line
	seen := map[string]int{}
	for i, text := range Lines(data) {
		n := i + 1
		bad := func(rule string) { vs = append(vs, Violation{n, text, rule}) }
		switch {
		case !utf8.ValidString(text):
			bad("invalid UTF-8")
			continue
		case strings.HasSuffix(text, "\r"):
			bad("CRLF line end")
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
func label(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
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
