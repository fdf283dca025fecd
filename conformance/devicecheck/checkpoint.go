package devicecheck

import (
	"encoding/csv"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"unicode"
)

// CheckPointHeader is the column line of a feed in the Check Point CSV
// format.
const CheckPointHeader = "# UNIQ-NAME,VALUE,TYPE,CONFIDENCE,SEVERITY,PRODUCT,COMMENT"

// CheckPointLimits caps a Check Point feed; zero means no cap.
type CheckPointLimits struct {
	MaxEntries int
}

var (
	checkPointLevels   = map[string]bool{"low": true, "medium": true, "high": true}
	checkPointProducts = map[string]bool{"AV": true, "AB": true}
)

// CheckCheckPoint checks a Custom Intelligence Feed in the Check Point
// CSV format, as Check Point documents it (sk132193, the Threat
// Prevention administration guide's "Supported Indicator Files"):
//
//   - UTF-8 without BOM, records separated by LF, a final newline;
//   - lines starting with "#!" are metadata and other lines starting with
//     "#" comments; the first line that is neither metadata nor a record
//     is the column line "# UNIQ-NAME,VALUE,TYPE,CONFIDENCE,SEVERITY,
//     PRODUCT,COMMENT", and it comes before every record;
//   - every record is one CSV line (quotes allowed, no line break inside
//     a field) of exactly seven fields;
//   - UNIQ-NAME, VALUE and TYPE are mandatory, UNIQ-NAME is unique;
//     CONFIDENCE and SEVERITY are low, medium or high and PRODUCT AV or
//     AB when given; no field holds control characters;
//   - VALUE fits TYPE: IP a dotted IPv4 address, IP Range two IPv4
//     addresses "a-b" with a ≤ b, Domain a DNS name, URL a URL of
//     printable ASCII with a host (the scheme may be left out), MD5/SHA1/SHA256 hex of 32/40/64
//     digits, Mail-from/-to/-cc/-reply-to an address, Mail-subject any
//     non-empty text.
func CheckCheckPoint(data []byte, lim CheckPointLimits) []Violation {
	vs := fileEnds(data)
	header := false
	names := map[string]int{}
	records := 0
	for i, text := range Lines(data) {
		n := i + 1
		bad := func(rule string) { vs = append(vs, Violation{n, text, rule}) }
		if rule := encodingRule(text); rule != "" {
			bad(rule)
			continue
		}
		switch {
		case strings.HasPrefix(text, "#!"):
			continue
		case strings.HasPrefix(text, "#"):
			if !header {
				if text != CheckPointHeader {
					bad("first comment line is not the column line " + quote(CheckPointHeader))
				}
				header = true
			}
			continue
		case text == "":
			bad("empty line")
			continue
		}
		if !header {
			bad("record before the column line")
			header = true
		}
		records++
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord = 7
		f, err := r.Read()
		if err != nil {
			bad("not one CSV record of seven fields: " + err.Error())
			continue
		}
		if rule := checkCheckPointRecord(f); rule != "" {
			bad(rule)
			continue
		}
		if first, dup := names[f[0]]; dup {
			bad(fmt.Sprintf("UNIQ-NAME already used on line %d", first))
			continue
		}
		names[f[0]] = n
	}
	if !header {
		vs = append(vs, Violation{Rule: "no column line"})
	}
	if lim.MaxEntries > 0 && records > lim.MaxEntries {
		vs = append(vs, Violation{Rule: fmt.Sprintf("%d records, over the cap of %d", records, lim.MaxEntries)})
	}
	return vs
}

func checkCheckPointRecord(f []string) string {
	for i, s := range f {
		if strings.ContainsFunc(s, unicode.IsControl) {
			return fmt.Sprintf("control character in field %d", i+1)
		}
	}
	name, value, typ := f[0], f[1], f[2]
	switch {
	case name == "":
		return "empty UNIQ-NAME"
	case value == "":
		return "empty VALUE"
	case typ == "":
		return "empty TYPE"
	case f[3] != "" && !checkPointLevels[f[3]]:
		return "CONFIDENCE " + quote(f[3]) + " is not low, medium or high"
	case f[4] != "" && !checkPointLevels[f[4]]:
		return "SEVERITY " + quote(f[4]) + " is not low, medium or high"
	case f[5] != "" && !checkPointProducts[f[5]]:
		return "PRODUCT " + quote(f[5]) + " is not AV or AB"
	}
	switch typ {
	case "IP":
		if a, err := netip.ParseAddr(value); err != nil || !a.Is4() {
			return "IP value is not an IPv4 address"
		}
	case "IP Range":
		lo, hi, ok := strings.Cut(value, "-")
		a, err1 := netip.ParseAddr(lo)
		b, err2 := netip.ParseAddr(hi)
		switch {
		case !ok || err1 != nil || err2 != nil || !a.Is4() || !b.Is4():
			return "IP Range value is not two IPv4 addresses a-b"
		case b.Less(a):
			return "IP Range starts after its end"
		}
	case "Domain":
		return checkDNSName(value)
	case "URL":
		return checkURL(value)
	case "MD5", "SHA1", "SHA256":
		want := map[string]int{"MD5": 32, "SHA1": 40, "SHA256": 64}[typ]
		if rule := checkHash(value); rule != "" || len(value) != want {
			return fmt.Sprintf("%s value is not %d hex digits", typ, want)
		}
	case "Mail-from", "Mail-to", "Mail-cc", "Mail-reply-to":
		local, domain, ok := strings.Cut(value, "@")
		if !ok || local == "" || strings.Contains(domain, "@") || checkDNSName(domain) != "" {
			return typ + " value is not an e-mail address"
		}
	case "Mail-subject":
	default:
		return "unknown TYPE " + quote(typ)
	}
	return ""
}

// checkDNSName checks a host name of DNS labels (letters, digits, '-',
// '_'), at most 253 characters, that is not an IP address.
func checkDNSName(s string) string {
	switch {
	case len(s) > 253:
		return "name longer than 253 characters"
	case isIP(s):
		return "IP address where a name is expected"
	}
	return badLabel(s, "name")
}

// checkURL checks a URL of printable ASCII with a host (a name or an IP
// address) and, when it has one, a scheme.
func checkURL(s string) string {
	if !isASCIIPrintable(s) {
		return "URL with non-ASCII or white space (percent-encode or use A-labels)"
	}
	if SchemeEnd(s) < 0 {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "URL does not parse: " + err.Error()
	case u.Scheme == "" || u.Host == "":
		return "URL without a scheme and a host"
	case u.User != nil:
		return "URL with user info"
	}
	if h := u.Hostname(); !isIP(h) {
		return checkDNSName(h)
	}
	return ""
}
