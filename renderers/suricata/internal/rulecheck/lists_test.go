package rulecheck

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// listRules move contents between the payload, sticky buffers and the
// lists of the Snort 2 modifiers; refused says whether Suricata 7
// refuses each.
var listRules = []struct {
	options string
	refused bool
}{
	{`file_data; content:"a"; content:"b"; http_header;`, true},
	{`file_data; content:"a"; pkt_data; content:"b"; http_header;`, false},
	{`http.uri; content:"a"; uricontent:"b";`, true},
	{`http.uri; content:"a"; pkt_data; uricontent:"b";`, false},
	{`content:"a"; http_header; file_data; content:"b";`, false},
	{`uricontent:"a"; content:"b"; http_header;`, false},
	{`content:"a"; fast_pattern:only; content:"b"; distance:0;`, true},
	{`content:"a"; fast_pattern:only; content:"b"; http_header; content:"c"; within:9; http_header;`, true},
	{`content:"a"; fast_pattern:only; content:"b"; http_header; content:"c"; http_header; within:9;`, false},
	{`content:"a"; fast_pattern:only; pcre:"/x/"; content:"b"; within:9;`, false},
	{`http.uri; content:"a"; fast_pattern:only; http.header; content:"b"; distance:0;`, false},
	{`content:"a"; distance:0; fast_pattern:only;`, true},
	{`content:"a"; fast_pattern:only; depth:5;`, true},
	{`content:!"a"; fast_pattern:only;`, true},
	{`content:"a"; content:!"b"; depth:5; fast_pattern;`, true},
	{`content:"a"; content:!"b"; fast_pattern; within:5;`, true},
	{`content:"a"; content:"b"; fast_pattern; within:5;`, false},
	{`content:"a"; http_uri; pcre:"/^x/R";`, true},
	{`content:"a"; http_uri; pcre:"/^x/UR";`, false},
	{`content:"a"; http_uri; pcre:"/^x/HR";`, true},
	{`http.uri; content:"a"; pcre:"/^x/R";`, false},
	{`http.uri; content:"a"; pkt_data; pcre:"/^x/R";`, true},
	{`pcre:"/a/"; content:"b"; http_uri; pcre:"/^x/R";`, false},
	{`content:"a"; fast_pattern:only; pcre:"/x/R";`, false},
}

// TestMatchLists checks against the real Suricata 7 that the renderer
// refuses exactly the rules of listRules that Suricata refuses.
func TestMatchLists(t *testing.T) {
	var lines []string
	for i, r := range listRules {
		lines = append(lines, fmt.Sprintf(`alert http any any -> any any (msg:"v"; %s sid:%d;)`, r.options, 1000+i))
	}
	for i, line := range lines {
		if _, _, reason := Check(line); (reason != "") != listRules[i].refused {
			t.Errorf("renderer's reason %q, want refused %v: %s", reason, listRules[i].refused, line)
		}
	}
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	refused := realtools.SuricataRefused(t, testtool.Require(t, "suricata", "suricata"), lines)
	for i, line := range lines {
		if slices.Contains(refused, i) != listRules[i].refused {
			t.Errorf("Suricata refuses it: %v: %s", !listRules[i].refused, line)
		}
	}
}
