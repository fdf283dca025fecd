package realtools

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// Squid is a running squid proxy that denies (403) a request its one ACL
// matches and passes any other to a local server answering 200.
type Squid struct {
	proxy *url.URL
}

// squidACLFlags are the flags of each ACL kind, as the renderer's README
// gives them.
var squidACLFlags = map[string]string{"dstdomain": "", "dst": " -n", "url_regex": " -i"}

// StartSquid writes fileText as the file of an ACL of kind aclKind
// (dstdomain, dst or url_regex), checks the configuration with SquidParse,
// then runs squid in the foreground on a loopback port in front of a
// local server (a parent peer, so that no name is ever resolved), and
// waits until it answers. squid is stopped when the test ends.
func StartSquid(t testing.TB, aclKind, fileText string) (*Squid, error) {
	t.Helper()
	if err := SquidParse(t, aclKind, fileText); err != nil {
		return nil, err
	}
	squid := testtool.Require(t, "squid", "squid")
	flags, ok := squidACLFlags[aclKind]
	if !ok {
		t.Fatalf("StartSquid: unknown ACL kind %q", aclKind)
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	t.Cleanup(origin.Close)
	dir := t.TempDir()
	list := writeFile(t, dir, "cratos-acl.txt", []byte(fileText))
	port := testtool.FreePort(t)
	conf := fmt.Sprintf(`acl cratos %s%s %q
http_access deny cratos
http_access allow localhost
http_access deny all
http_port 127.0.0.1:%d
cache_peer 127.0.0.1 parent %d 0 no-query no-digest originserver name=origin
never_direct allow all
cache deny all
pid_filename none
cache_log /dev/null
access_log none
cache_store_log none
coredump_dir none
shutdown_lifetime 0 seconds
`, aclKind, flags, list, port, origin.Listener.Addr().(*net.TCPAddr).Port)
	confFile := writeFile(t, dir, "squid.conf", []byte(conf))
	d := testtool.StartDaemon(t, "squid", exec.Command(squid, "-N", "-d", "1", "-f", confFile))
	s := &Squid{proxy: &url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(port)}}
	end := time.Now().Add(serverStart)
	for {
		if _, err := s.Status("http://" + ProbeName + "/"); err == nil {
			return s, nil
		}
		if time.Now().After(end) {
			return nil, fmt.Errorf("squid did not answer within %v:\n%s", serverStart, testtool.Clip(d.Log.String()))
		}
		select {
		case <-d.Done():
			return nil, fmt.Errorf("squid exited:\n%s", testtool.Clip(d.Log.String()))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Status sends GET rawURL, written as it is on the request line, through
// the proxy and returns the status: 403 when the ACL matched, 200 when
// not.
func (s *Squid) Status(rawURL string) (int, error) {
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		return 0, err
	}
	// Keep the request line byte for byte: "http:" + Opaque.
	req.URL.Opaque = strings.TrimPrefix(rawURL, req.URL.Scheme+":")
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(s.proxy)}}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
