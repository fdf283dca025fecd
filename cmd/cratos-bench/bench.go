package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The MISP key mispsim accepts by default (mispsim.DefaultKey).
const mispKey = "MispSimDemoKeyForCratosTestsOnly00000000"

// The feed every scenario reads: all feeds' IPv4 addresses of ten years.
const (
	feedPrefix = "/v1/feed/any/type/ipv4/age/10y/output/"
	clearPath  = "/v1/clear_cache/feed/any/type/ipv4/age/10y/output/txt"
)

// bench holds the tools, binaries and temporary directory of one run.
type bench struct {
	o       options
	log     io.Writer
	tmp     string
	cratos  string
	mispsim string
	wrk     string
	nginx   string
	client  *http.Client
	ng      *proc
	ngURL   string // access log on, as deployed
	ngQuiet string // the same files with access_log off
	ngHTML  string
	procs   []*proc
}

// newBench checks the tools, builds or finds the binaries and makes the
// temporary directory.
func newBench(ctx context.Context, o options, log io.Writer) (*bench, error) {
	b := &bench{o: o, log: log, client: newClient(4)}
	var missing []string
	var err error
	if b.wrk, err = lookTool("wrk"); err != nil {
		missing = append(missing, "wrk")
	}
	if b.nginx, err = lookTool("nginx"); err != nil {
		missing = append(missing, "nginx-light")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing tools: install the Debian packages %s (as root: bash scripts/install-tools.sh)", strings.Join(missing, " "))
	}
	if o.dataDir != "" {
		if st, err := os.Stat(o.dataDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--data %s: not a directory", o.dataDir)
		}
	}
	if b.tmp, err = os.MkdirTemp("", "cratos-bench-"); err != nil {
		return nil, fmt.Errorf("make temporary directory: %w", err)
	}
	// nginx workers may run as another user when started by root.
	if err := os.Chmod(b.tmp, 0o755); err != nil {
		b.close()
		return nil, fmt.Errorf("make temporary directory: %w", err)
	}
	b.cratos, b.mispsim = o.cratosBin, o.mispsimBin
	if b.cratos == "" || b.mispsim == "" {
		wd, err := os.Getwd()
		if err != nil {
			b.close()
			return nil, fmt.Errorf("find module root: %w", err)
		}
		root, err := moduleRoot(wd)
		if err != nil {
			b.close()
			return nil, err
		}
		for _, t := range []struct {
			dst *string
			pkg string
		}{{&b.cratos, "./cmd/cratos"}, {&b.mispsim, "./cmd/mispsim"}} {
			if *t.dst != "" {
				continue
			}
			*t.dst = filepath.Join(b.tmp, filepath.Base(t.pkg))
			b.logf("building %s", t.pkg)
			if err := goBuild(ctx, root, t.pkg, *t.dst); err != nil {
				b.close()
				return nil, err
			}
		}
	}
	return b, nil
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "%s cratos-bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// close stops every process still running and removes the temporary
// directory.
func (b *bench) close() {
	for i := len(b.procs) - 1; i >= 0; i-- {
		b.procs[i].Stop(10 * time.Second)
	}
	if b.tmp != "" {
		_ = os.RemoveAll(b.tmp)
	}
}

func (b *bench) start(name, path, dir string, args ...string) (*proc, error) {
	return b.startTo(name, path, dir, nil, args...)
}

// startTo is start with the process's output going to out (see startProc).
func (b *bench) startTo(name, path, dir string, out *os.File, args ...string) (*proc, error) {
	p, err := startProc(name, path, dir, out, args...)
	if err != nil {
		return nil, err
	}
	b.procs = append(b.procs, p)
	return p, nil
}

// mispInst is a running mispsim.
type mispInst struct {
	p    *proc
	url  string
	size int
}

// startMISP starts mispsim with size generated attributes and waits until
// it answers.
func (b *bench) startMISP(ctx context.Context, size int) (*mispInst, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"--listen", addr, "--generate", strconv.Itoa(size), "--seed", strconv.FormatInt(b.o.seed, 10)}
	if b.o.dataDir != "" {
		args = append(args, "--data", b.o.dataDir, "--tag-prefix", "cratos")
	}
	b.logf("starting mispsim with %d generated attributes", size)
	p, err := b.start("mispsim", b.mispsim, b.tmp, args...)
	if err != nil {
		return nil, err
	}
	m := &mispInst{p: p, url: "http://" + addr, size: size}
	err = b.waitOK(ctx, p, 30*time.Minute, m.url+"/servers/getVersion", map[string]string{"Authorization": mispKey, "Accept": "application/json"})
	if err != nil {
		p.Stop(5 * time.Second)
		return nil, fmt.Errorf("start mispsim: %w", err)
	}
	return m, nil
}

// cratosConfig is a configuration directory for one cratos instance.
type cratosConfig struct {
	path string // config/config.yaml
	addr string // listen address
}

// roomyCache is the cache budget of every cratos but the cold table's:
// room for every list a run builds, so that no throughput run meets an
// eviction. The cold table runs with the default budget (256 MiB), which
// its memory target is stated for.
const roomyCache = "cache_max_bytes: 4294967296\n"

// newConfig writes config/config.yaml and sites/127.0.0.1.yaml under a new
// directory name, with roomyCache; extra is appended to config.yaml. The
// access log goes to log/access.log there, as in a deployment (see
// newConfigLog).
func (b *bench) newConfig(name, extra string) (cratosConfig, error) {
	return b.newConfigLog(name, roomyCache+extra, true)
}

// newConfigLog is newConfig without roomyCache (extra sets the budget, or
// the default holds); without accessFile, access lines go to cratos'
// standard error with its service log.
func (b *bench) newConfigLog(name, extra string, accessFile bool) (cratosConfig, error) {
	port, err := freePort()
	if err != nil {
		return cratosConfig{}, err
	}
	dir := filepath.Join(b.tmp, name)
	for _, d := range []string{"config", "sites"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return cratosConfig{}, fmt.Errorf("write configuration: %w", err)
		}
	}
	cc := cratosConfig{path: filepath.Join(dir, "config", "config.yaml"), addr: "127.0.0.1:" + strconv.Itoa(port)}
	cfg := `encryption_key: "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
salt: "0123456789abcdef0123456789abcdef"
allways_allowed_ips: [127.0.0.0/8]
listen: ` + cc.addr + `
` + extra
	if accessFile {
		cfg += "access_log: " + filepath.Join(dir, "log", "access.log") + "\n"
	}
	// The site file is named after the MISP host in the tokens. Lists live
	// an hour, so that no cache-hit run meets an expiry and a rebuild.
	site := "tag: cratos\nmispTimeoutSeconds: 600\npage_size: 50000\nmemcached_all_timeout: 3600\n"
	if err := os.WriteFile(cc.path, []byte(cfg), 0o644); err != nil {
		return cratosConfig{}, fmt.Errorf("write configuration: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sites", "127.0.0.1.yaml"), []byte(site), 0o644); err != nil {
		return cratosConfig{}, fmt.Errorf("write configuration: %w", err)
	}
	return cc, nil
}

// mint returns a new token for the MISP at mispURL, made by the cratos CLI.
func (b *bench) mint(ctx context.Context, cc cratosConfig, mispURL string) (string, error) {
	expires := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	cmd := exec.CommandContext(ctx, b.cratos, "token", "mint", "--config", cc.path, "--misp", mispURL, "--key", mispKey, "--expires", expires)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("mint token: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	tok := strings.TrimSpace(string(out))
	if tok == "" || strings.ContainsAny(tok, " \n") {
		return "", fmt.Errorf("mint token: unexpected output %q", out)
	}
	return tok, nil
}

// cratosInst is a running `cratos serve`.
type cratosInst struct {
	p    *proc
	base string
}

// startCratos starts cratos serve with the configuration and waits until
// it answers.
func (b *bench) startCratos(ctx context.Context, cc cratosConfig) (*cratosInst, error) {
	return b.startCratosTo(ctx, cc, nil)
}

// startCratosTo is startCratos with cratos' standard output and error
// going to out rather than through a pipe to this process.
func (b *bench) startCratosTo(ctx context.Context, cc cratosConfig, out *os.File) (*cratosInst, error) {
	// Every cratos started is a fresh one: the lists a former one left in
	// its state directory (../state from the configuration) would be
	// served from disk, and a cold build measured as a HIT.
	if err := os.RemoveAll(filepath.Join(filepath.Dir(cc.path), "..", "state")); err != nil {
		return nil, fmt.Errorf("start cratos: %w", err)
	}
	p, err := b.startTo("cratos", b.cratos, filepath.Dir(cc.path), out, "serve", "--config", cc.path)
	if err != nil {
		return nil, err
	}
	c := &cratosInst{p: p, base: "http://" + cc.addr}
	if err := b.waitOK(ctx, p, time.Minute, c.base+"/", nil); err != nil {
		p.Stop(5 * time.Second)
		return nil, fmt.Errorf("start cratos: %w", err)
	}
	return c, nil
}

func (c *cratosInst) pid() int { return c.p.pid() }

// feed requests the feed in output with token and extra headers and checks
// the status.
func (b *bench) feed(ctx context.Context, c *cratosInst, token, output string, extra map[string]string, want int) (response, error) {
	hdr := map[string]string{"token": token}
	for k, v := range extra {
		hdr[k] = v
	}
	r, err := do(ctx, b.client, "GET", c.base+feedPrefix+output, hdr)
	if err != nil {
		return r, c.p.failure(err)
	}
	if r.status != want {
		return r, c.p.failure(fmt.Errorf("GET %s: status %d, want %d: %.200s", feedPrefix+output, r.status, want, r.body))
	}
	return r, nil
}

// clearFeed forgets the cached lists and snapshot of the feed.
func (b *bench) clearFeed(ctx context.Context, c *cratosInst, token string) error {
	r, err := do(ctx, b.client, "DELETE", c.base+clearPath, map[string]string{"token": token})
	if err != nil {
		return c.p.failure(err)
	}
	var ok struct{ OK bool }
	if r.status != http.StatusOK || json.Unmarshal(r.body, &ok) != nil || !ok.OK {
		return c.p.failure(fmt.Errorf("clear cache: status %d: %.200s", r.status, r.body))
	}
	return nil
}

// entries returns X-Cratos-Entries.
func entries(r response) int {
	n, _ := strconv.Atoi(r.header.Get("X-Cratos-Entries"))
	return n
}

var fetchedRE = regexp.MustCompile(`"attributes":([0-9]+),.*"ms":([0-9.]+)`)

// lastFetch waits until cratos has logged its n-th MISP fetch (its log
// arrives through a pipe, a moment after the answer) and returns the
// attribute count and duration of the last one.
func (c *cratosInst) lastFetch(n int) (attrs int, took time.Duration, ok bool) {
	for deadline := time.Now().Add(2 * time.Second); c.p.log.count(markFetched) < n; {
		if time.Now().After(deadline) {
			return 0, 0, false
		}
		time.Sleep(5 * time.Millisecond)
	}
	lines := strings.Split(c.p.log.tail(40), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.Contains(lines[i], markFetched) {
			continue
		}
		m := fetchedRE.FindStringSubmatch(lines[i])
		if m == nil {
			return 0, 0, false
		}
		attrs, _ = strconv.Atoi(m[1])
		ms, err := strconv.ParseFloat(m[2], 64)
		return attrs, time.Duration(ms * float64(time.Millisecond)), err == nil
	}
	return 0, 0, false
}
