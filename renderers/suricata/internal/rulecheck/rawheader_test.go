package rulecheck

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// verdict is a rule's options and whether Suricata 7 refuses the rule.
type verdict struct {
	options string
	refused bool
}

// checkVerdicts checks that the renderer refuses exactly the rules of
// cases that Suricata 7 refuses, each in a rule of header, and, with
// suricata installed, that Suricata agrees.
func checkVerdicts(t *testing.T, header string, cases []verdict) {
	t.Helper()
	var lines []string
	for i, c := range cases {
		lines = append(lines, fmt.Sprintf(`alert %s (msg:"v"; %s sid:%d;)`, header, c.options, 1000+i))
	}
	for i, line := range lines {
		if _, _, reason := Check(line); (reason != "") != cases[i].refused {
			t.Errorf("renderer's reason %q, want refused %v: %s", reason, cases[i].refused, line)
		}
	}
	if testing.Short() {
		return
	}
	refused := realtools.SuricataRefused(t, testtool.Require(t, "suricata", "suricata"), lines)
	for i, line := range lines {
		if slices.Contains(refused, i) != cases[i].refused {
			t.Errorf("Suricata refuses it: %v: %s", !cases[i].refused, line)
		}
	}
}

// TestRawHeaderDirection checks the raw header buffer, by any of its
// names or pcre's D flag, which Suricata 7 inspects only in a rule whose
// flow names a direction.
func TestRawHeaderDirection(t *testing.T) {
	checkVerdicts(t, "tcp any any -> any any", []verdict{
		{`pcre:"/x/D";`, true},
		{`pcre:!"/x/D";`, true},
		{`flow:established; pcre:"/x/Di";`, true},
		{`content:"x"; http_uri; pcre:"/x/D";`, true},
		{`flow:to_server; pcre:"/x/D";`, false},
		{`pcre:"/x/D"; flow:established,to_client;`, false},
		{`content:"x"; http_raw_header;`, true},
		{`flow:to_server; content:"x"; http_raw_header;`, false},
		{`http.header.raw; content:"x";`, true},
		{`flow:to_client; http.header.raw; content:"x";`, false},
		{`pcre:"/x/H";`, false},
	})
}
