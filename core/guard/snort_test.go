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

// A rule whose header names a never-block or MISP address (not negated)
// acts on the operator's own service: with drop allowed it drops it.
func TestSnortRuleOnProtectedAddress(t *testing.T) {
	p := New(site(config.Guard{SnortActions: []string{"alert", "drop"}}), config.NeverBlock{CIDRs: []string{"198.51.100.0/28"}}, "https://203.0.113.250")
	tests := []struct {
		name, rule, rule4 string
	}{
		{"destination address", `drop ip any any -> 198.51.100.5 any (sid:1;)`, RuleNeverBlock},
		{"source net over it", `drop ip 198.51.100.0/24 any -> any any (sid:1;)`, RuleNeverBlock},
		{"in a list", `drop tcp $HOME_NET any -> [45.77.16.40,198.51.100.1] 443 (sid:1;)`, RuleNeverBlock},
		{"in a nested list", `drop tcp any any <> [45.77.16.40,[203.0.113.250]] any (sid:1;)`, RuleMISPHost},
		{"negated twice", `drop ip any any -> ![45.77.16.40,!198.51.100.2] any (sid:1;)`, RuleNeverBlock},
		{"negated kept", `drop ip any any -> !198.51.100.5 any (sid:1;)`, ""},
		{"in a list written with spaces", `drop ip any any -> [45.77.16.40, 198.51.100.3] any (sid:1;)`, RuleNeverBlock},
		{"negated list with spaces kept", `drop ip any any -> ![45.77.16.40, 198.51.100.3] any (sid:1;)`, ""},
		{"port that reads as no address kept", `drop tcp any any -> any [80, 443] (sid:1;)`, ""},
		{"negated list kept", `drop ip any any -> ![198.51.100.5,203.0.113.250] any (sid:1;)`, ""},
		{"other address kept", `drop ip any any -> 45.77.16.40 any (sid:1;)`, ""},
		{"variables kept", `alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (sid:1;)`, ""},
		{"address in options kept", `alert ip any any -> any any (msg:"198.51.100.5"; sid:1;)`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := p.Check(indicator.Indicator{Type: indicator.Snort, Value: tt.rule})
			if ok != (tt.rule4 == "") || v.Rule != tt.rule4 {
				t.Errorf("Check(%q) = %+v, %v; want rule %q", tt.rule, v, ok, tt.rule4)
			}
		})
	}
}
