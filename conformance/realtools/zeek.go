package realtools

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
)

// ZeekCheck checks text as a Zeek Intelligence Framework file. Zeek is not
// packaged in Debian, so this is a Go reader that follows Zeek's ASCII
// input reader and Intel::Item record; see CheckIntel.
func ZeekCheck(t testing.TB, text string) error {
	t.Helper()
	return CheckIntel(text)
}

// intelRequired are the columns Intel::Item needs; a file without one of
// them fails to load.
var intelRequired = []string{"indicator", "indicator_type", "meta.source"}

// CheckIntel reads text as Zeek's ASCII input reader reads a file in
// Intel::read_files and returns every problem found:
//   - a "#fields" line, TAB-separated, must come before the first row
//     (other lines starting with '#' and empty lines are skipped);
//   - it must name indicator, indicator_type and meta.source, each once;
//   - every row must have exactly one value per column (a TAB inside a
//     value shifts the columns), none empty, and no CR;
//   - indicator_type must be an Intel::Type, and the indicator (after
//     Zeek's \xHH unescaping) must be valid for it: an address for ADDR,
//     a prefix for SUBNET, a name for DOMAIN, a URL without scheme for
//     URL, hex of a hash length for FILE_HASH, 40 hex digits for
//     CERT_HASH, an address with '@' for EMAIL;
//   - meta.source must be set and meta.do_notice, when present, T or F.
func CheckIntel(text string) error {
	p := &problems{tool: "zeek intel"}
	var cols map[string]int
	ncols := 0
	lineNo := 0
	for line := range strings.Lines(text) {
		lineNo++
		if !strings.HasSuffix(line, "\n") {
			p.add(fmt.Sprintf("line %d: no final newline", lineNo))
		}
		line = strings.TrimSuffix(line, "\n")
		if strings.Contains(line, "\r") {
			p.add(fmt.Sprintf("line %d: carriage return", lineNo))
			line = strings.TrimSuffix(line, "\r")
		}
		if line == "" {
			continue
		}
		if fields, ok := strings.CutPrefix(line, "#fields\t"); ok {
			if cols != nil {
				p.add(fmt.Sprintf("line %d: second #fields header", lineNo))
				continue
			}
			cols = map[string]int{}
			names := strings.Split(fields, "\t")
			ncols = len(names)
			for i, n := range names {
				if _, dup := cols[n]; dup || n == "" {
					p.add(fmt.Sprintf("line %d: column %q empty or repeated", lineNo, n))
				}
				cols[n] = i
			}
			for _, r := range intelRequired {
				if _, ok := cols[r]; !ok {
					p.add(fmt.Sprintf("line %d: Did not find requested field %s", lineNo, r))
				}
			}
			continue
		}
		if line[0] == '#' {
			continue
		}
		if cols == nil {
			p.add(fmt.Sprintf("line %d: row before the #fields header", lineNo))
			return p.err()
		}
		vals := strings.Split(line, "\t")
		if len(vals) != ncols {
			p.add(fmt.Sprintf("line %d: %d fields, want %d: %q", lineNo, len(vals), ncols, line))
			continue
		}
		for i, v := range vals {
			if v == "" {
				p.add(fmt.Sprintf("line %d: field %d empty", lineNo, i+1))
			}
		}
		get := func(name string) (string, bool) {
			i, ok := cols[name]
			if !ok {
				return "", false
			}
			return vals[i], true
		}
		ind, _ := get("indicator")
		typ, _ := get("indicator_type")
		if msg := checkIntelValue(unescapeZeek(ind), typ); msg != "" {
			p.add(fmt.Sprintf("line %d: %s: %q", lineNo, msg, line))
		}
		if src, _ := get("meta.source"); src == "-" {
			p.add(fmt.Sprintf("line %d: meta.source unset", lineNo))
		}
		if dn, ok := get("meta.do_notice"); ok && dn != "T" && dn != "F" && dn != "-" {
			p.add(fmt.Sprintf("line %d: meta.do_notice %q is not T or F", lineNo, dn))
		}
	}
	if cols == nil {
		p.add("no #fields header")
	}
	return p.err()
}

// unescapeZeek decodes \xHH sequences as Zeek's reader does.
func unescapeZeek(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// checkIntelValue reports what keeps Zeek from matching v as an indicator
// of type typ. A URL may hold spaces: Zeek checks the unescaped request URI.
func checkIntelValue(v, typ string) string {
	if v == "-" || v == "" {
		return "indicator unset"
	}
	if strings.ContainsAny(v, "\t\r\n") || (strings.Contains(v, " ") && typ != "Intel::FILE_NAME" && typ != "Intel::SOFTWARE" && typ != "Intel::USER_NAME" && typ != "Intel::URL") {
		return "indicator with whitespace"
	}
	switch typ {
	case "Intel::ADDR":
		if _, err := netip.ParseAddr(v); err != nil {
			return "ADDR indicator is not an address"
		}
	case "Intel::SUBNET":
		if _, err := netip.ParsePrefix(v); err != nil {
			return "SUBNET indicator is not a prefix"
		}
	case "Intel::DOMAIN":
		for i := 0; i < len(v); i++ {
			c := v[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return "DOMAIN indicator is not a name"
			}
		}
	case "Intel::URL":
		// Zeek compares host + URI: a scheme (before the first '/') never
		// matches, "://" later in the path is just text.
		if devicecheck.SchemeEnd(v) >= 0 || v[0] == '/' {
			return "URL indicator with a scheme or without a host"
		}
	case "Intel::FILE_HASH":
		if !isHex(v) || (len(v) != 32 && len(v) != 40 && len(v) != 64 && len(v) != 128) {
			return "FILE_HASH indicator is not a hash"
		}
	case "Intel::CERT_HASH":
		if !isHex(v) || len(v) != 40 {
			return "CERT_HASH indicator is not a SHA-1"
		}
	case "Intel::EMAIL":
		at := strings.LastIndexByte(v, '@')
		if at <= 0 || at == len(v)-1 {
			return "EMAIL indicator is not an address"
		}
	case "Intel::FILE_NAME", "Intel::SOFTWARE", "Intel::USER_NAME", "Intel::PUBKEY_HASH":
	default:
		return "unknown indicator_type"
	}
	return ""
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}
