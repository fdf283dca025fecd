package devicecheck

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// ecsKind is the Elasticsearch field type ECS gives a field.
type ecsKind uint8

const (
	ecsKeyword  ecsKind = iota + 1 // a string (or, for list fields, an array of strings) of at most 1024 characters
	ecsWildcard                    // a string of any length
	ecsDate                        // an ISO 8601 date string
	ecsIP                          // one IPv4 or IPv6 address
	ecsLong                        // an integer
)

// ecsFields are the ECS fields CheckElastic knows, with their types.
var ecsFields = map[string]ecsKind{
	"@timestamp":                        ecsDate,
	"ecs.version":                       ecsKeyword,
	"event.kind":                        ecsKeyword,
	"event.category":                    ecsKeyword,
	"event.type":                        ecsKeyword,
	"event.dataset":                     ecsKeyword,
	"threat.feed.name":                  ecsKeyword,
	"threat.feed.description":           ecsKeyword,
	"threat.feed.reference":             ecsKeyword,
	"threat.indicator.type":             ecsKeyword,
	"threat.indicator.ip":               ecsIP,
	"threat.indicator.port":             ecsLong,
	"threat.indicator.url.full":         ecsWildcard,
	"threat.indicator.url.original":     ecsWildcard,
	"threat.indicator.url.domain":       ecsKeyword,
	"threat.indicator.url.scheme":       ecsKeyword,
	"threat.indicator.url.port":         ecsLong,
	"threat.indicator.url.path":         ecsWildcard,
	"threat.indicator.file.hash.md5":    ecsKeyword,
	"threat.indicator.file.hash.sha1":   ecsKeyword,
	"threat.indicator.file.hash.sha256": ecsKeyword,
	"threat.indicator.file.hash.sha512": ecsKeyword,
	"threat.indicator.file.pe.imphash":  ecsKeyword,
	"threat.indicator.file.name":        ecsKeyword,
	"threat.indicator.email.address":    ecsKeyword,
	"threat.indicator.first_seen":       ecsDate,
	"threat.indicator.last_seen":        ecsDate,
	"threat.indicator.modified_at":      ecsDate,
	"threat.indicator.sightings":        ecsLong,
	"threat.indicator.provider":         ecsKeyword,
	"threat.indicator.description":      ecsKeyword,
	"threat.indicator.reference":        ecsKeyword,
	"threat.indicator.confidence":       ecsKeyword,
	"threat.indicator.marking.tlp":      ecsKeyword,
	"threat.indicator.scanner_stats":    ecsLong,
	"tags":                              ecsKeyword,
}

// ecsLists are the keyword fields ECS marks as arrays of values.
var ecsLists = map[string]bool{"event.category": true, "event.type": true, "tags": true}

var (
	ecsIndicatorTypes = map[string]bool{"autonomous-system": true, "artifact": true, "directory": true, "domain-name": true, "email-addr": true, "file": true,
		"ipv4-addr": true, "ipv6-addr": true, "mac-addr": true, "mutex": true, "port": true, "process": true, "software": true, "url": true,
		"user-account": true, "windows-registry-key": true, "x509-certificate": true}
	ecsTLP        = map[string]bool{"WHITE": true, "CLEAR": true, "GREEN": true, "AMBER": true, "AMBER+STRICT": true, "RED": true}
	ecsConfidence = map[string]bool{"Not Specified": true, "None": true, "Low": true, "Medium": true, "High": true}
	ecsHashLen    = map[string]int{"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
)

// CheckElastic checks NDJSON threat intelligence documents against the
// Elastic Common Schema field definitions of the threat.indicator.*
// fields (and the event categorisation an indicator document carries):
//
//   - one JSON object per line, UTF-8, LF line ends, a final newline;
//   - only fields this checker knows (ecsFields), each of its ECS type:
//     keyword fields are strings of at most 1024 characters (arrays of
//     strings for event.category, event.type and tags), wildcard fields
//     strings, dates ISO 8601 strings with a time zone, ip fields one IPv4
//     or IPv6 address (no CIDR), long fields integers;
//   - @timestamp is present; event.kind is "enrichment", event.category
//     holds "threat" and event.type "indicator";
//   - threat.indicator.type is one of ECS's expected values, and the field
//     that type needs is there and fits it: ipv4-addr and ipv6-addr an ip
//     of that family, domain-name url.domain, url url.full or
//     url.original, file a file.hash.* of the right length in hex or
//     file.pe.imphash, email-addr an email.address holding '@';
//   - threat.indicator.marking.tlp and .confidence, when present, are
//     ECS's expected values; url.port is 1-65535.
func CheckElastic(data []byte) []Violation {
	var vs []Violation
	if len(data) > 0 && data[len(data)-1] != '\n' {
		vs = append(vs, Violation{Rule: "no final newline"})
	}
	for i, text := range Lines(data) {
		n := i + 1
		for _, rule := range checkElasticDoc(text) {
			short := text
			if len(short) > 200 {
				short = short[:200] + "…"
			}
			vs = append(vs, Violation{n, short, rule})
		}
	}
	return vs
}

func checkElasticDoc(text string) []string {
	switch {
	case !utf8.ValidString(text):
		return []string{"invalid UTF-8"}
	case strings.HasSuffix(text, "\r"):
		return []string{"CRLF line end"}
	case text == "":
		return []string{"empty line"}
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	if dec.More() {
		return []string{"more than one JSON value on the line"}
	}
	flat := map[string]any{}
	var rules []string
	flatten("", doc, flat, &rules)
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if r := checkECSField(k, flat[k]); r != "" {
			rules = append(rules, r)
		}
	}
	str := func(k string) string { s, _ := flat[k].(string); return s }
	if _, ok := flat["@timestamp"]; !ok {
		rules = append(rules, "no @timestamp")
	}
	if str("event.kind") != "enrichment" {
		rules = append(rules, "event.kind is not enrichment")
	}
	if !holds(flat["event.category"], "threat") {
		rules = append(rules, "event.category does not hold threat")
	}
	if !holds(flat["event.type"], "indicator") {
		rules = append(rules, "event.type does not hold indicator")
	}
	if r := checkIndicatorType(str("threat.indicator.type"), flat, str); r != "" {
		rules = append(rules, r)
	}
	return rules
}

// flatten turns nested objects into dotted keys.
func flatten(prefix string, v map[string]any, out map[string]any, rules *[]string) {
	for k, x := range v {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if m, ok := x.(map[string]any); ok {
			flatten(key, m, out, rules)
			continue
		}
		if _, dup := out[key]; dup {
			*rules = append(*rules, "field "+key+" given twice (nested and dotted)")
		}
		out[key] = x
	}
}

func holds(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return x == want
	case []any:
		for _, e := range x {
			if e == want {
				return true
			}
		}
	}
	return false
}

func checkECSField(k string, v any) string {
	kind, ok := ecsFields[k]
	if !ok {
		return "field " + k + " is not an ECS field of an indicator document"
	}
	if a, isList := v.([]any); isList && ecsLists[k] {
		for _, e := range a {
			if r := checkECSValue(k, kind, e); r != "" {
				return r
			}
		}
		return ""
	}
	return checkECSValue(k, kind, v)
}

func checkECSValue(k string, kind ecsKind, v any) string {
	if kind == ecsLong {
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			return k + " is not an integer"
		}
		if k == "threat.indicator.url.port" || k == "threat.indicator.port" {
			if p, _ := n.Int64(); p < 1 || p > 65535 {
				return k + " is not a port 1-65535"
			}
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		return k + " is not a string"
	}
	switch kind {
	case ecsKeyword:
		if utf8.RuneCountInString(s) > 1024 {
			return k + " is a keyword longer than 1024 characters"
		}
	case ecsDate:
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return k + " is not an ISO 8601 date with a time zone"
		}
	case ecsIP:
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return k + " is not one IP address"
		}
	}
	switch k {
	case "threat.indicator.marking.tlp":
		if !ecsTLP[s] {
			return "marking.tlp " + quote(s) + " is not an ECS TLP value"
		}
	case "threat.indicator.confidence":
		if !ecsConfidence[s] {
			return "confidence " + quote(s) + " is not an ECS confidence value"
		}
	}
	return ""
}

func checkIndicatorType(typ string, flat map[string]any, str func(string) string) string {
	if !ecsIndicatorTypes[typ] {
		return "threat.indicator.type " + quote(typ) + " is not an ECS indicator type"
	}
	switch typ {
	case "ipv4-addr", "ipv6-addr":
		ip := str("threat.indicator.ip")
		if a, err := netip.ParseAddr(ip); ip == "" || err == nil && a.Is4() != (typ == "ipv4-addr") {
			return typ + " without an address of that family in threat.indicator.ip"
		}
	case "domain-name":
		if r := checkDNSName(str("threat.indicator.url.domain")); r != "" {
			return "domain-name: threat.indicator.url.domain: " + r
		}
	case "url":
		if str("threat.indicator.url.full") == "" && str("threat.indicator.url.original") == "" {
			return "url without threat.indicator.url.full or .original"
		}
	case "file":
		found := false
		for alg, n := range ecsHashLen {
			if h := str("threat.indicator.file.hash." + alg); h != "" {
				if len(h) != n || !isHex(h) {
					return "file.hash." + alg + " is not " + fmt.Sprint(n) + " hex digits"
				}
				found = true
			}
		}
		if h := str("threat.indicator.file.pe.imphash"); h != "" {
			if len(h) != 32 || !isHex(h) {
				return "file.pe.imphash is not 32 hex digits"
			}
			found = true
		}
		if !found && str("threat.indicator.file.name") == "" {
			return "file without a hash, imphash or name"
		}
	case "email-addr":
		if a := str("threat.indicator.email.address"); !strings.Contains(a, "@") {
			return "email-addr without an address in threat.indicator.email.address"
		}
	}
	return ""
}

func isHex(s string) bool {
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}
