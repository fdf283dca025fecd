package rulecheck

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// aliasRules use the other names Suricata 7 reads for its keywords: the
// renderer passes the rule when it passes the rule with the keyword, and
// whether a stock Suricata 7 loads it.
var aliasRules = []struct {
	options       string
	passes, loads bool
}{
	{`dce_stub_data; content:"x";`, true, true},
	{`DCE_STUB_DATA; content:"x";`, true, true},
	{`dce_stub_data; to_lowercase; content:"x";`, true, true},
	{`dce_stub_data;`, false, false},
	{`ja3_hash; content:"e7eca2baf4458d095b7f45da28c16c34";`, true, true},
	{`ja3_string; content:"771,";`, true, true},
	{`ja4_hash; content:"t13d";`, true, true},
	{`krb5_cname; content:"x";`, true, true},
	{`krb5_sname; content:"krbtgt";`, true, true},
	{`http.uri.normalized; content:"/x";`, true, true},
	{`http.uri.normalized; content:"/x"; dsize:10;`, false, false},
	{`dnp3_data; content:"x";`, false, false}, // the shipped suricata.yaml disables dnp3
	{`dnp3.func:1;`, false, false},
	{`dce_opnum:15;`, true, true},
	{`nfs_version:3;`, true, true},
	{`dce_iface:4b324fc8-1670-01d3-1278-5a47bf6ee188;`, true, true},
	// Known, but the value of mqtt.reason_code is not checked.
	{`mqtt.connack.return_code:0;`, false, true},
}

// TestKeywordAliases checks that a rule using an alias is read as one
// using its keyword, and that real Suricata 7 agrees.
func TestKeywordAliases(t *testing.T) {
	var lines []string
	for i, r := range aliasRules {
		line := fmt.Sprintf(`alert tcp any any -> any any (msg:"v"; %s sid:%d;)`, r.options, 1000+i)
		lines = append(lines, line)
		if _, _, reason := Check(line); (reason == "") != r.passes {
			t.Errorf("%s: reason %q, want passed=%v", line, reason, r.passes)
		}
	}
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	refused := realtools.SuricataRefused(t, suricata, lines)
	for i, line := range lines {
		if loads := !slices.Contains(refused, i); loads != aliasRules[i].loads {
			t.Errorf("Suricata loads=%v: %s", loads, line)
		}
	}
}
