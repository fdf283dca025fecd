package rulecheck

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
)

// checkAgreesWithSuricata checks that the renderer passes each of rules,
// one a line, exactly when the real Suricata 7 loads it.
func checkAgreesWithSuricata(t *testing.T, suricata string, rules []string) {
	t.Helper()
	refused := realtools.SuricataRefused(t, suricata, rules)
	for i, line := range rules {
		_, _, reason := Check(line)
		if loads := !slices.Contains(refused, i); loads != (reason == "") {
			t.Errorf("Suricata loads it: %v, renderer's reason %q: %s", loads, reason, line)
		}
	}
}
