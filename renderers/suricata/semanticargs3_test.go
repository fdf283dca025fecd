package suricata

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// extendedPcres are pcre values with the x flag, with whether Suricata 7
// loads them: PCRE skips white space and "#" comments outside character
// classes and escapes, so brackets there need no partner.
var extendedPcres = []struct {
	value string
	loads bool
}{
	{`"/u(a) #(b/x"`, true},
	{`"/u(a) # [b/x"`, true},
	{`"/u (a) b/x"`, true},
	{`"/u(a)#)/xi"`, true},
	{`"/u(a) #(b/"`, false},
	{`"/u[#](a/x"`, false},
	{`"/u[]#](a/x"`, false},
	{`"/u[[:alpha:]#](a/x"`, false},
	{`"/u\#(a/x"`, false},
	{`"/u(a #)/x"`, false},
	{`"/u[ (]a/x"`, true},
}

// TestExtendedPcreAsSuricata checks pcre values with the x flag against
// the renderer and the real Suricata 7.
func TestExtendedPcreAsSuricata(t *testing.T) {
	var lines []string
	for i, p := range extendedPcres {
		line := fmt.Sprintf(`alert tcp any any -> any any (msg:"v"; pcre:%s; sid:%d;)`, p.value, 1000+i)
		lines = append(lines, line)
		if _, _, reason := parseSingleRule(line); (reason == "") != p.loads {
			t.Errorf("%s: reason %q, want passed=%v", line, reason, p.loads)
		}
	}
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	refused := suricataRefused(t, testtool.Require(t, "suricata", "suricata"), lines)
	for i, line := range lines {
		if loads := !slices.Contains(refused, i); loads != extendedPcres[i].loads {
			t.Errorf("Suricata loads=%v: %s", loads, line)
		}
	}
}
