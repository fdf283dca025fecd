package server_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// fixture is the fixed MISP data set behind the exact-body tests. Org
// "Acme" (uuid acmeUUID) created every event but the last.
const acmeUUID = "55f6ea5e-2c60-40e5-964f-47a8950d210f"

func addFixture(t testing.TB, sim *mispsim.Server) {
	t.Helper()
	events := []mispsim.Event{
		{Info: "block event", Published: true, OrgName: "Acme", OrgUUID: acmeUUID, Tags: []string{"example:incident-classification=block", "tlp:green"},
			Attributes: []mispsim.Attribute{
				{Type: "ip-dst", Value: "198.51.100.7", ToIDS: true},
				{Type: "ip-dst", Value: "198.51.100.10", ToIDS: true},
				{Type: "ip-src", Value: "198.51.100.9", ToIDS: true},
				{Type: "ip-dst", Value: "198.51.100.7", ToIDS: true}, // duplicate
				{Type: "ip-dst", Value: "203.0.113.9/30", ToIDS: true},
				{Type: "ip-dst", Value: "10.0.0.0/8", ToIDS: true},
				{Type: "ip-dst", Value: "172.16.0.0/22", ToIDS: true},
				{Type: "domain|ip", Value: "Evil.EXAMPLE.|192.0.2.44", ToIDS: true},
				{Type: "ip-dst|port", Value: "192.0.2.55|8443", ToIDS: true},
				{Type: "ip-dst", Value: "2001:DB8:0:0:0:0:0:7", ToIDS: true},
				{Type: "ip-dst", Value: "2001:db8::7", ToIDS: true},
				{Type: "ip-dst", Value: "2001:db8:1::/48", ToIDS: true},
				{Type: "ip-dst", Value: "1.2.3.4:8443", ToIDS: true}, // address with a port
				{Type: "ip-dst", Value: "203.0.113.77", ToIDS: false},
				{Type: "ip-dst", Value: "203.0.113.78", ToIDS: true, Deleted: true},
				{Type: "domain", Value: "bücher.example", ToIDS: true},
				{Type: "domain", Value: "phish[.]example", ToIDS: true},
				{Type: "domain", Value: "q(l|r)[0-9]{5,6}\\.pw", ToIDS: true},
				{Type: "hostname", Value: "Login.Phish.example", ToIDS: true},
				{Type: "url", Value: "hxxp://phish[.]example/Login.php?id=1", ToIDS: true},
				{Type: "url", Value: "https://evil.example/a'b\\c?q=d\\e", ToIDS: true}, // '\' is '/' in the path, kept in the query
				{Type: "md5", Value: "D41D8CD98F00B204E9800998ECF8427E", ToIDS: true},
				{Type: "filename|sha256", Value: "inv.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ToIDS: true},
				{Type: "sha1", Value: "da39a3ee5e6b4b0d3255bfef95601890afd80709", ToIDS: true},
				{Type: "email-src", Value: "Eve <eve@Phish.example>", ToIDS: true},
				{Type: "email-subject", Value: "Invoice <42> & \"urgent\"", ToIDS: true},
				{Type: "vulnerability", Value: "CVE-2021-44228", ToIDS: false},
				{Type: "yara", Value: "rule demo {\n  condition: true\n}", ToIDS: false},
				{Type: "snort", Value: `alert tcp any any -> any 80 (msg:"demo"; sid:1000001; rev:1;)`, ToIDS: false},
				{Type: "ja3-fingerprint-md5", Value: "E7D705A3286E19EA42F587B344EE6865", ToIDS: true},
				{Type: "btc", Value: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", ToIDS: true},
				{Type: "mutex", Value: "Global\\demo-mutex", ToIDS: true},
			}},
		{Info: "incident event, unpublished", Published: false, OrgName: "Acme", OrgUUID: acmeUUID, Tags: []string{"example:incident-classification=incident"},
			Attributes: []mispsim.Attribute{
				{Type: "ip-dst", Value: "198.51.100.200", ToIDS: true},
				{Type: "domain", Value: "incident.example", ToIDS: true},
			}},
		{Info: "false positive", Published: true, OrgName: "Acme", OrgUUID: acmeUUID, Tags: []string{"example:incident-classification=block"},
			Attributes: []mispsim.Attribute{
				{Type: "ip-dst", Value: "198.51.100.66", ToIDS: true, Tags: []string{"example:incident-classification=false-positive"}},
			}},
		{Info: "other org", Published: true, OrgName: "Other", OrgUUID: "569b6c1f-bd1c-49c8-9244-0484bce2ab96", Tags: []string{"example:incident-classification=cust1"},
			Attributes: []mispsim.Attribute{
				{Type: "ip-dst", Value: "192.0.2.201", ToIDS: true},
				{Type: "domain", Value: "cust1.example", ToIDS: true},
			}},
	}
	for _, ev := range events {
		if _, err := sim.AddEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
}
