package server_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/server"
)

var tbodyRE = regexp.MustCompile(`(?s)<tbody>\n(.*?)</tbody>`)

// The DNS zones page has one row per zone: what it is built from, its
// serial, its last good rebuild (LATE past three refresh intervals), its
// failed rebuilds by reason (in red while the last one failed), its
// transfers (and those cut short) and its unacknowledged NOTIFYs; without zones, one line says
// so.
func TestConsoleZones(t *testing.T) {
	h := newHarness(t, asAdmin())
	cookie := h.login(t)
	page := func() string {
		t.Helper()
		resp, body := h.get("/ui/zones", "Cookie", "cratos_console="+cookie)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != consoleCSP || strings.Contains(body, "<script") {
			t.Fatalf("/ui/zones: %d %v", resp.StatusCode, resp.Header)
		}
		return body
	}
	if body := page(); !strings.Contains(body, `<p class="empty">No DNS zone is configured`) || strings.Contains(body, "<table>") {
		t.Errorf("page without zones:\n%s", body)
	}

	started := time.Now().Add(-2 * time.Hour)
	built := time.Now().Add(-10*time.Minute - 20*time.Second)
	h.srv.SetZones(func() []server.ZoneStatus {
		return []server.ZoneStatus{
			{Zone: "rpz.cratos.", Site: h.site.Name, Feed: "block", Serial: 1767225600, Loaded: true, Refresh: 5 * time.Minute,
				Started: started, LastSuccess: built, Failures: map[string]uint64{"misp": 2, "token": 0},
				Transfers: map[string]uint64{"axfr": 1, "ixfr": 3, "ixfr_fallback_axfr": 0}, TransfersRefused: 4, TransfersFailed: 2, Notifies: 5, NotifyFailures: 1},
			{Zone: "late.cratos.", Feed: "<b>x</b>", Refresh: 5 * time.Minute, Started: started,
				LastFailed: true, Failures: map[string]uint64{"token": 24}, Transfers: map[string]uint64{"axfr": 0}},
			{Zone: "new.cratos.", Site: h.site.Name, Feed: "block", Refresh: 5 * time.Minute, Started: time.Now()},
			{Zone: "old.cratos.", ExpiredSite: "misp.old.example", Feed: "block", Refresh: 5 * time.Minute, Started: time.Now()},
		}
	})
	body := page()
	m := tbodyRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no zones table:\n%s", body)
	}
	want := `<tr>
<td class="name">rpz.cratos.</td>
<td>` + h.site.Name + `</td><td>block</td>
<td class="num">1767225600</td>
<td>` + built.UTC().Format("2006-01-02 15:04:05") + ` UTC (10 min ago)</td><td>misp 2</td>
<td>axfr 1, ixfr 3; 2 cut short</td><td class="num">4</td><td>1 of 5</td>
</tr>
<tr class="late">
<td class="name">late.cratos. <span class="badge">LATE</span></td>
<td><span class="bad">token does not verify</span></td><td>&lt;b&gt;x&lt;/b&gt;</td>
<td class="num"><span class="bad">none yet</span></td>
<td>none since the start</td><td><span class="bad">token 24</span></td>
<td>none</td><td class="num">0</td><td>0 of 0</td>
</tr>
<tr>
<td class="name">new.cratos.</td>
<td>` + h.site.Name + `</td><td>block</td>
<td class="num"><span class="bad">none yet</span></td>
<td>none since the start</td><td>none</td>
<td>none</td><td class="num">0</td><td>0 of 0</td>
</tr>
<tr>
<td class="name">old.cratos.</td>
<td><span class="bad">token of misp.old.example expired</span></td><td>block</td>
<td class="num"><span class="bad">none yet</span></td>
<td>none since the start</td><td>none</td>
<td>none</td><td class="num">0</td><td>0 of 0</td>
</tr>
`
	if m[1] != want {
		t.Errorf("rows:\n%s\nwant:\n%s", m[1], want)
	}
	if !strings.Contains(body, `<strong class="bad">1 late now</strong>`) || !strings.Contains(body, `href="/ui/zones" aria-current="page">DNS zones</a>`) {
		t.Errorf("page lacks the late count or the current nav link:\n%s", body)
	}
	if resp, body := h.get("/ui/zones"); resp.StatusCode != 200 || !strings.Contains(body, `action="/ui/login"`) || strings.Contains(body, "rpz.cratos") {
		t.Errorf("zones page without a session: %d", resp.StatusCode)
	}
}
