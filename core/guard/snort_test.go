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

// A rule carrying Suricata's bypass keyword stops the sensor inspecting
// every flow it matches, whatever its action, as a "pass" rule does; the
// word as content or in a message is no keyword.
func TestSnortBypassKeyword(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{})
	ips := New(site(config.Guard{SnortActions: []string{"alert", "drop"}}), config.NeverBlock{})
	tests := []struct {
		name string
		p    *Policy
		rule string
		kept bool
	}{
		{"alert with bypass", p, `alert http any any -> any any (msg:"x"; http.method; content:"GET"; bypass; sid:1;)`, false},
		{"drop with bypass for ips", ips, `drop tls any any -> any any (tls.sni; content:"a"; bypass; sid:1;)`, false},
		{"bypass without a space", p, `alert http any any -> any any (msg:"x";bypass;sid:1;)`, false},
		{"bypass as the last option", p, `alert http any any -> any any (sid:1; bypass)`, false},
		{"bypass on a second line", p, "alert tcp any any -> any 80 (sid:1;)\nalert http any any -> any any (bypass; sid:2;)", false},
		{"bypass as content kept", p, `alert http any any -> any any (msg:"bypass; x"; content:"bypass"; sid:1;)`, true},
		{"bypass after an escaped semicolon kept", p, `alert http any any -> any any (content:"a\; bypass"; sid:1;)`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.p.Check(indicator.Indicator{Type: indicator.Snort, Value: tt.rule})
			if ok != tt.kept || !ok && v.Rule != RuleSnortAction {
				t.Errorf("Check(%q) = %+v, %v; want kept %v", tt.rule, v, ok, tt.kept)
			}
		})
	}
}
