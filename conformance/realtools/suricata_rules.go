package realtools

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// refusedLineRE finds the line of each rule suricata -T refuses.
var refusedLineRE = regexp.MustCompile(refusedMessage + ` .* at line (\d+)`)

// refusedMessage starts the message of suricata -T for a rule it refuses.
const refusedMessage = "error parsing signature"

// longRule is the length past which the message of a rule Suricata
// refuses may be cut before its line.
const longRule = 1024

// SuricataOutput runs suricata, the path of the binary, with -T on rules,
// one a line, and returns what it prints and how it ended.
func SuricataOutput(t testing.TB, suricata string, rules []string) (string, error) {
	t.Helper()
	dir, logDir := suricataDirs(t, strings.Join(rules, "\n")+"\n")
	conf := SuricataConfig(t, dir, dir, RulesFile, logDir, "notice")
	return run(t, suricata, "-T", "-c", conf, "-l", logDir)
}

// SuricataRefused runs suricata -T on rules, one a line, and returns the
// indexes of those it refuses. Any other failure fails the test.
func SuricataRefused(t testing.TB, suricata string, rules []string) []int {
	t.Helper()
	out, err := SuricataOutput(t, suricata, rules)
	var refused []int
	for _, m := range refusedLineRE.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		refused = append(refused, n-1)
	}
	if strings.Count(out, refusedMessage) > len(refused) {
		// Suricata cuts a log message at 2047 bytes, the line of a long
		// rule with it: each long rule not named is run alone.
		for i, rule := range rules {
			if len(rule) > longRule && !slices.Contains(refused, i) {
				if alone, _ := SuricataOutput(t, suricata, []string{rule}); strings.Contains(alone, refusedMessage) {
					refused = append(refused, i)
				}
			}
		}
		slices.Sort(refused)
	}
	if err != nil && len(refused) == 0 {
		t.Fatalf("suricata -T: %v\n%s", err, testtool.Clip(out))
	}
	return refused
}
