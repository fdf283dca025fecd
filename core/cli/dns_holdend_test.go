package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestZoneHoldEndsWithItsToken: the hold of a DNS zone's list ends once a
// reload revokes the zone's token: the zone is never built again, so the
// hold would stay in /v1/holds and cratos_list_held until a restart.
func TestZoneHoldEndsWithItsToken(t *testing.T) {
	_, full := startSim(t, heldNamesEvent(200))
	_, tenth := startSim(t, heldNamesEvent(20))
	misp := newMISPSwitch(t, full)
	e := startDNSE2E(t, misp.URL, testtool.FreeUDPAndTCPPort(t), `      data_types: [domain]
      refresh_seconds: 1
`)
	// metric returns the value of the series matching the regexp series,
	// "" when there is none.
	metric := func(series string) string {
		_, body := e.get(t, "GET", "/metrics")
		if m := regexp.MustCompile(`(?m)^` + series + ` (\S+)$`).FindSubmatch(body); m != nil {
			return string(m[1])
		}
		return ""
	}
	const held = `cratos_list_held\{feed="block",output="rpz",site="[^"]+",type="domain"\}`
	testtool.WaitFor(t, "the zone to be built", time.Minute, func() bool {
		return metric(`cratos_dns_zone_serial\{zone="rpz\.cratos\."\}`) != ""
	}, e.log.String)
	misp.set(t, tenth)
	testtool.WaitFor(t, "the zone's list to be held", time.Minute, func() bool {
		return metric(held) == "1"
	}, e.log.String)

	site := e.svc.sites.All()[0]
	text, err := os.ReadFile(site.Path)
	if err != nil {
		t.Fatal(err)
	}
	testtool.WriteFile(t, filepath.Clean(site.Path), string(text)+"blacklisted_api_tokens:\n  - "+auth.Fingerprint(e.token)+"\n")
	if errs := e.svc.sites.Reload(); len(errs) > 0 {
		t.Fatalf("reload: %v", errs)
	}
	failures := `cratos_dns_zone_build_failures_total\{reason="token",zone="rpz\.cratos\."\}`
	testtool.WaitFor(t, "a rebuild refused for the revoked token", time.Minute, func() bool {
		return metric(failures) != "" && metric(failures) != "0"
	}, e.log.String)
	if metric(held) == "1" {
		t.Errorf("the zone's hold outlived its revoked token:\n%s", e.log.String())
	}
}
