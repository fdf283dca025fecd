package rulecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

var refusedLineRE = regexp.MustCompile(`error parsing signature .* at line (\d+)`)

// suricataRefused runs suricata -T on rules, one a line, and returns the
// indexes of those it refuses. Any other failure fails the test.
func suricataRefused(t *testing.T, suricata string, rules []string) []int {
	t.Helper()
	out, err := suricataOutput(t, suricata, rules)
	var refused []int
	for _, m := range refusedLineRE.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		refused = append(refused, n-1)
	}
	if err != nil && len(refused) == 0 {
		t.Fatalf("suricata -T: %v\n%s", err, testtool.Clip(out))
	}
	return refused
}

// checkAgreesWithSuricata checks that the renderer passes each of rules,
// one a line, exactly when the real Suricata 7 loads it.
func checkAgreesWithSuricata(t *testing.T, suricata string, rules []string) {
	t.Helper()
	refused := suricataRefused(t, suricata, rules)
	for i, line := range rules {
		_, _, reason := Check(line)
		if loads := !slices.Contains(refused, i); loads != (reason == "") {
			t.Errorf("Suricata loads it: %v, renderer's reason %q: %s", loads, reason, line)
		}
	}
}

// suricataOutput runs suricata -T on rules, one a line, and returns what
// it prints and how it ended.
func suricataOutput(t *testing.T, suricata string, rules []string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	logDir := filepath.Join(dir, "log")
	if err := os.Mkdir(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, realtools.RulesFile), []byte(strings.Join(rules, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := realtools.SuricataConfig(t, dir, dir, realtools.RulesFile, logDir, "notice")
	b, err := exec.Command(suricata, "-T", "-c", conf, "-l", logDir).CombinedOutput()
	return string(b), err
}
