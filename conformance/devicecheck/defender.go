package devicecheck

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefenderColumns are the columns of a Defender for Endpoint indicator
// import file, in order.
var DefenderColumns = []string{"IndicatorType", "IndicatorValue", "ExpirationTime", "Action", "Severity", "Title", "Description", "RecommendedActions", "RbacGroups", "Category", "MitreTechniques", "GenerateAlert"}

// DefenderMaxRows is the most indicators the portal imports from one file.
const DefenderMaxRows = 500

var (
	defenderTypes      = map[string]bool{"FileSha1": true, "FileSha256": true, "FileMd5": true, "IpAddress": true, "DomainName": true, "Url": true}
	defenderActions    = map[string]bool{"Allowed": true, "Audit": true, "Warn": true, "Block": true, "BlockAndRemediate": true}
	defenderSeverities = map[string]bool{"Informational": true, "Low": true, "Medium": true, "High": true}
	defenderExpiry     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$`)
	defenderTechnique  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	defenderCategory   = regexp.MustCompile(`^[A-Z][A-Za-z]*$`)
	defenderShared     = netip.MustParsePrefix("100.64.0.0/10")
)

// CheckDefender checks a Microsoft Defender for Endpoint indicator
// import file (CSV) against the columns and limits Microsoft documents
// for the portal's import and the indicator resource:
//
//   - UTF-8 without BOM; RFC 4180 CSV; a header row of exactly the twelve
//     DefenderColumns; every row has twelve fields, none spanning lines;
//   - at most 500 rows;
//   - IndicatorType is FileSha1, FileSha256, FileMd5, IpAddress,
//     DomainName or Url, and IndicatorValue fits it: hex of 40, 64 or 32
//     digits; one public IP address (no CIDR, no private, loopback,
//     link-local, multicast or shared address); a DNS name; a URL of
//     printable ASCII with a host;
//   - Action is Allowed, Audit, Warn, Block or BlockAndRemediate, the
//     last for file hashes only; Title and Description are not empty;
//   - ExpirationTime is empty or UTC "YYYY-MM-DDTHH:MM:SS.0Z"; Severity
//     is empty, Informational, Low, Medium or High; GenerateAlert empty,
//     True or False; Category empty or one Pascal-case word;
//     MitreTechniques empty or comma-separated technique ids (T1566,
//     T1566.001);
//   - no field holds a control character or starts with = + - or @, which
//     a spreadsheet would run as a formula;
//   - no indicator (type and value) appears twice.
func CheckDefender(data []byte) []Violation {
	var vs []Violation
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		vs = append(vs, Violation{Rule: "byte order mark at the start"})
	}
	if !utf8.Valid(data) {
		return append(vs, Violation{Rule: "invalid UTF-8"})
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	seen := map[string]int{}
	rows := 0
	for n := 1; ; n++ {
		f, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(vs, Violation{n, "", "not CSV: " + err.Error()})
		}
		text := strings.Join(f, ",")
		bad := func(rule string) { vs = append(vs, Violation{n, text, rule}) }
		if n == 1 {
			if strings.Join(f, ",") != strings.Join(DefenderColumns, ",") {
				bad("header is not " + strings.Join(DefenderColumns, ","))
			}
			continue
		}
		rows++
		if len(f) != len(DefenderColumns) {
			bad(fmt.Sprintf("%d fields, want %d", len(f), len(DefenderColumns)))
			continue
		}
		if rule := checkDefenderRow(f); rule != "" {
			bad(rule)
			continue
		}
		key := f[0] + "," + f[1]
		if first, dup := seen[key]; dup {
			bad(fmt.Sprintf("indicator already on row %d", first))
			continue
		}
		seen[key] = n
	}
	if rows == 0 && len(data) == 0 {
		vs = append(vs, Violation{Rule: "no header row"})
	}
	if rows > DefenderMaxRows {
		vs = append(vs, Violation{Rule: fmt.Sprintf("%d rows, over the import limit of %d", rows, DefenderMaxRows)})
	}
	return vs
}

func checkDefenderRow(f []string) string {
	for i, s := range f {
		switch {
		case strings.ContainsFunc(s, unicode.IsControl):
			return "control character or line break in " + DefenderColumns[i]
		case s != "" && strings.ContainsRune("=+-@", rune(s[0])):
			return DefenderColumns[i] + " starts with " + quote(s[:1]) + " (a spreadsheet formula)"
		}
	}
	typ, value, expiry, action := f[0], f[1], f[2], f[3]
	switch {
	case !defenderTypes[typ]:
		return "unknown IndicatorType " + quote(typ)
	case value == "":
		return "empty IndicatorValue"
	case !defenderActions[action]:
		return "Action " + quote(action) + " is not Allowed, Audit, Warn, Block or BlockAndRemediate"
	case action == "BlockAndRemediate" && !strings.HasPrefix(typ, "File"):
		return "BlockAndRemediate on a network indicator"
	case f[5] == "":
		return "empty Title"
	case f[6] == "":
		return "empty Description"
	case f[4] != "" && !defenderSeverities[f[4]]:
		return "Severity " + quote(f[4]) + " is not Informational, Low, Medium or High"
	case f[11] != "" && f[11] != "True" && f[11] != "False":
		return "GenerateAlert " + quote(f[11]) + " is not True or False"
	case f[9] != "" && !defenderCategory.MatchString(f[9]):
		return "Category " + quote(f[9]) + " is not one Pascal-case word"
	}
	if expiry != "" {
		if _, err := time.Parse(time.RFC3339Nano, expiry); err != nil || !defenderExpiry.MatchString(expiry) {
			return "ExpirationTime " + quote(expiry) + " is not YYYY-MM-DDTHH:MM:SS.0Z"
		}
	}
	if f[10] != "" {
		for _, t := range strings.Split(f[10], ",") {
			if !defenderTechnique.MatchString(strings.TrimSpace(t)) {
				return "MitreTechniques entry " + quote(t) + " is not a technique id"
			}
		}
	}
	switch typ {
	case "FileSha1", "FileSha256", "FileMd5":
		want := map[string]int{"FileSha1": 40, "FileSha256": 64, "FileMd5": 32}[typ]
		if checkHash(value) != "" || len(value) != want {
			return fmt.Sprintf("%s value is not %d hex digits", typ, want)
		}
	case "IpAddress":
		if strings.Contains(value, "/") {
			return "CIDR in an IpAddress indicator"
		}
		a, err := netip.ParseAddr(value)
		switch {
		case err != nil || a.Zone() != "":
			return "IpAddress value is not an IP address"
		case !a.IsGlobalUnicast() || a.IsPrivate() || defenderShared.Contains(a):
			return "internal or reserved address " + quote(value)
		}
	case "DomainName":
		return checkDNSName(value)
	case "Url":
		return checkURL(value)
	}
	return ""
}
