package realtools

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// ResolverZone is the master file of example.test that StartRPZResolver
// serves: every name under it resolves (a wildcard A and AAAA), so that
// the policy has an answer to rewrite for any name a test asks about.
const ResolverZone = `$TTL 60
@  SOA  ns.example.test. hostmaster.example.test. 1 3600 600 86400 60
   NS   ns.example.test.
ns A    127.0.0.1
*  A    192.0.2.1
*  AAAA 2001:db8::1
`

// StartRPZResolver runs a recursive named on a loopback port that serves
// example.test (ResolverZone) and applies zoneText, loaded as the primary
// response-policy zone rpz.local, to its answers. It returns the port
// once named has loaded the policy zone; it fails t if named reports the
// zone's load as failed or does not finish it within a few minutes.
func StartRPZResolver(t testing.TB, zoneText string) int {
	t.Helper()
	named := testtool.Require(t, "named", "bind9")
	dir := t.TempDir()
	port := testtool.FreeUDPAndTCPPort(t)
	conf := fmt.Sprintf(`controls { };
options {
	directory %[1]q;
	pid-file "named.pid";
	session-keyfile "session.key";
	managed-keys-directory %[1]q;
	recursion yes;
	allow-query { 127.0.0.1; };
	allow-recursion { 127.0.0.1; };
	dnssec-validation no;
	notify no;
	listen-on port %[2]d { 127.0.0.1; };
	listen-on-v6 { none; };
	response-policy { zone "rpz.local"; } qname-wait-recurse no;
};
zone "." { type hint; file "root.hint"; };
zone "example.test" { type primary; file "example.test.db"; };
zone "rpz.local" { type primary; file "rpz.local.db"; };
`, dir, port)
	for name, text := range map[string]string{"named.conf": conf, "example.test.db": ResolverZone,
		"rpz.local.db": zoneText, "root.hint": LoopbackRootHint} {
		writeFile(t, dir, name, []byte(text))
	}
	log := StartNamed(t, named, dir)
	const done = "rpz: rpz.local: reload done"
	testtool.WaitFor(t, "named to load the policy zone", namedLoadTimeout,
		func() bool { return strings.Contains(log.String(), done) },
		func() string { return testtool.Clip(log.String()) })
	s := log.String()
	if line, _, _ := strings.Cut(s[strings.Index(s, done):], "\n"); !strings.Contains(line, "success") {
		t.Fatalf("named: %s\n%s", line, testtool.Clip(s))
	}
	return port
}
