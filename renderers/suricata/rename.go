package suricata

import (
	"strings"

	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// StatePrefix begins every flowbit, hostbit, xbit, flowint, flowvar and
// pktvar name that a passed-through rule writes, wherever a passed-through rule of the list
// names it. The sensor's own rules (Emerging Threats' "ET.http.javaclient")
// test such names: a MISP rule setting or unsetting one would make them
// fire wrongly or go silent. Names the MISP rules only read stay as they
// are, so a MISP rule can still test the sensor's own state.
const StatePrefix = "cratos_"

// stateKey identifies a state variable across rules.
type stateKey struct{ store, name string }

// renameState returns rule with StatePrefix before every name it refers
// to that written holds.
func renameState(rule string, refs []rulecheck.StateRef, written map[stateKey]bool) string {
	var b strings.Builder
	last := 0
	for _, r := range refs {
		if !written[stateKey{r.Store, r.Name}] {
			continue
		}
		b.WriteString(rule[last:r.At])
		b.WriteString(StatePrefix)
		last = r.At
	}
	if last == 0 {
		return rule
	}
	b.WriteString(rule[last:])
	return b.String()
}
