package cli

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestE2ESuricataUpdateIPGroups runs suricata-update over the IPv4 rules
// of two feeds, block and incident, whose IP groups start at one address
// and hold different members: every address of both feeds reaches the
// merged rules, in both directions, and suricata -T loads them.
func TestE2ESuricataUpdateIPGroups(t *testing.T) {
	bin := testtool.Require(t, "suricata-update", "suricata-update")
	suricataBin := testtool.Require(t, "suricata", "suricata")
	_, simURL := startSim(t,
		blockEvent("block: hosts", attr("ip-dst", "198.51.100.7"), attr("ip-dst", "198.51.100.8")),
		mispsim.Event{Info: "incident: hosts", Published: true, Tags: []string{e2eTag + ":incident-classification=incident"},
			Attributes: []mispsim.Attribute{attr("ip-dst", "198.51.100.7"), attr("ip-dst", "198.51.100.9")}},
	)
	e := startE2E(t, simURL, nil)
	su := newSuricataUpdate(t, bin, suricataBin)
	for _, feed := range []string{"block", "incident"} {
		su.run("add-source", "cratos-"+feed+"-ipv4",
			e.base+"/v1/feed/"+feed+"/type/ipv4/age/1y/output/suricata.tar.gz", "--http-header", "token: "+e.token)
	}
	out := su.run("--no-reload")
	if !strings.Contains(out, "Testing with suricata -T.") || strings.Contains(out, "Suricata test failed") {
		t.Errorf("suricata-update did not test the rules successfully:\n%s", out)
	}

	rules := su.file("suricata.rules")
	for _, kind := range []string{"ip-dst", "ip-src"} {
		var lists string
		for line := range strings.Lines(rules) {
			if strings.Contains(line, `(msg:"CRATOS `+kind+` `) {
				lists += line
			}
		}
		for _, addr := range []string{"198.51.100.7", "198.51.100.8", "198.51.100.9"} {
			if !strings.Contains(lists, addr) {
				t.Errorf("no installed %s rule lists %s:\n%s", kind, addr, lists)
			}
		}
	}

	load, err := exec.Command(suricataBin, "-T", "-c", su.conf, "-l", t.TempDir()).CombinedOutput()
	if err != nil {
		t.Fatalf("suricata -T: %v\n%s", err, load)
	}
	if n := len(sids(rules)); n != 4 || !strings.Contains(string(load), fmt.Sprintf("%d rules successfully loaded, 0 rules failed", n)) {
		t.Errorf("suricata -T did not load the 4 rules (%d installed):\n%s", n, load)
	}
}
