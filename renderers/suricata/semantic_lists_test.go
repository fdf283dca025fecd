package suricata

import (
	"fmt"
	"slices"
	"testing"

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
}

// TestMatchLists checks against the real Suricata 7 that the renderer
// refuses exactly the rules of listRules that Suricata refuses.
func TestMatchLists(t *testing.T) {
	var lines []string
	for i, r := range listRules {
		lines = append(lines, fmt.Sprintf(`alert http any any -> any any (msg:"v"; %s sid:%d;)`, r.options, 1000+i))
	}
	for i, line := range lines {
		if _, _, reason := parseSingleRule(line); (reason != "") != listRules[i].refused {
			t.Errorf("renderer's reason %q, want refused %v: %s", reason, listRules[i].refused, line)
		}
	}
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	refused := suricataRefused(t, testtool.Require(t, "suricata", "suricata"), lines)
	for i, line := range lines {
		if slices.Contains(refused, i) != listRules[i].refused {
			t.Errorf("Suricata refuses it: %v: %s", !listRules[i].refused, line)
		}
	}
}
