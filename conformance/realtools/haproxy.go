package realtools

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// HAProxy is a running haproxy whose frontend answers 403 to a request
// the list's ACL matches and 200 otherwise.
type HAProxy struct {
	URL  string // http://127.0.0.1:port/
	sock string
	list string
}

// haproxyACL is the ACL of each kind of pattern file: source addresses,
// the Host header (port removed, lower-cased) against -m dom, and the
// Host header with a dot in front and any final dot removed against -m
// end.
var haproxyACL = map[string]string{
	"ip":  "\tacl cratos src -f %q\n",
	"dom": "\tacl cratos req.hdr(host),field(1,:),lower -m dom -f %q\n",
	"end": "\thttp-request set-var-fmt(txn.cratos_host) \".%%[req.hdr(host),field(1,:),lower,rtrim(.)]\"\n\tacl cratos var(txn.cratos_host) -m end -f %q\n",
}

// StartHAProxy writes listText as the pattern file of an ACL of kind
// (ip, dom or end), checks the configuration with haproxy -c (a pattern
// haproxy cannot read makes it fail; that is the returned error), then
// runs haproxy in the foreground on a loopback port with an admin socket,
// and waits until it answers. haproxy is stopped when the test ends.
func StartHAProxy(t testing.TB, kind, listText string) (*HAProxy, error) {
	t.Helper()
	haproxy := testtool.Require(t, "haproxy", "haproxy")
	acl, ok := haproxyACL[kind]
	if !ok {
		t.Fatalf("StartHAProxy: unknown kind %q", kind)
	}
	dir := t.TempDir()
	list := writeFile(t, dir, "cratos.lst", []byte(listText))
	sock := filepath.Join(dir, "admin.sock")
	port := testtool.FreePort(t)
	conf := fmt.Sprintf(`global
	stats socket %q mode 600 level admin
defaults
	mode http
	timeout connect 10s
	timeout client 60s
	timeout server 60s
frontend cratos
	bind 127.0.0.1:%d
%s	http-request return status 403 content-type text/plain string "blocked" if cratos
	http-request return status 200 content-type text/plain string "ok"
`, sock, port, fmt.Sprintf(acl, list))
	confFile := writeFile(t, dir, "haproxy.cfg", []byte(conf))

	out, err := run(t, haproxy, "-c", "-f", confFile)
	if err != nil || !strings.Contains(out, "Configuration file is valid") || strings.Contains(out, "WARNING") || strings.Contains(out, "ALERT") {
		return nil, fmt.Errorf("haproxy -c: %v:\n%s", err, testtool.Clip(out))
	}

	d := testtool.StartDaemon(t, "haproxy", exec.Command(haproxy, "-db", "-f", confFile))
	log, exited := d.Log, d.Done()
	h := &HAProxy{URL: "http://127.0.0.1:" + strconv.Itoa(port) + "/", sock: sock, list: list}
	end := time.Now().Add(serverStart)
	for {
		if _, err := h.Status(ProbeName); err == nil {
			break
		}
		if time.Now().After(end) {
			return nil, fmt.Errorf("haproxy did not answer within %v:\n%s", serverStart, testtool.Clip(log.String()))
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("haproxy exited:\n%s", testtool.Clip(log.String()))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return h, nil
}

// Status sends GET / with the Host header host and returns the status:
// 403 when the ACL matched, 200 when not.
func (h *HAProxy) Status(host string) (int, error) {
	req, err := http.NewRequest("GET", h.URL, nil)
	if err != nil {
		return 0, err
	}
	req.Host = host
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

var entryCount = regexp.MustCompile(`entry_cnt=(\d+)`)

// Entries returns how many patterns haproxy loaded from the list file, as
// its admin socket's "show acl" reports them.
func (h *HAProxy) Entries() (int, error) {
	c, err := net.DialTimeout("unix", h.sock, 30*time.Second)
	if err != nil {
		return 0, fmt.Errorf("haproxy admin socket: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := io.WriteString(c, "show acl\n"); err != nil {
		return 0, fmt.Errorf("haproxy admin socket: %w", err)
	}
	out, err := io.ReadAll(c)
	if err != nil {
		return 0, fmt.Errorf("haproxy admin socket: %w", err)
	}
	for line := range strings.Lines(string(out)) {
		if strings.Contains(line, "("+h.list+")") {
			if m := entryCount.FindStringSubmatch(line); m != nil {
				return strconv.Atoi(m[1])
			}
		}
	}
	return 0, fmt.Errorf("haproxy show acl does not list %s:\n%s", h.list, testtool.Clip(string(out)))
}
