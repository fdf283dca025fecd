package realtools

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// RPZSecondary describes a named that transfers the response policy zone
// rpz.cratos from a primary on 127.0.0.1 with a TSIG key (hmac-sha256
// unless Algorithm names another, such as hmac-sha256-128) and applies it to the recursive answers it gives on 127.0.0.1:Port. It
// serves example.test itself, from the master file LocalZone, so that the
// policy has answers to rewrite.
type RPZSecondary struct {
	Port, PrimaryPort int
	KeyName, Secret   string
	Algorithm         string // as named.conf spells it; empty: hmac-sha256
	LocalZone         string
}

// ExampleTestZone is a master file for example.test that an RPZSecondary
// can serve as LocalZone: the policy rewrites its answers. Besides plain
// names (blocked, its www, removed, clean, incident, host) it has addr4,
// ipv4 and ipv6 pointing at 198.51.100.7, 203.0.113.45 and 2001:db8:1::5,
// inside an address, an IPv4 prefix and an IPv6 prefix a policy may block.
const ExampleTestZone = `$TTL 60
@           SOA  ns.example.test. hostmaster.example.test. 1 3600 600 86400 60
            NS   ns.example.test.
ns          A    127.0.0.1
blocked     A    192.0.2.1
www.blocked A    192.0.2.1
removed     A    192.0.2.2
clean       A    192.0.2.3
incident    A    192.0.2.4
host        A    192.0.2.5
addr4       A    198.51.100.7
ipv4        A    203.0.113.45
ipv6        AAAA 2001:db8:1::5
`

// StartRPZSecondary writes the configuration of s in a temporary
// directory and runs named with it (StartNamed).
func StartRPZSecondary(t testing.TB, named string, s RPZSecondary) *testtool.LogBuffer {
	t.Helper()
	dir := t.TempDir()
	alg := s.Algorithm
	if alg == "" {
		alg = "hmac-sha256"
	}
	conf := fmt.Sprintf(`key "%[1]s" { algorithm %[6]s; secret "%[2]s"; };
controls { };
options {
	directory "%[3]s";
	pid-file "%[3]s/named.pid";
	session-keyfile "%[3]s/session.key";
	managed-keys-directory "%[3]s";
	recursion yes;
	allow-query { 127.0.0.1; };
	allow-recursion { 127.0.0.1; };
	dnssec-validation no;
	notify no;
	listen-on port %[4]d { 127.0.0.1; };
	listen-on-v6 { none; };
	response-policy { zone "rpz.cratos"; } min-update-interval 0 qname-wait-recurse no;
};
zone "." { type hint; file "root.hint"; };
zone "example.test" { type primary; file "example.test.db"; };
zone "rpz.cratos" {
	type secondary;
	primaries { 127.0.0.1 port %[5]d key "%[1]s"; };
	file "rpz.cratos.db";
	allow-query { 127.0.0.1; };
};
`, s.KeyName, s.Secret, dir, s.Port, s.PrimaryPort, alg)
	for name, text := range map[string]string{"named.conf": conf, "example.test.db": s.LocalZone, "root.hint": LoopbackRootHint} {
		writeFile(t, dir, name, []byte(text))
	}
	return StartNamed(t, named, dir)
}

// Dig runs the dig at Path against servers on 127.0.0.1, one try of
// three seconds a query.
type Dig struct {
	T    testing.TB
	Path string
}

// Run runs dig with args and returns what it printed, errors included.
func (d Dig) Run(args ...string) string {
	d.T.Helper()
	out, _ := exec.Command(d.Path, append([]string{"+tries=1", "+time=3"}, args...)...).CombinedOutput()
	return string(out)
}

var digStatus = regexp.MustCompile(`status: ([A-Z]+)`)

// Status returns the RCODE the server on port answers for name and qtype,
// or "no answer: " and dig's output.
func (d Dig) Status(port int, name, qtype string) string {
	d.T.Helper()
	out := d.Run("@127.0.0.1", "-p", strconv.Itoa(port), name, qtype)
	if m := digStatus.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return "no answer: " + out
}

// SOASerial returns the serial of zone that the server on port serves,
// or 0 when it has none.
func (d Dig) SOASerial(port int, zone string) uint32 {
	d.T.Helper()
	f := strings.Fields(d.Run("@127.0.0.1", "-p", strconv.Itoa(port), "+short", zone, "SOA"))
	if len(f) < 3 {
		return 0
	}
	n, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return 0
	}
	return uint32(n)
}
