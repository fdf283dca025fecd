package cli

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers/suricata"
)

// TestE2ESuricataUpdateTwoFeeds runs suricata-update over the md5 rules of
// two feeds, block and incident, each a source of its own: both feeds'
// rules and lists reach the merged output, and suricata -T loads them.
func TestE2ESuricataUpdateTwoFeeds(t *testing.T) {
	bin := testtool.Require(t, "suricata-update", "suricata-update")
	suricataBin := testtool.Require(t, "suricata", "suricata")

	blockMD5, incidentMD5 := "0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"
	_, simURL := startSim(t,
		blockEvent("block: a file", attr("md5", blockMD5)),
		mispsim.Event{Info: "incident: a file", Published: true, Tags: []string{e2eTag + ":incident-classification=incident"},
			Attributes: []mispsim.Attribute{attr("filename|md5", "stage2.dll|"+incidentMD5)}},
	)
	e := startE2E(t, simURL, nil)
	su := newSuricataUpdate(t, bin, suricataBin)
	feeds := []struct{ feed, md5 string }{{"block", blockMD5}, {"incident", incidentMD5}}
	for _, f := range feeds {
		su.run("add-source", "cratos-"+f.feed+"-md5",
			e.base+"/v1/feed/"+f.feed+"/type/file-md5/age/1y/output/suricata.tar.gz", "--http-header", "token: "+e.token)
	}
	out := su.run("--no-reload")
	if !strings.Contains(out, "Testing with suricata -T.") || strings.Contains(out, "Suricata test failed") {
		t.Errorf("suricata-update did not test the rules successfully:\n%s", out)
	}

	rules := su.file("suricata.rules")
	if n := strings.Count(rules, "filemd5:"); n != len(feeds) {
		t.Errorf("%d filemd5 rules installed, want one per feed:\n%s", n, rules)
	}
	for _, f := range feeds {
		list := suricata.HashList(f.feed, indicator.MD5)
		if !strings.Contains(rules, "filemd5:"+list+";") {
			t.Errorf("no installed rule reads %s", list)
		}
		if got := su.file(list); got != f.md5+"\n" {
			t.Errorf("%s next to the rules: %q, want %q", list, got, f.md5+"\n")
		}
	}

	load, err := exec.Command(suricataBin, "-T", "-c", su.conf, "-l", t.TempDir()).CombinedOutput()
	if err != nil {
		t.Fatalf("suricata -T: %v\n%s", err, load)
	}
	if n := len(sids(rules)); !strings.Contains(string(load), fmt.Sprintf("%d rules successfully loaded, 0 rules failed", n)) {
		t.Errorf("suricata -T did not load the %d rules:\n%s", n, load)
	}
}
