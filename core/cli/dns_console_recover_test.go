package cli

import (
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// The console marks a zone's failed rebuilds in red while its last
// rebuild failed only: once MISP answers again and a rebuild succeeds,
// the count stays, no longer marked.
func TestDNSZonesConsoleRecovered(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	misp := newMISPSwitch(t, simURL)
	addr := "127.0.0.1:" + strconv.Itoa(testtool.FreeUDPAndTCPPort(t))
	e := startE2E(t, misp.URL, func(token string) string {
		return "admin_tokens: [" + auth.Fingerprint(token) + "]\n" + rpzZoneConfig(addr, token, `      data_types: [domain]
      refresh_seconds: 1
`)
	})
	startDNSOf(t, e)
	zoneRows := consoleZoneRows(t, e)
	var rows string
	shows := func(re *regexp.Regexp) func() bool {
		return func() bool {
			rows = zoneRows()
			return re.MatchString(rows)
		}
	}
	said := func() string { return "rows:\n" + rows + "\nlog:\n" + e.log.String() }
	testtool.WaitFor(t, "the zone to be built", time.Minute,
		shows(regexp.MustCompile(`<td class="num">\d+</td>\n<td>\d{4}-[^<]*</td><td>none</td>`)), said)

	down := httptest.NewServer(nil)
	down.Close()
	misp.set(t, down.URL)
	testtool.WaitFor(t, "a failed rebuild in red", time.Minute, shows(regexp.MustCompile(`<td><span class="bad">misp \d+</span></td>`)), said)

	misp.set(t, simURL)
	testtool.WaitFor(t, "the failed rebuilds counted, no longer in red", time.Minute, shows(regexp.MustCompile(`<td>misp \d+</td>`)), said)
}
