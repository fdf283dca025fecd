package cli

import (
	"net"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// The zones' metrics at /metrics follow the zone built from MISP: its
// serial and last rebuild, a transfer served and one refused, and the
// rebuilds failing while MISP is down, counted under misp.
func TestDNSZoneMetrics(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	misp := newMISPSwitch(t, simURL)
	port := testtool.FreeUDPAndTCPPort(t)
	e := startDNSE2E(t, misp.URL, port, `      data_types: [domain]
      refresh_seconds: 1
      allow_transfer: [127.0.0.1/32]
`)
	metric := func(series string) float64 {
		_, body := e.get(t, "GET", "/metrics")
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
		if m == nil {
			return -1
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	const zone = `{zone="rpz.cratos."}`
	testtool.WaitFor(t, "the zone to be built", time.Minute, func() bool {
		return metric("cratos_dns_zone_serial"+zone) > 0 && metric("cratos_dns_zone_last_success_timestamp_seconds"+zone) > 0
	}, e.log.String)
	if s := metric("cratos_dns_zone_serial" + zone); s < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("serial %v, want the time of the build", s)
	}

	addr := "127.0.0.1:" + strconv.Itoa(port)
	axfr := func(from string) error {
		m := new(dns.Msg)
		m.SetAxfr("rpz.cratos.")
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: time.Minute}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return err
		}
		tr := &dns.Transfer{Conn: &dns.Conn{Conn: c}, ReadTimeout: time.Minute}
		ch, err := tr.In(m, addr)
		if err != nil {
			return err
		}
		for env := range ch {
			if env.Error != nil {
				err = env.Error
			}
		}
		return err
	}
	if err := axfr("127.0.0.1"); err != nil {
		t.Fatalf("AXFR: %v", err)
	}
	if err := axfr("127.0.0.2"); err == nil {
		t.Error("AXFR from 127.0.0.2 was not refused")
	}
	testtool.WaitFor(t, "the transfers to be counted", time.Minute, func() bool {
		return metric(`cratos_dns_zone_transfers_total{type="axfr",zone="rpz.cratos."}`) == 1 &&
			metric("cratos_dns_zone_transfers_refused_total"+zone) == 1
	}, e.log.String)

	down := httptest.NewServer(nil)
	down.Close()
	misp.set(t, down.URL)
	testtool.WaitFor(t, "a failed rebuild counted under misp", time.Minute, func() bool {
		return metric(`cratos_dns_zone_build_failures_total{reason="misp",zone="rpz.cratos."}`) >= 1
	}, e.log.String)
	if n := metric(`cratos_dns_zone_build_failures_total{reason="other",zone="rpz.cratos."}`); n != 0 {
		t.Errorf("%v rebuilds failed for another reason, want 0", n)
	}
}
