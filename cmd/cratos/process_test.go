package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/childproc"
	"github.com/cratos-project/cratos/internal/testtool"
)

// Secrets of the process tests (loopback only, never a deployment) and the
// tag namespace of their sites.
const (
	procEncryptionKey = "FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17FA17"
	procSalt          = "faults-salt-0123456789abcdef0123"
	procTag           = "example"
)

// cratosBuild builds this package once per test binary, with the default
// build settings, as `make build` and the README check use: the packages
// compiled for one serve the others.
var cratosBuild = testtool.GoBuild{Packages: []string{"."}}

// processTestsAtOnce is how many process tests run at once unless
// -test.parallel says otherwise. They spend most of their time waiting
// (for timeouts, leases and lifetimes to pass, or for child processes),
// so GOMAXPROCS, the default, would leave the cores idle.
const processTestsAtOnce = 6

func TestMain(m *testing.M) {
	flag.Parse()
	parallelGiven := false
	flag.Visit(func(f *flag.Flag) { parallelGiven = parallelGiven || f.Name == "test.parallel" })
	if !parallelGiven {
		_ = flag.Set("test.parallel", strconv.Itoa(processTestsAtOnce))
	}
	code := m.Run()
	cratosBuild.Remove()
	os.Exit(code)
}

// cratosBinary builds this package the first time it is called and
// returns the binary's path.
func cratosBinary(t testing.TB) string {
	t.Helper()
	return filepath.Join(cratosBuild.Dir(t), "cratos")
}

// procOptions configure one cratos process.
type procOptions struct {
	// MISP is the base URL the token names; its host names the site file.
	MISP string
	// Config is appended to config.yaml.
	Config string
	// Site is the site file; empty means procSite(5).
	Site string
	// Prefix, when set, runs cratos through this command (e.g. prlimit).
	Prefix []string
}

// procSite is a site file for the test tag with the given MISP timeout.
func procSite(timeoutSeconds int) string {
	return fmt.Sprintf(`enabled: true
tag: %q
mispVerifyCert: false
mispTimeoutSeconds: %d
memcached_all_timeout: 3600
allowed_ips: [127.0.0.0/8]
page_size: 25000
`, procTag, timeoutSeconds)
}

// cratosProc is `cratos serve` running as a child process on loopback.
type cratosProc struct {
	dir    string // holds config/ and sites/
	site   string // the site file's path
	base   string // http://127.0.0.1:port
	addr   string // 127.0.0.1:port
	token  string // names opts.MISP with mispsim.DefaultKey
	out    *testtool.LogBuffer
	proc   *childproc.Process
	prefix []string
}

// startCratos writes config/config.yaml and sites/<host>.yaml into a
// temporary directory, mints a token with `cratos token mint`, starts
// `cratos serve` on a free loopback port and waits until /v1/status
// answers. The process is stopped when the test ends.
func startCratos(t testing.TB, opts procOptions) *cratosProc {
	t.Helper()
	bin := cratosBinary(t)
	host := "127.0.0.1"
	if opts.MISP != "" {
		h, _, err := net.SplitHostPort(strings.TrimPrefix(opts.MISP, "http://"))
		if err != nil {
			t.Fatalf("MISP URL %q: %v", opts.MISP, err)
		}
		host = h
	}
	if opts.Site == "" {
		opts.Site = procSite(5)
	}
	p := &cratosProc{dir: t.TempDir(), prefix: opts.Prefix}
	cfg := filepath.Join(p.dir, "config", "config.yaml")
	p.site = filepath.Join(p.dir, "sites", host+".yaml")
	testtool.WriteFile(t, cfg, fmt.Sprintf("encryption_key: %q\nsalt: %q\nallways_allowed_ips: [127.0.0.1/32]\ntoken_minting: \"off\"\ncache_max_bytes: 268435456\n%s",
		procEncryptionKey, procSalt, opts.Config))
	testtool.WriteFile(t, p.site, opts.Site)
	if opts.MISP != "" {
		p.token = mintToken(t, cfg, opts.MISP, mispsim.DefaultKey)
		// The token is an admin token too, so status() sees the detail.
		sum := sha256.Sum256([]byte(p.token))
		appendFile(t, cfg, fmt.Sprintf("\nadmin_tokens: [%q]\n", hex.EncodeToString(sum[:])))
	}
	for attempt := 0; ; attempt++ {
		err := p.start(t, bin, cfg)
		if err == nil {
			break
		}
		// A port found free may be taken before cratos binds it.
		if attempt == 2 || !strings.Contains(p.out.String(), "address already in use") {
			t.Fatalf("start cratos: %v\n%s", err, p.out.String())
		}
	}
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("cratos output (last 8 KiB):\n%s", tail(p.out.String(), 8<<10))
		}
	})
	return p
}

// mintToken runs `cratos token mint` with the configuration file cfg for
// the MISP at mispURL and its API key, and returns the token.
func mintToken(t testing.TB, cfg, mispURL, key string) string {
	t.Helper()
	cmd := exec.Command(cratosBinary(t), "token", "mint", "--config", cfg, "--misp", mispURL,
		"--key", key, "--expires", "2099-01-01")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cratos token mint: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// start runs the process and waits up to a minute for /v1/status (the
// token key derivation takes a moment on a busy machine).
func (p *cratosProc) start(t testing.TB, bin, cfg string) error {
	t.Helper()
	p.addr = "127.0.0.1:" + strconv.Itoa(testtool.FreePort(t))
	p.base = "http://" + p.addr
	p.out = &testtool.LogBuffer{}
	args := append(append([]string{}, p.prefix...), bin, "serve", "--config", cfg, "--listen", p.addr)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	var err error
	if p.proc, err = childproc.Start(cmd); err != nil {
		return err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if p.proc.Exited() {
			return fmt.Errorf("cratos exited: %s", p.proc.Cmd.ProcessState)
		}
		if resp, err := client.Get(p.base + "/v1/status?sites=0"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.proc.Kill()
	return errors.New("/v1/status did not answer within a minute")
}

// stop sends SIGTERM and waits up to 30 s, then kills the process.
func (p *cratosProc) stop(t testing.TB) {
	t.Helper()
	if !p.proc.Stop(30 * time.Second) {
		t.Errorf("cratos did not stop within 30 s of SIGTERM")
	}
}

// requireAlive fails unless the process runs and /v1/status answers 200.
func (p *cratosProc) requireAlive(t testing.TB) {
	t.Helper()
	if p.proc.Exited() {
		t.Fatalf("cratos exited: %s", p.proc.Cmd.ProcessState)
	}
	resp, body := p.get(t, "/v1/status?sites=0")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v1/status: %d %s", resp.StatusCode, body)
	}
}

// appendFile adds text to the end of a file.
func appendFile(t testing.TB, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// status returns /v1/status without the site probes, with the detail an
// admin token gets when the process has a token.
func (p *cratosProc) status(t testing.TB) map[string]any {
	t.Helper()
	resp, body := p.authed(t, "/v1/status?sites=0")
	var m map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil {
		t.Fatalf("/v1/status: %d %s", resp.StatusCode, body)
	}
	return m
}

// procClient sends requests without transparent gzip, so the bytes
// compared are the bytes served.
var procClient = &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16}, Timeout: 2 * time.Minute}

// get sends a GET; headers are name, value pairs.
func (p *cratosProc) get(t testing.TB, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := procClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	// A body of known length is read into one array of that size, not
	// grown to it by copies (TestFaultsVolume's are 50 MB).
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= 256<<20 {
		buf.Grow(int(n) + bytes.MinRead) // room for the read that meets the end
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp, buf.Bytes()
}

// authed is get with the process's token in the token header.
func (p *cratosProc) authed(t testing.TB, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	return p.get(t, path, append([]string{"token", p.token}, headers...)...)
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes.
func (p *cratosProc) peakRSS(t testing.TB) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.proc.Cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc status: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// dialerFrom dials from the loopback address src, so that one test can
// stand for several clients.
func dialerFrom(src string, timeout time.Duration) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: timeout}
}

// accepts reports whether a TCP connection to addr is accepted.
func accepts(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
