package dnsprimary

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

var (
	bindDomainsV1 = []string{"blocked.example.test", "removed.example.test"}
	bindDomainsV2 = []string{"blocked.example.test"}
	bindIPs       = []string{"24.0.113.0.203.rpz-ip", "48.zz.1.db8.2001.rpz-ip"}
)

// TestBINDSecondary runs a real named as secondary of the server for an
// RPZ and checks its policy answers through a transfer, an incremental
// update after NOTIFY, a refused unsigned transfer, a failing source, and
// a restarted primary whose serial went back catching up.
func TestBINDSecondary(t *testing.T) {
	named := testtool.Require(t, "named", "bind9")
	dig := testtool.Require(t, "dig", "bind9-dnsutils")
	primaryPort, namedPort := primaryAndNamedPorts(t)

	src := &fakeSource{text: policyZone(bindDomainsV1, bindIPs...)}
	serverLog := &testtool.LogBuffer{}
	s, err := New(Options{
		Addr:   "127.0.0.1:" + strconv.Itoa(primaryPort),
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, serverLog), nil)),
		Zones: []Zone{{
			Name:          "rpz.cratos",
			Source:        src.Source,
			AllowTransfer: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			Notify:        []string{"127.0.0.1:" + strconv.Itoa(namedPort)},
			TSIG:          &TSIGKey{Name: "k", Secret: testSecret},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	serial1 := s.Serial("rpz.cratos")

	log := startNamedSecondary(t, named, namedPort, primaryPort)
	d := digger{realtools.Dig{T: t, Path: dig}, namedPort}

	testtool.WaitFor(t, "named to load rpz.cratos at serial "+strconv.Itoa(int(serial1)), time.Minute, func() bool {
		return d.soaSerial() == serial1
	}, log.String)

	policy := []struct{ name, qtype, why string }{
		{"blocked.example.test", "A", "QNAME trigger d"},
		{"www.blocked.example.test", "A", "QNAME trigger *.d"},
		{"removed.example.test", "A", "QNAME trigger d (removed later)"},
		{"ipv4.example.test", "A", "rpz-ip trigger 203.0.113.0/24"},
		{"ipv6.example.test", "AAAA", "rpz-ip trigger 2001:db8:1::/48"},
	}
	t.Run("policy answers after AXFR", func(t *testing.T) {
		for _, p := range policy {
			if got := d.status(p.name, p.qtype); got != "NXDOMAIN" {
				t.Errorf("%s %s (%s): status %s, want NXDOMAIN from the policy", p.name, p.qtype, p.why, got)
			}
		}
		if got := d.status("clean.example.test", "A"); got != "NOERROR" {
			t.Errorf("clean.example.test: status %s, want NOERROR", got)
		}
		if !strings.Contains(serverLog.String(), "type=AXFR style=full client=127.0.0.1:") {
			t.Error("the server did not log a full AXFR to named")
		}
	})

	t.Run("transfer without the key is refused", func(t *testing.T) {
		out := d.Run("@127.0.0.1", "-p", strconv.Itoa(primaryPort), "rpz.cratos", "AXFR")
		if !strings.Contains(out, "Transfer failed.") || strings.Contains(out, "CNAME") {
			t.Errorf("unsigned AXFR was not refused:\n%s", out)
		}
		out = d.Run("@127.0.0.1", "-p", strconv.Itoa(primaryPort), "-y", "hmac-sha256:k:"+testSecret, "rpz.cratos", "AXFR")
		if n := len(regexp.MustCompile(`\sCNAME\s+\.\n`).FindAllString(out, -1)); n != 2*len(bindDomainsV1)+len(bindIPs) {
			t.Errorf("signed AXFR returned %d policy records, want %d:\n%s", n, 2*len(bindDomainsV1)+len(bindIPs), out)
		}
	})

	var serial2 uint32
	t.Run("change reaches named by NOTIFY and IXFR", func(t *testing.T) {
		src.set(policyZone(bindDomainsV2, bindIPs...), nil)
		if err := s.Refresh(context.Background(), "rpz.cratos"); err != nil {
			t.Fatal(err)
		}
		serial2 = s.Serial("rpz.cratos")
		if !serialLess(serial1, serial2) {
			t.Fatalf("serial %d after the change is not greater than %d", serial2, serial1)
		}
		// named's refresh timer is an hour: only the NOTIFY brings it here.
		testtool.WaitFor(t, "named to reach serial "+strconv.Itoa(int(serial2)), time.Minute, func() bool {
			return d.soaSerial() == serial2
		}, log.String)
		// named 9.18 does not name the transfer type in its log; the
		// server's log does: the transfer that brought serial2 was an
		// incremental IXFR from serial1.
		testtool.WaitFor(t, "named to log the transfer of serial "+strconv.Itoa(int(serial2)), time.Minute, func() bool {
			return regexp.MustCompile(`transfer of 'rpz\.cratos/IN' from 127\.0\.0\.1#\d+: Transfer completed: .*\(serial ` + strconv.Itoa(int(serial2)) + `\)`).MatchString(log.String())
		}, log.String)
		ixfr := "type=IXFR style=incremental client=127.0.0.1:"
		if !regexp.MustCompile(regexp.QuoteMeta(ixfr) + `\d+ serial=` + strconv.Itoa(int(serial2)) + ` records=2 .* client_serial=` + strconv.Itoa(int(serial1))).MatchString(serverLog.String()) {
			t.Errorf("the server did not log an incremental IXFR %d -> %d of 2 records:\n%s", serial1, serial2, serverLog.String())
		}
		if !strings.Contains(log.String(), "notify from 127.0.0.1#"+strconv.Itoa(primaryPort)) {
			t.Errorf("named did not log a NOTIFY from the server's port %d", primaryPort)
		}
		testtool.WaitFor(t, "the removed domain to lose its policy answer", time.Minute, func() bool {
			return d.status("removed.example.test", "A") == "NOERROR"
		}, log.String)
		for _, p := range policy {
			if p.name == "removed.example.test" {
				continue
			}
			if got := d.status(p.name, p.qtype); got != "NXDOMAIN" {
				t.Errorf("%s %s: status %s, want NXDOMAIN", p.name, p.qtype, got)
			}
		}
	})

	t.Run("failing source keeps the serial and the policy", func(t *testing.T) {
		src.set("", errors.New("misp unreachable"))
		if err := s.Refresh(context.Background(), "rpz.cratos"); err == nil {
			t.Fatal("Refresh succeeded with a failing source")
		}
		if got := s.Serial("rpz.cratos"); got != serial2 {
			t.Errorf("serial moved to %d, want %d", got, serial2)
		}
		if got := d.soaSerial(); got != serial2 {
			t.Errorf("named serial %d, want %d", got, serial2)
		}
		for _, p := range policy[:2] {
			if got := d.status(p.name, p.qtype); got != "NXDOMAIN" {
				t.Errorf("%s: status %s, want NXDOMAIN", p.name, got)
			}
		}
	})
	t.Run("primary whose serial went back catches up by IXFR from named's serial", func(t *testing.T) {
		// The state is lost and the clock is behind: the restarted
		// primary serves the first content under a serial below named's.
		s.Close()
		upToDate := strings.Count(log.String(), "zone is up to date")
		behind := time.Unix(int64(serial2)-1000, 0)
		s2, err := New(Options{
			Addr:   "127.0.0.1:" + strconv.Itoa(primaryPort),
			Logger: slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, serverLog), nil)),
			Now:    func() time.Time { return behind },
			Zones: []Zone{{
				Name: "rpz.cratos", Source: (&fakeSource{text: policyZone(bindDomainsV1, bindIPs...)}).Source,
				AllowTransfer: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
				Notify:        []string{"127.0.0.1:" + strconv.Itoa(namedPort)},
				TSIG:          &TSIGKey{Name: "k", Secret: testSecret},
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s2.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s2.Close() })
		if got := s2.Serial("rpz.cratos"); got != serial2-1000 {
			t.Fatalf("restarted serial %d, want %d", got, serial2-1000)
		}
		// named ignores the NOTIFY of a lower serial, and tells nothing.
		testtool.WaitFor(t, "named to ignore the NOTIFY of serial "+strconv.Itoa(int(serial2-1000)), time.Minute, func() bool {
			return strings.Count(log.String(), "zone is up to date") > upToDate
		}, log.String)
		if got := d.soaSerial(); got != serial2 {
			t.Fatalf("named serial %d, want %d", got, serial2)
		}
		// The remedy for a secondary that asks the SOA first: an IXFR
		// with its serial, signed, from an address allowed to transfer.
		d.Run("@127.0.0.1", "-p", strconv.Itoa(primaryPort), "-y", "hmac-sha256:k:"+testSecret, "rpz.cratos", "IXFR="+strconv.Itoa(int(serial2)))
		if got := s2.Serial("rpz.cratos"); got != serial2+1 {
			t.Fatalf("serial after the IXFR from %d is %d, want %d", serial2, got, serial2+1)
		}
		testtool.WaitFor(t, "named to reach serial "+strconv.Itoa(int(serial2+1)), time.Minute, func() bool {
			return d.soaSerial() == serial2+1
		}, log.String)
		testtool.WaitFor(t, "the domain back in the zone to get its policy answer", time.Minute, func() bool {
			return d.status("removed.example.test", "A") == "NXDOMAIN"
		}, log.String)
	})
	if t.Failed() {
		t.Logf("named log:\n%s", log.String())
	}
}

// digger asks named on port.
type digger struct {
	realtools.Dig
	port int
}

// status returns the RCODE named answers for name and type.
func (d digger) status(name, qtype string) string { return d.Status(d.port, name, qtype) }

// soaSerial returns named's serial of rpz.cratos, or 0.
func (d digger) soaSerial() uint32 { return d.SOASerial(d.port, "rpz.cratos") }

// primaryAndNamedPorts returns two distinct free ports, each free for UDP
// and TCP: the server's and named's.
func primaryAndNamedPorts(t *testing.T) (primaryPort, namedPort int) {
	t.Helper()
	primaryPort = testtool.FreeUDPAndTCPPort(t)
	namedPort = testtool.FreeUDPAndTCPPort(t)
	for namedPort == primaryPort {
		namedPort = testtool.FreeUDPAndTCPPort(t)
	}
	return primaryPort, namedPort
}

// startNamedSecondary runs named on namedPort as secondary of the server
// on primaryPort, transfers signed with the key "k", and returns its log.
func startNamedSecondary(t *testing.T, named string, namedPort, primaryPort int) *testtool.LogBuffer {
	t.Helper()
	return startNamedSecondaryAlg(t, named, namedPort, primaryPort, "")
}

// startNamedSecondaryAlg is startNamedSecondary with the key's algorithm
// as named.conf spells it (empty: hmac-sha256).
func startNamedSecondaryAlg(t *testing.T, named string, namedPort, primaryPort int, alg string) *testtool.LogBuffer {
	t.Helper()
	return realtools.StartRPZSecondary(t, named, realtools.RPZSecondary{
		Port: namedPort, PrimaryPort: primaryPort, KeyName: "k", Secret: testSecret, Algorithm: alg, LocalZone: realtools.ExampleTestZone,
	})
}
