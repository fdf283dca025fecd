package rulecheck

import "testing"

// filterRules are rules with threshold and detection_filter values, with
// whether Suricata 7 loads them.
var filterRules = []keywordRule{
	{"tcp", `detection_filter:track by_src, count 5, seconds 60;`, true},
	{"tcp", `detection_filter:count 5,seconds 60,track by_dst;`, true},
	{"tcp", `detection_filter:track by_rule, count 5, seconds 60;`, false},
	{"tcp", `detection_filter:track by_both, count 5, seconds 60;`, false},
	{"tcp", `detection_filter:track by_src, count 0, seconds 60;`, false},
	{"tcp", `detection_filter:track by_src, count 5, seconds 0;`, false},
	{"tcp", `detection_filter:track by_src, count 00, seconds 60;`, false},
	{"tcp", `detection_filter:track by_src, count 1, seconds 1;`, true},
	{"tcp", `threshold:type limit, track by_rule, count 1, seconds 60;`, true},
	{"tcp", `threshold:type both, track by_both, count 0, seconds 60;`, true},
	{"tcp", `threshold:type threshold, track by_src, count 5, seconds 0;`, true},
}

// TestFiltersAsSuricata checks threshold and detection_filter values
// against the renderer and the real Suricata 7.
func TestFiltersAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, filterRules)
}
