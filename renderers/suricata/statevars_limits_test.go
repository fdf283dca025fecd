package suricata

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// Suricata 7 copies a flowvar option's content, quotes included, into 64
// bytes: past them the rule fails, and with it the whole ruleset under
// suricata -T. Such a rule is dropped as malformed; one at the limit is
// kept and loads (checkPassedThrough runs suricata -T on what is kept).
func TestFlowvarContentLimit(t *testing.T) {
	content61 := strings.Repeat("a", 61) // 63 bytes quoted
	kept := []string{
		`content:"u"; flowvar:x,"` + content61 + `";`,
		`content:"u"; pktvar:x,"` + content61 + `a";`, // pktvar has no such limit
	}
	checkPassedThrough(t, kept, kept)
	dropped := mispRule(0, `content:"u"; flowvar:x,"`+content61+`a";`)
	if _, _, reason := rulecheck.Check(dropped); reason != "snort rule with an unknown keyword or a malformed option" {
		t.Errorf("%s: reason %q", dropped, reason)
	}
}

// Suricata 7 copies the store part of a pcre group's name (?P<store_name>
// into 16 bytes, whatever the store: past them the rule fails, and with it
// the whole ruleset under suricata -T. Such a rule is dropped; one at the
// limit is kept and loads.
func TestCaptureStoreLimit(t *testing.T) {
	checkPassedThrough(t, []string{
		`content:"u"; pcre:"/u(?P<abcdefghijklmno_x>a)/";`,
		`content:"u"; pcre:"/u(?P<abcdefghijklmnop_x>a)/";`,
	}, []string{`content:"u"; pcre:"/u(?P<abcdefghijklmno_x>a)/";`, ""})
}
