package rulecheck

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// unknownKeywords are names analysts write that Suricata 7 does not
// know, though a dotted keyword of the same meaning exists.
var unknownKeywords = []string{"http_location", "http_request_body", "http_response_body", "http_server"}

// TestUnknownKeywordsDropped checks that a rule using a name of
// unknownKeywords is left out.
func TestUnknownKeywordsDropped(t *testing.T) {
	for _, k := range unknownKeywords {
		rule := fmt.Sprintf(`alert tcp any any -> any any (msg:"k"; flow:to_server; %s; content:"x"; sid:1;)`, k)
		if _, _, reason := Check(rule); reason == "" {
			t.Errorf("%s: passed, but Suricata 7 does not know the keyword", k)
		}
	}
}

var unknownKeywordRE = regexp.MustCompile(`unknown rule keyword '([^']+)'`)

// TestKeywordsKnownToSuricata loads one rule for every keyword, alias
// and legacy buffer name the renderer reads, and one for each of
// unknownKeywords, in one suricata -T run: Suricata must know the first
// ones (whatever else it says of a value-less rule) and not the others.
func TestKeywordsKnownToSuricata(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	names := slices.Concat(slices.Collect(maps.Keys(keywords)), slices.Collect(maps.Keys(keywordAliases)),
		slices.Collect(maps.Keys(legacyBuffers)), unknownKeywords)
	slices.Sort(names)
	names = slices.Compact(names)
	var lines []string
	for i, n := range names {
		lines = append(lines, fmt.Sprintf(`alert tcp any any -> any any (msg:"k"; %s; sid:%d;)`, n, 1000+i))
	}
	unknown := map[string]bool{}
	out, _ := realtools.SuricataOutput(t, suricata, lines) // it fails: some names are unknown
	for _, m := range unknownKeywordRE.FindAllStringSubmatch(out, -1) {
		unknown[m[1]] = true
	}
	for _, n := range names {
		read := keywords[n] || keywordAliases[n] != "" || legacyBuffers[n]
		switch {
		case read && unknown[n]:
			t.Errorf("%s: read by the renderer, but Suricata does not know it", n)
		case slices.Contains(unknownKeywords, n) && !unknown[n]:
			t.Errorf("%s: Suricata knows it", n)
		}
	}
}
