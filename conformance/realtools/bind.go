package realtools

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/childproc"
	"github.com/cratos-project/cratos/internal/testtool"
)

// bindProblem matches named and named-checkzone lines that report a
// problem with a zone: syntax, check-names, RPZ trigger and load errors.
var bindProblem = regexp.MustCompile(`(?i)error|invalid|not the canonical|not loaded|bad owner|out-of-zone|too long|ran out of space|singleton|unexpected end|CNAME and other data|warning|ignor`)

// CheckZone loads zoneText as the zone origin twice: with
// named-checkzone -k fail (check-names failures are errors), and as a
// primary response-policy zone of a real named -g listening on a loopback
// port, whose log it reads for invalid or non-canonical RPZ triggers and
// load failures. named is stopped before CheckZone returns.
func CheckZone(t testing.TB, origin, zoneText string) error {
	t.Helper()
	checkzone := testtool.Require(t, "named-checkzone", "bind9-utils")
	named := testtool.Require(t, "named", "bind9")
	dir := t.TempDir()
	zoneFile := writeFile(t, dir, "zone.rpz", []byte(zoneText))

	p := &problems{tool: "named-checkzone"}
	out, err := run(t, checkzone, "-k", "fail", "-i", "local", origin, zoneFile)
	if err != nil {
		p.add("exit status: " + err.Error())
	}
	for line := range strings.Lines(out) {
		if bindProblem.MatchString(line) {
			p.add(strings.TrimSpace(line))
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	return runNamed(t, named, dir, origin, zoneFile)
}

// namedLoadTimeout bounds how long named may take to load the zone.
const namedLoadTimeout = 3 * time.Minute

func runNamed(t testing.TB, named, dir, origin, zoneFile string) error {
	t.Helper()
	port := testtool.FreeUDPAndTCPPort(t)
	conf := fmt.Sprintf(`options {
	directory %[1]q;
	pid-file %[5]q;
	session-keyfile %[6]q;
	managed-keys-directory %[1]q;
	listen-on port %[2]d { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify no;
	response-policy { zone %[3]q; };
};
controls { };
zone %[3]q { type primary; file %[4]q; };
`, dir, port, origin, zoneFile, filepath.Join(dir, "named.pid"), filepath.Join(dir, "session.key"))
	confFile := writeFile(t, dir, "named.conf", []byte(conf))

	cmd := exec.Command(named, "-g", "-c", confFile)
	cmd.Dir = dir
	// named -g logs to stderr. Through an io.Pipe, Wait returns only after
	// everything named wrote has been read, so the log is never cut.
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	proc, err := childproc.Start(cmd)
	if err != nil {
		t.Fatalf("start named: %v", err)
	}
	// Wait returns once named has exited and all it wrote has been read;
	// closing the pipe then ends the reader.
	go func() {
		<-proc.Done()
		pw.Close()
	}()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// Keep reading so named never blocks on a full pipe.
			go func() {
				for range lines {
				}
			}()
			proc.Stop(10 * time.Second)
		})
	}
	t.Cleanup(stop)

	p := &problems{tool: "named"}
	zoneTag := "zone " + strings.TrimSuffix(origin, ".") + "/IN"
	rpzDone := "rpz: " + strings.TrimSuffix(origin, ".") + ": reload done"
	var log []string
	deadline := time.After(namedLoadTimeout)
	failed, running := false, false
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				p.add("named exited before the policy zone was loaded:\n  " + strings.Join(tail(log, 10), "\n  "))
				break wait
			}
			log = append(log, line)
			switch {
			case strings.Contains(line, rpzDone):
				if !strings.Contains(line, "success") {
					p.add(line)
				}
				break wait
			case strings.Contains(line, "not loaded due to errors"):
				p.add(line)
				failed = true
			case bindProblem.MatchString(line) && (strings.Contains(line, zoneTag) || strings.Contains(line, "rpz")):
				p.add(line)
			case strings.HasSuffix(line, " running"):
				running = true
			}
			if failed && running {
				break wait
			}
		case <-deadline:
			p.add(fmt.Sprintf("named did not finish loading the policy zone in %v", namedLoadTimeout))
			break wait
		}
	}
	stop()
	return p.err()
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
