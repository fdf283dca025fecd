package realtools

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// ProbeName is a name every DNS server StartUnbound and StartDnsmasq run
// answers with ProbeAddr from its own configuration, not from the list:
// a probe of readiness, and a name that no list entry may change.
const (
	ProbeName = "probe.cratos-test.internal"
	ProbeAddr = "192.0.2.53"
)

// serverStart bounds how long a DNS server may take to load a list and
// answer: a long list on a busy machine takes a while.
const serverStart = 2 * time.Minute

// Unbound is a running unbound serving a list.
type Unbound struct {
	Addr string // 127.0.0.1:port
	conf string
	ctl  string
}

// StartUnbound writes listText as a file the configuration includes with
// include:, checks that configuration with unbound-checkconf (any problem
// is the returned error), then runs unbound in the foreground on a
// loopback port with it, remote control on a Unix socket, and waits until
// it answers ProbeName. Names outside the list and ProbeName resolve
// through a root hint of 127.0.0.1, which unbound never queries
// (do-not-query-localhost), so they fail without any traffic leaving the
// machine. unbound is stopped when the test ends.
func StartUnbound(t testing.TB, listText string) (*Unbound, error) {
	t.Helper()
	unbound := testtool.Require(t, "unbound", "unbound")
	checkconf := testtool.Require(t, "unbound-checkconf", "unbound")
	ctl := testtool.Require(t, "unbound-control", "unbound")
	dir := t.TempDir()
	list := writeFile(t, dir, "cratos.conf", []byte(listText))
	hints := writeFile(t, dir, "root.hints", []byte(LoopbackRootHint))
	port := testtool.FreeUDPAndTCPPort(t)
	conf := fmt.Sprintf(`server:
	interface: 127.0.0.1@%[1]d
	port: %[1]d
	do-ip6: no
	do-daemonize: no
	username: ""
	chroot: ""
	directory: %[2]q
	pidfile: %[3]q
	use-syslog: no
	logfile: ""
	verbosity: 1
	num-threads: 1
	module-config: "iterator"
	root-hints: %[4]q
	do-not-query-localhost: yes
	local-zone: "cratos-test.internal." static
	local-data: "%[5]s. A %[6]s"
include: %[7]q
remote-control:
	control-enable: yes
	control-interface: %[8]q
	control-use-cert: no
`, port, dir, filepath.Join(dir, "unbound.pid"), hints, ProbeName, ProbeAddr, list, filepath.Join(dir, "control.sock"))
	confFile := writeFile(t, dir, "unbound.conf", []byte(conf))

	out, err := run(t, checkconf, confFile)
	if err != nil || !strings.Contains(out, "no errors") {
		return nil, fmt.Errorf("unbound-checkconf: %v:\n%s", err, testtool.Clip(out))
	}

	d := testtool.StartDaemon(t, "unbound", exec.Command(unbound, "-d", "-c", confFile))
	log, exited := d.Log, d.Done()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if err := waitDNS(addr, ProbeName, serverStart, exited); err != nil {
		return nil, fmt.Errorf("unbound: %v:\n%s", err, testtool.Clip(log.String()))
	}
	if s := log.String(); strings.Contains(s, "error") || strings.Contains(s, "warning") {
		return nil, fmt.Errorf("unbound logged problems:\n%s", testtool.Clip(s))
	}
	return &Unbound{Addr: addr, conf: confFile, ctl: ctl}, nil
}

// LocalZones returns the local zones the running unbound holds, its own
// default zones included, as their type by name without the final dot
// (unbound-control list_local_zones). unbound-control prints a name too
// long for its buffer cut short and ending in '&'.
func (u *Unbound) LocalZones(t testing.TB) (map[string]string, error) {
	t.Helper()
	out, err := run(t, u.ctl, "-c", u.conf, "list_local_zones")
	if err != nil {
		return nil, fmt.Errorf("unbound-control list_local_zones: %v:\n%s", err, testtool.Clip(out))
	}
	zones := map[string]string{}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("unbound-control list_local_zones: line %q", line)
		}
		zones[strings.TrimSuffix(f[0], ".")] = f[1]
	}
	return zones, nil
}
