package realtools

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// dnsmasqNoise are dnsmasq log lines that say nothing about the list:
// start-up, the missing upstream servers the test leaves out on purpose,
// and the names dnsmasq answers from local data only.
var dnsmasqNoise = []string{"started, version", "compile time options", "no upstream servers configured", "using only locally-known addresses for", "more local addresses", "more nameservers", "cleared cache", "exiting on receipt", "read /etc/hosts"}

// StartDnsmasq writes listText as a file read with conf-file=, checks the
// configuration with dnsmasq --test, then runs dnsmasq in the foreground
// on a loopback port (no upstream servers, no hosts file, no DHCP) and
// waits until it answers ProbeName. A failed check, a log line about the
// list, or an exit is the returned error. Names outside the list get
// REFUSED: dnsmasq has nowhere to forward them. dnsmasq is stopped when
// the test ends.
func StartDnsmasq(t testing.TB, listText string) (addr string, err error) {
	t.Helper()
	dnsmasq := testtool.Require(t, "dnsmasq", "dnsmasq-base")
	dir := t.TempDir()
	list := writeFile(t, dir, "cratos.conf", []byte(listText))
	port := testtool.FreeUDPAndTCPPort(t)
	conf := fmt.Sprintf(`port=%d
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-poll
no-hosts
conf-file=%s
address=/%s/%s
`, port, list, ProbeName, ProbeAddr)
	confFile := writeFile(t, dir, "dnsmasq.conf", []byte(conf))

	args := []string{"--conf-file=" + confFile, "--pid-file=" + filepath.Join(dir, "dnsmasq.pid")}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	out, err := run(t, dnsmasq, append([]string{"--test"}, args...)...)
	if err != nil || !strings.Contains(out, "syntax check OK") {
		return "", fmt.Errorf("dnsmasq --test: %v:\n%s", err, testtool.Clip(out))
	}

	d := testtool.StartDaemon(t, "dnsmasq", exec.Command(dnsmasq, append([]string{"--no-daemon", "--log-facility=-"}, args...)...))
	log, exited := d.Log, d.Done()
	addr = "127.0.0.1:" + strconv.Itoa(port)
	if err := waitDNS(addr, ProbeName, serverStart, exited); err != nil {
		return "", fmt.Errorf("dnsmasq: %v:\n%s", err, testtool.Clip(log.String()))
	}
	p := &problems{tool: "dnsmasq"}
	for line := range strings.Lines(log.String()) {
		noise := false
		for _, n := range dnsmasqNoise {
			noise = noise || strings.Contains(line, n)
		}
		if !noise && strings.TrimSpace(line) != "" {
			p.add(strings.TrimSpace(line))
		}
	}
	return addr, p.err()
}
