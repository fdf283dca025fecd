package cli

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

var (
	zoneRowsRE = regexp.MustCompile(`(?s)<tbody>\n(.*?)</tbody>`)
	// consoleTimeRE is a time as the console shows it.
	consoleTimeRE = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \([^)]*\)`)
)

// The console's DNS zones page follows the DNS primary: the zone built
// from MISP with its serial, last rebuild and a transfer served and one
// refused, and a zone whose token names no site file, never served, its
// rebuild failed under site.
func TestDNSZonesInConsole(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	gone, err := auth.NewCodec(e2eEncryptionKey, e2eSalt).Mint(auth.Claims{Proto: "https", Port: 443, Host: "gone.example.test",
		Key: "0123456789012345678901234567890123456789", Expires: "2099-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	port := testtool.FreeUDPAndTCPPort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	e := startE2E(t, simURL, func(token string) string {
		return "admin_tokens: [" + auth.Fingerprint(token) + "]\n" + rpzZoneConfig(addr, token, `      data_types: [domain]
      refresh_seconds: 3600
      allow_transfer: [127.0.0.1/32]
    - name: gone.cratos
      token: "`+gone+`"
      feed: block
      refresh_seconds: 3600
`)
	})
	startDNSOf(t, e)
	zoneRows := consoleZoneRows(t, e)
	rows := func() string { return consoleTimeRE.ReplaceAllString(zoneRows(), "TIME") }

	built := regexp.MustCompile(`rpz\.cratos\.</td>\n<td>127\.0\.0\.1</td><td>block</td>\n<td class="num">\d+</td>`)
	testtool.WaitFor(t, "the zones page to show rpz.cratos built", time.Minute, func() bool { return built.MatchString(rows()) }, e.log.String)
	serial := zoneAXFR(t, addr, "127.0.0.1")
	if zoneAXFR(t, addr, "127.0.0.2") != 0 {
		t.Error("AXFR from 127.0.0.2 was not refused")
	}
	want := `<tr>
<td class="name">rpz.cratos.</td>
<td>127.0.0.1</td><td>block</td>
<td class="num">` + strconv.FormatUint(uint64(serial), 10) + `</td>
<td>TIME</td><td>none</td>
<td>axfr 1</td><td class="num">1</td><td>0 of 0</td>
</tr>
<tr>
<td class="name">gone.cratos.</td>
<td>gone.example.test</td><td>block</td>
<td class="num"><span class="bad">none yet</span></td>
<td>none since the start</td><td><span class="bad">site 1</span></td>
<td>none</td><td class="num">0</td><td>0 of 0</td>
</tr>
`
	var got string
	testtool.WaitFor(t, "the zones page to count the transfers and the failed rebuild", time.Minute, func() bool {
		got = rows()
		return got == want
	}, func() string { return "rows:\n" + got + "\nwant:\n" + want + "\nlog:\n" + e.log.String() })
}

// zoneAXFR transfers rpz.cratos from addr, sent from the address from, and
// returns the serial of its SOA, or 0 when the transfer is refused.
func zoneAXFR(t *testing.T, addr, from string) uint32 {
	t.Helper()
	m := new(dns.Msg)
	m.SetAxfr("rpz.cratos.")
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: time.Minute}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s from %s: %v", addr, from, err)
	}
	tr := &dns.Transfer{Conn: &dns.Conn{Conn: c}, ReadTimeout: time.Minute}
	ch, err := tr.In(m, addr)
	if err != nil {
		t.Fatalf("AXFR from %s: %v", from, err)
	}
	var serial uint32
	for env := range ch {
		if env.Error != nil {
			return 0
		}
		for _, rr := range env.RR {
			if soa, ok := rr.(*dns.SOA); ok {
				serial = soa.Serial
			}
		}
	}
	return serial
}

// consoleZoneRows logs in to e's console with the admin token e.token and
// returns a function reading the rows of its DNS zones page.
func consoleZoneRows(t *testing.T, e *e2eService) func() string {
	t.Helper()
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(e.base + "/ui/zones?token=" + url.QueryEscape(e.token))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Fatalf("console login: %d", resp.StatusCode)
	}
	cookie := resp.Cookies()[0].Value
	return func() string {
		t.Helper()
		resp, body := e.get(t, "GET", "/ui/zones", "Cookie", "cratos_console="+cookie)
		m := zoneRowsRE.FindSubmatch(body)
		if resp.StatusCode != 200 || m == nil {
			t.Fatalf("/ui/zones: %d\n%s", resp.StatusCode, body)
		}
		return string(m[1])
	}
}
