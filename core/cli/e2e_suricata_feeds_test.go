package cli

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricata"
)

// suricataSource is one suricata-update source of md5 rules and the list
// it must install.
type suricataSource struct {
	name, url, header string
	list, md5         string // list file name and content's one hash
}

// checkSuricataSources runs suricata-update over sources: every source's
// rule and list reach the merged output, and suricata -T loads them. It
// returns the suricata-update for later runs.
func checkSuricataSources(t *testing.T, sources []suricataSource, extra ...string) *suricataUpdate {
	t.Helper()
	bin := testtool.Require(t, "suricata-update", "suricata-update")
	suricataBin := testtool.Require(t, "suricata", "suricata")
	su := newSuricataUpdate(t, bin, suricataBin)
	for _, s := range sources {
		args := []string{"add-source", s.name, s.url}
		if s.header != "" {
			args = append(args, "--http-header", s.header)
		}
		su.run(append(args, extra...)...)
	}
	out := su.run("--no-reload")
	if !strings.Contains(out, "Testing with suricata -T.") || strings.Contains(out, "Suricata test failed") {
		t.Errorf("suricata-update did not test the rules successfully:\n%s", out)
	}

	rules := su.file("suricata.rules")
	if n := strings.Count(rules, "filemd5:"); n != len(sources) {
		t.Errorf("%d filemd5 rules installed, want one per source:\n%s", n, rules)
	}
	for _, s := range sources {
		if !strings.Contains(rules, "filemd5:"+s.list+";") {
			t.Errorf("no installed rule reads %s", s.list)
		}
		if got := su.file(s.list); got != s.md5+"\n" {
			t.Errorf("%s next to the rules: %q, want %q", s.list, got, s.md5+"\n")
		}
	}

	load, err := exec.Command(suricataBin, "-T", "-c", su.conf, "-l", t.TempDir()).CombinedOutput()
	if err != nil {
		t.Fatalf("suricata -T: %v\n%s", err, load)
	}
	if n := len(sids(rules)); !strings.Contains(string(load), fmt.Sprintf("%d rules successfully loaded, 0 rules failed", n)) {
		t.Errorf("suricata -T did not load the %d rules:\n%s", n, load)
	}
	return su
}

// TestE2ESuricataUpdateTwoFeeds runs suricata-update over the md5 rules of
// two feeds, block and incident, each a source of its own: both feeds'
// rules and lists reach the merged output, and suricata -T loads them.
func TestE2ESuricataUpdateTwoFeeds(t *testing.T) {
	blockMD5, incidentMD5 := "0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"
	_, simURL := startSim(t,
		blockEvent("block: a file", attr("md5", blockMD5)),
		mispsim.Event{Info: "incident: a file", Published: true, Tags: []string{e2eTag + ":incident-classification=incident"},
			Attributes: []mispsim.Attribute{attr("filename|md5", "stage2.dll|"+incidentMD5)}},
	)
	e := startE2E(t, simURL, nil)
	var sources []suricataSource
	for _, f := range []struct{ feed, md5 string }{{"block", blockMD5}, {"incident", incidentMD5}} {
		sources = append(sources, suricataSource{name: "cratos-" + f.feed + "-md5",
			url:    e.base + "/v1/feed/" + f.feed + "/type/file-md5/age/1y/output/suricata.tar.gz",
			header: "token: " + e.token,
			list:   suricata.HashList(renderers.Request{Site: "127.0.0.1", Feed: f.feed, Age: "1y"}, indicator.MD5), md5: f.md5})
	}
	checkSuricataSources(t, sources)
}

// TestE2ESuricataUpdateTwoSites runs suricata-update over the block feed's
// md5 rules of two MISP sites served by one Cratos, and of one site at two
// ages: each list has a name and a rule SID of its own, so all three rules
// and lists reach the merged output, and suricata -T loads them. The
// sources' URLs carry the token, as the README has a sensor taking two
// sites do: suricata-update keeps one download per URL, whatever the
// headers. A later run asks only the checksum URLs, the token's value
// with ".md5" appended, and finds every source unchanged.
func TestE2ESuricataUpdateTwoSites(t *testing.T) {
	prodMD5, partnerMD5 := "0cc175b9c0f1b6a831c399e269772661", "92eb5ffee6ae2fec3ad71c777531578f"
	_, prodURL := startSim(t, blockEvent("block: a file", attr("md5", prodMD5)))
	partner := startSimAt(t, "127.0.0.2:0", blockEvent("block: another file", attr("md5", partnerMD5)))
	e := startE2ESites(t, []string{prodURL, partner}, nil)
	feedURL := func(age, token string) string {
		return e.base + "/v1/feed/block/type/file-md5/age/" + age + "/output/suricata.tar.gz?token=" + token
	}
	sources := []suricataSource{
		{name: "cratos-prod-md5", url: feedURL("1y", e.tokens[0]), list: "cratos-127.0.0.1-block-1y-md5.lst", md5: prodMD5},
		{name: "cratos-partner-md5", url: feedURL("1y", e.tokens[1]), list: "cratos-127.0.0.2-block-1y-md5.lst", md5: partnerMD5},
		{name: "cratos-prod-md5-30d", url: feedURL("30d", e.tokens[0]), list: "cratos-127.0.0.1-block-30d-md5.lst", md5: prodMD5},
	}
	su := checkSuricataSources(t, sources)

	before := su.file("suricata.rules")
	su.ageCache()
	mark := len(e.requests())
	out := su.run("--no-reload")
	if n := strings.Count(out, "Remote checksum has not changed"); n != len(sources) || strings.Contains(out, "Failed to check remote checksum") {
		t.Errorf("%d unchanged checksums reported, want %d:\n%s", n, len(sources), out)
	}
	var got []string
	for _, r := range e.requests()[mark:] {
		got = append(got, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
	}
	want := []string{
		"GET /v1/feed/block/type/file-md5/age/1y/output/suricata.tar.gz?token=ANONYMIZED 200",
		"GET /v1/feed/block/type/file-md5/age/1y/output/suricata.tar.gz?token=ANONYMIZED 200",
		"GET /v1/feed/block/type/file-md5/age/30d/output/suricata.tar.gz?token=ANONYMIZED 200",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("requests of the later run:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if after := su.file("suricata.rules"); after != before {
		t.Error("the installed rules changed although nothing was downloaded")
	}
}

// startSimAt starts a MISP emulator holding events on addr (another
// loopback address makes another site) until t ends, and returns its URL.
func startSimAt(t *testing.T, addr string, events ...mispsim.Event) string {
	t.Helper()
	sim := misptest.Emulator(t, events...)
	simURL, err := sim.Start(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return simURL
}
