package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A Snort value is as many rules as some line reader finds in it: a
// "pass" rule after a CR, VT, FF, NEL or line separator is a rule of its
// own to a reader that breaks lines there (Python's splitlines, old Mac
// line ends), and keeps the value out like one after a LF.
func TestSnortRuleAfterAnyLineBreak(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{})
	const alert, pass = `alert tcp any any -> any 80 (msg:"x"; sid:1;)`, "pass ip any any -> any any (sid:2;)"
	for _, tt := range []struct {
		name, sep string
	}{
		{"LF", "\n"}, {"CR", "\r"}, {"VT", "\v"}, {"FF", "\f"}, {"NEL", "\u0085"},
		{"LS", "\u2028"}, {"PS", "\u2029"}, {"RS", "\x1e"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := p.Check(indicator.Indicator{Type: indicator.Snort, Value: alert + tt.sep + pass})
			if ok || v.Rule != RuleSnortAction {
				t.Errorf("alert%spass: %+v, %v; want %s", tt.name, v, ok, RuleSnortAction)
			}
		})
	}
	if v, ok := p.Check(indicator.Indicator{Type: indicator.Snort, Value: alert + "\r\n# pass\n\n" + alert}); !ok {
		t.Errorf("alert rules around a comment: %+v", v)
	}
}
