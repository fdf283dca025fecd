package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

// Secrets of the end-to-end tests (loopback only, never a deployment) and
// the tag namespace of their site.
const (
	e2eEncryptionKey = "E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0E2E0"
	e2eSalt          = "e2e-salt-0123456789abcdef0123456"
	e2eTag           = "example"
)

// e2eBuffer collects a process's output; see testtool.LogBuffer.
type e2eBuffer = testtool.LogBuffer

// e2eService is Cratos as `cratos serve` runs it: config.yaml and
// sites/<host>.yaml written to a temporary directory and loaded from
// there, assembled, and serving HTTP on a loopback port.
type e2eService struct {
	svc    *service
	cfg    *config.Config
	base   string     // http://127.0.0.1:port
	token  string     // names the MISP the service was started with
	tokens []string   // one per MISP of startE2ESites, token first
	log    *e2eBuffer // service log, JSON lines
	access *e2eBuffer // access log, JSON lines
}

// e2eRequest is one access log line.
type e2eRequest struct {
	Method, Path, UA string
	Status           int
}

// startE2E mints a token for mispURL and starts Cratos with it. extra,
// when set, returns more config.yaml text (a dns: section) for the token.
func startE2E(t *testing.T, mispURL string, extra func(token string) string) *e2eService {
	t.Helper()
	return startE2ESites(t, []string{mispURL}, extra)
}

// startE2ESites starts Cratos with a site file for the host of each of
// mispURLs (hosts must differ) and a token for each, in e.tokens; extra
// gets the first.
func startE2ESites(t *testing.T, mispURLs []string, extra func(token string) string) *e2eService {
	t.Helper()
	dir := t.TempDir()
	var tokens []string
	for _, mispURL := range mispURLs {
		u, err := url.Parse(mispURL)
		if err != nil {
			t.Fatalf("MISP URL %q: %v", mispURL, err)
		}
		port, _ := strconv.Atoi(u.Port())
		claims := auth.Claims{Proto: u.Scheme, Port: port, Host: u.Hostname(), Key: mispsim.DefaultKey, Expires: "2099-01-01"}
		token, err := auth.NewCodec(e2eEncryptionKey, e2eSalt).Mint(claims)
		if err != nil {
			t.Fatalf("mint token: %v", err)
		}
		tokens = append(tokens, token)
		// A long cache lifetime: an artifact changes only when the test
		// clears the cache, so checksums and entity tags stay comparable.
		testtool.WriteFile(t, filepath.Join(dir, "sites", u.Hostname()+".yaml"), fmt.Sprintf(`enabled: true
tag: %q
mispVerifyCert: false
mispTimeoutSeconds: 5
memcached_all_timeout: 3600
allowed_ips: [127.0.0.0/8]
page_size: 1000
`, e2eTag))
	}

	cfgText := fmt.Sprintf(`encryption_key: %q
salt: %q
allways_allowed_ips: [127.0.0.1/32]
listen: "127.0.0.1:0"
token_minting: "off"
cache_max_bytes: 67108864
auth_fail_limit: 1000
`, e2eEncryptionKey, e2eSalt)
	if extra != nil {
		cfgText += extra(tokens[0])
	}
	testtool.WriteFile(t, filepath.Join(dir, "config", "config.yaml"), cfgText)

	cfg, err := config.Load(filepath.Join(dir, "config", "config.yaml"))
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	e := &e2eService{cfg: cfg, token: tokens[0], tokens: tokens, log: &e2eBuffer{}, access: &e2eBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := assemble(cfg, nil, renderers.Builtin().Clone(), logger, e.access)
	if err != nil {
		t.Fatalf("assemble: %v", err)
	}
	e.svc = svc
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		svc.close()
		t.Fatalf("listen: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.server.Serve(ln) }()
	e.base = "http://" + ln.Addr().String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := svc.server.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
		svc.close()
		if t.Failed() {
			t.Logf("service log:\n%s", e.log.String())
		}
	})
	return e
}

// requests returns the access log, oldest first.
func (e *e2eService) requests() []e2eRequest {
	var out []e2eRequest
	for _, m := range e.access.Records("request") {
		r := e2eRequest{}
		r.Method, _ = m["method"].(string)
		r.Path, _ = m["path"].(string)
		r.UA, _ = m["ua"].(string)
		if s, ok := m["status"].(float64); ok {
			r.Status = int(s)
		}
		out = append(out, r)
	}
	return out
}

// get sends a request to the service; headers are name, value pairs.
func (e *e2eService) get(t *testing.T, method, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// No transparent gzip: the bytes compared are the bytes served.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, body
}

// startSim starts a MISP emulator on loopback holding events.
func startSim(t *testing.T, events ...mispsim.Event) (*mispsim.Server, string) {
	t.Helper()
	sim := misptest.Emulator(t, events...)
	simURL, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, simURL
}

// mispSwitch is a reverse proxy standing for one MISP whose data changes:
// each state of the data is its own emulator, and the test moves the
// proxy from one to the next. The service only ever sees the proxy.
type mispSwitch struct {
	target atomic.Pointer[url.URL]
	URL    string
}

func newMISPSwitch(t *testing.T, first string) *mispSwitch {
	t.Helper()
	m := &mispSwitch{}
	m.set(t, first)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(m.target.Load()) }}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

// set sends every later request to the emulator at target.
func (m *mispSwitch) set(t *testing.T, target string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	m.target.Store(u)
}

// blockEvent is a published event of the site's block feed.
func blockEvent(info string, attrs ...mispsim.Attribute) mispsim.Event {
	return mispsim.Event{Info: info, Published: true, Tags: []string{e2eTag + ":incident-classification=block"}, Attributes: attrs}
}

// attr is a to_ids attribute.
func attr(typ, value string) mispsim.Attribute {
	return mispsim.Attribute{Type: typ, Value: value, ToIDS: true}
}

// rpzZoneConfig is a dns: section of config.yaml listening on listen and
// serving the zone rpz.cratos of the feed block with token, whose further
// settings are zone (YAML lines indented as the zone's keys).
func rpzZoneConfig(listen, token, zone string) string {
	return fmt.Sprintf(`dns:
  listen: %q
  zones:
    - name: rpz.cratos
      token: %q
      feed: block
`, listen, token) + zone
}

// startZoneE2E starts the end-to-end service with the zone rpz.cratos of
// rpzZoneConfig on 127.0.0.1:0, with the service's token, without starting
// its DNS primary.
func startZoneE2E(t *testing.T, mispURL, zone string) *e2eService {
	t.Helper()
	return startE2E(t, mispURL, func(token string) string { return rpzZoneConfig("127.0.0.1:0", token, zone) })
}

// startDNSE2E starts the end-to-end service with the zone rpz.cratos of
// rpzZoneConfig on 127.0.0.1:port, and starts its DNS primary until t ends.
func startDNSE2E(t *testing.T, mispURL string, port int, zone string) *e2eService {
	t.Helper()
	e := startE2E(t, mispURL, func(token string) string {
		return rpzZoneConfig("127.0.0.1:"+strconv.Itoa(port), token, zone)
	})
	startDNSOf(t, e)
	return e
}

// startDNSOf starts the DNS primary of e until t ends.
func startDNSOf(t *testing.T, e *e2eService) {
	t.Helper()
	stop, err := startDNS(e.cfg, e.svc, newLogger(e.log, true))
	if err != nil {
		t.Fatalf("startDNS: %v", err)
	}
	t.Cleanup(stop)
}

// heldNamesEvent is an event blocking the n names d000.held.example,
// d001.held.example, ...
func heldNamesEvent(n int) mispsim.Event {
	var attrs []mispsim.Attribute
	for i := range n {
		attrs = append(attrs, attr("domain", fmt.Sprintf("d%03d.held.example", i)))
	}
	return blockEvent("names", attrs...)
}

// assembleFromFile loads the config.yaml at path, gives it the settings
// of flags and assembles the service as serve does, its log JSON lines
// in the buffer returned; the service is closed when the test ends.
func assembleFromFile(t *testing.T, path string, flags startFlags) (*service, *slog.Logger, *e2eBuffer) {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	flags.apply(cfg)
	logger, logs := testtool.JSONLogger()
	svc, err := assemble(cfg, nil, renderers.Builtin().Clone(), logger, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.close)
	svc.flags = flags
	return svc, logger, logs
}
