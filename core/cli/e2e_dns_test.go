package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// The zone transfer key of the test (base64 of 32 octets).
const (
	e2eTSIGName   = "cratos-xfr"
	e2eTSIGSecret = "ZTJlLXRzaWctc2VjcmV0LWZvci10ZXN0cy1vbmx5ISE="
)

// dnsEvents is the MISP content: the block feed's names and addresses,
// and an incident event the zone must not carry. With removed set, the
// attribute of removed.example.test is soft-deleted, as MISP keeps it.
func dnsEvents(removed bool) []mispsim.Event {
	gone := attr("domain", "removed.example.test")
	gone.Deleted = removed
	return []mispsim.Event{
		blockEvent("block: names and networks",
			attr("domain", "Blocked.Example.Test"),
			gone,
			attr("hostname", "host.example.test"),
			attr("ip-dst", "198.51.100.7"),
			attr("ip-dst", "203.0.113.0/24"),
			attr("ip-dst", "2001:db8:1::/48"),
		),
		{Info: "incident", Published: true, Tags: []string{e2eTag + ":incident-classification=incident"},
			Attributes: []mispsim.Attribute{attr("domain", "incident.example.test")}},
	}
}

// TestE2EDNSZoneTransfer runs MISP (emulated) → Cratos' DNS primary → a
// real named secondary with response-policy: the policy answers after
// AXFR, a removal in MISP reaching named by NOTIFY and IXFR, a refused
// unsigned transfer, and a MISP outage that leaves zone and policy alone.
func TestE2EDNSZoneTransfer(t *testing.T) {
	named := testtool.Require(t, "named", "bind9")
	dig := testtool.Require(t, "dig", "bind9-dnsutils")

	_, v1 := startSim(t, dnsEvents(false)...)
	simV2, v2 := startSim(t, dnsEvents(true)...)
	misp := newMISPSwitch(t, v1)

	primaryPort := testtool.FreeUDPAndTCPPort(t)
	namedPort := testtool.FreeUDPAndTCPPort(t)
	for namedPort == primaryPort {
		namedPort = testtool.FreeUDPAndTCPPort(t)
	}
	// The dns: section as the README documents it; the zone's lists are
	// cached for half of refresh_seconds.
	e := startDNSE2E(t, misp.URL, primaryPort, fmt.Sprintf(`      data_types: [domain, hostname, ipv4, cidr4, ipv6]
      age: 1y
      refresh_seconds: 1
      allow_transfer: [127.0.0.1/32]
      notify: ["127.0.0.1:%d"]
      tsig:
        name: %s
        algorithm: hmac-sha256
        secret: %q
`, namedPort, e2eTSIGName, e2eTSIGSecret))
	if n := strings.Count(e.log.String(), "dns primary listening"); n != 1 {
		t.Errorf("\"dns primary listening\" logged %d times, want once", n)
	}

	d := e2eDig{realtools.Dig{T: t, Path: dig}, primaryPort, namedPort}
	// The first build runs after the start, in the background.
	var serial1 uint32
	testtool.WaitFor(t, "the primary to serve rpz.cratos", 60*time.Second,
		func() bool { serial1 = d.soa(primaryPort); return serial1 != 0 }, e.log.String)
	namedLog := realtools.StartRPZSecondary(t, named, realtools.RPZSecondary{
		Port: namedPort, PrimaryPort: primaryPort, KeyName: e2eTSIGName, Secret: e2eTSIGSecret, LocalZone: realtools.ExampleTestZone,
	})
	dump := func() string { return "named log:\n" + namedLog.String() + "\nservice log:\n" + e.log.String() }
	testtool.WaitFor(t, "named to transfer rpz.cratos at serial "+strconv.Itoa(int(serial1)), time.Minute,
		func() bool { return d.soa(namedPort) == serial1 }, dump)

	type query struct{ name, qtype, want string }
	blocked := []query{
		{"blocked.example.test", "A", "NXDOMAIN"},     // domain (upper case in MISP)
		{"www.blocked.example.test", "A", "NXDOMAIN"}, // its subdomains
		{"host.example.test", "A", "NXDOMAIN"},        // hostname
		{"addr4.example.test", "A", "NXDOMAIN"},       // answer inside the IPv4 address trigger
		{"ipv4.example.test", "A", "NXDOMAIN"},        // answer inside 203.0.113.0/24
		{"ipv6.example.test", "AAAA", "NXDOMAIN"},     // answer inside 2001:db8:1::/48
	}
	check := func(t *testing.T, qs []query) {
		t.Helper()
		for _, q := range qs {
			if got := d.status(q.name, q.qtype); got != q.want {
				t.Errorf("%s %s: %s, want %s", q.name, q.qtype, got, q.want)
			}
		}
	}

	// named applies a transferred policy zone in the background after it
	// serves the zone's serial: wait for its first answer.
	testtool.WaitFor(t, "named to apply the policy of serial "+strconv.Itoa(int(serial1)), time.Minute,
		func() bool { return d.status("blocked.example.test", "A") == "NXDOMAIN" }, dump)

	t.Run("policy answers after AXFR", func(t *testing.T) {
		check(t, blocked)
		check(t, []query{
			{"removed.example.test", "A", "NXDOMAIN"},
			{"clean.example.test", "A", "NOERROR"},
			{"incident.example.test", "A", "NOERROR"}, // another feed
		})
		if n := countTransfers(e, "AXFR", "full", serial1, -1); n != 1 {
			t.Errorf("%d full AXFRs of serial %d logged, want 1", n, serial1)
		}
	})

	t.Run("transfer without the key is refused", func(t *testing.T) {
		out := d.Run("@127.0.0.1", "-p", strconv.Itoa(primaryPort), "rpz.cratos", "AXFR")
		if !strings.Contains(out, "Transfer failed.") || strings.Contains(out, "CNAME") {
			t.Errorf("unsigned AXFR was not refused:\n%s", out)
		}
		refused := e.log.Records("zone transfer refused")
		if len(refused) == 0 || refused[len(refused)-1]["type"] != "AXFR" {
			t.Errorf("no refused AXFR logged: %v", refused)
		}
		out = d.Run("@127.0.0.1", "-p", strconv.Itoa(primaryPort), "-y", "hmac-sha256:"+e2eTSIGName+":"+e2eTSIGSecret, "rpz.cratos", "AXFR")
		// 3 domains and subdomains (blocked, removed) + 1 hostname +
		// 3 rpz-ip triggers.
		if n := len(regexp.MustCompile(`\sCNAME\s+\.\n`).FindAllString(out, -1)); n != 2*2+1+3 {
			t.Errorf("signed AXFR returned %d policy records, want 8:\n%s", n, out)
		}
	})

	var serial2 uint32
	t.Run("removal in MISP reaches named by NOTIFY and IXFR", func(t *testing.T) {
		misp.set(t, v2)
		// The zone's cache entries expire before the next rebuild, which
		// reads MISP again and finds the deletion.
		testtool.WaitFor(t, "the primary to serve a new serial", time.Minute,
			func() bool { s := d.soa(primaryPort); return s != 0 && s != serial1 }, dump)
		serial2 = d.soa(primaryPort)
		if !serialAfter(serial2, serial1) {
			t.Fatalf("serial %d after the change is not after %d", serial2, serial1)
		}
		// One change: one journal entry, from serial1 straight to serial2,
		// removing the two records of the domain.
		var updates []string
		for _, r := range e.log.Records("zone updated") {
			if num(r["previous"]) >= 0 {
				updates = append(updates, fmt.Sprintf("%d->%d removed=%d added=%d", num(r["previous"]), num(r["serial"]), num(r["removed"]), num(r["added"])))
			}
		}
		if want := fmt.Sprintf("%d->%d removed=2 added=0", serial1, serial2); len(updates) != 1 || updates[0] != want {
			t.Errorf("zone updates %q, want [%s]", updates, want)
		}
		// named's refresh timer is an hour: only the NOTIFY brings it.
		testtool.WaitFor(t, "named to reach serial "+strconv.Itoa(int(serial2)), time.Minute,
			func() bool { return d.soa(namedPort) == serial2 }, dump)
		if !strings.Contains(namedLog.String(), "notify from 127.0.0.1#"+strconv.Itoa(primaryPort)) {
			t.Errorf("named did not log a NOTIFY from the primary's port %d", primaryPort)
		}
		// named 9.18 does not name the transfer type; the primary does.
		if n := countTransfers(e, "IXFR", "incremental", serial2, int64(serial1)); n != 1 {
			t.Errorf("%d incremental IXFRs %d -> %d logged, want 1", n, serial1, serial2)
		}
		for _, r := range e.log.Records("zone transfer") {
			if r["type"] == "IXFR" && num(r["serial"]) == int64(serial2) && num(r["records"]) != 2 {
				t.Errorf("IXFR to serial %d carried %d records, want 2", serial2, num(r["records"]))
			}
		}
		testtool.WaitFor(t, "removed.example.test to lose its policy answer", time.Minute,
			func() bool { return d.status("removed.example.test", "A") == "NOERROR" }, dump)
		check(t, blocked)
	})
	if serial2 == 0 {
		t.Fatal("no serial after the change; the outage case needs one")
	}

	t.Run("MISP failing keeps the serial and the policy", func(t *testing.T) {
		before := len(e.log.Records("zone source failed; serving the last content"))
		simV2.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500, RestSearchOnly: true})
		// Two failed rebuilds: the cache entry had expired, MISP was asked.
		testtool.WaitFor(t, "two failed zone rebuilds", time.Minute,
			func() bool { return len(e.log.Records("zone source failed; serving the last content")) >= before+2 }, dump)
		failed := e.log.Records("zone source failed; serving the last content")
		last := failed[len(failed)-1]
		if num(last["serial"]) != int64(serial2) || !strings.Contains(fmt.Sprint(last["err"]), "MISP unavailable") {
			t.Errorf("failed rebuild logged serial %v, error %v; want %d and MISP unavailable", last["serial"], last["err"], serial2)
		}
		if got := d.soa(primaryPort); got != serial2 {
			t.Errorf("primary serial %d, want %d", got, serial2)
		}
		if got := d.soa(namedPort); got != serial2 {
			t.Errorf("named serial %d, want %d", got, serial2)
		}
		check(t, blocked)
		check(t, []query{{"removed.example.test", "A", "NOERROR"}})
	})
}

// countTransfers counts logged transfers of type and style to serial;
// clientSerial -1 matches any.
func countTransfers(e *e2eService, typ, style string, serial uint32, clientSerial int64) int {
	n := 0
	for _, r := range e.log.Records("zone transfer") {
		if r["type"] == typ && r["style"] == style && num(r["serial"]) == int64(serial) &&
			(clientSerial < 0 || num(r["client_serial"]) == clientSerial) {
			n++
		}
	}
	return n
}

// num returns a JSON number as int64, or -1.
func num(v any) int64 {
	f, ok := v.(float64)
	if !ok {
		return -1
	}
	return int64(f)
}

// serialAfter reports whether a follows b in RFC 1982 serial arithmetic.
func serialAfter(a, b uint32) bool { return a != b && a-b < 1<<31 }

// e2eDig asks the primary and named.
type e2eDig struct {
	realtools.Dig
	primaryPort, namedPort int
}

// status returns named's RCODE for name and type.
func (d e2eDig) status(name, qtype string) string { return d.Status(d.namedPort, name, qtype) }

// soa returns the serial of rpz.cratos served on port, or 0.
func (d e2eDig) soa(port int) uint32 { return d.SOASerial(port, "rpz.cratos") }
