package server_test

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/metrics"
	"github.com/cratos-project/cratos/core/server"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

const (
	testEncKey = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	testSalt   = "0123456789abcdef0123456789abcdef"
)

// codec is shared: the key derivation is deliberately slow.
var codec = auth.NewCodec(testEncKey, testSalt)

// harness is a Cratos server on loopback in front of a MISP emulator.
type harness struct {
	t      testing.TB
	app    *fiber.App
	srv    *server.Server
	sim    *mispsim.Server
	simURL string
	site   *config.Site
	cfg    *config.Config
	base   string
	token  string
	claims auth.Claims
	logs   *testtool.LogBuffer
	// memcached, when set, is the address of a memcached used as the
	// shared cache level.
	memcached string
	// memcachedTimeout bounds each call of the shared level's memcached
	// client of the next server started (default a minute, for tests
	// whose subject is not the timeout). The namespace's generations have
	// a client of their own with a minute: one read or created past the
	// timeout would be made up locally, and the lists stored under keys
	// no other server builds.
	memcachedTimeout time.Duration
	// admin lists the harness token in admin_tokens.
	admin bool
	// consumer, when set, names the harness token in the site file.
	consumer string
	// holds and lookup are handed to the server for the console.
	holds  server.HoldLister
	lookup server.LookupFunc
	// mcs are the memcached clients of the servers started.
	mcs []*cache.Memcached
	// taxii, when set, keeps the TAXII collections across start calls.
	taxii *taxii.Manager
	// accessLog, when set, receives the access log instead of logs.
	accessLog io.Writer
	// sites, when set, are the sites served instead of site alone.
	sites *config.Sites
	// exportNow, when set, is the clock of the export service (MISP
	// fetch times), apart from the server's.
	exportNow func() time.Time
	// registry, when set, holds the renderers instead of the built-in ones.
	registry *renderers.Registry
	// buildTimeout, when set, is the export service's build timeout.
	buildTimeout time.Duration
	// maxBuilds, when set, is the export service's max_concurrent_builds.
	maxBuilds int
}

type harnessOption func(*harness)

func withSite(f func(*config.Site)) harnessOption     { return func(h *harness) { f(h.site) } }
func withConfig(f func(*config.Config)) harnessOption { return func(h *harness) { f(h.cfg) } }
func withMemcached(addr string) harnessOption         { return func(h *harness) { h.memcached = addr } }
func withAccessLog(w io.Writer) harnessOption         { return func(h *harness) { h.accessLog = w } }
func withExportClock(now func() time.Time) harnessOption {
	return func(h *harness) { h.exportNow = now }
}
func withMemcachedTimeout(d time.Duration) harnessOption {
	return func(h *harness) { h.memcachedTimeout = d }
}
func asAdmin() harnessOption                 { return func(h *harness) { h.admin = true } }
func withConsumer(name string) harnessOption { return func(h *harness) { h.consumer = name } }

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	sim := misptest.New(t, mispsim.Options{})
	h := &harness{t: t, sim: sim, logs: &testtool.LogBuffer{}}
	addFixture(t, sim)
	simURL := misptest.Serve(t, sim)
	h.simURL = simURL
	hostPort := strings.TrimPrefix(simURL, "http://")
	host, port, _ := net.SplitHostPort(hostPort)
	h.site = &config.Site{Name: host, Tag: "example", MISPTimeoutSeconds: 2, PageSize: 1000, ExpandLimit: 16,
		AllowedIPs:  config.Prefixes{mustPrefix(t, "127.0.0.0/8")},
		IgnoreToIDs: []string{"vulnerability", "snort", "yara", "sigma", "ja3"},
		CustomFeeds: config.CustomFeeds{{Name: "cust1", Suffixes: []string{":incident-classification=cust1"}}}}
	h.cfg = &config.Config{EncryptionKey: testEncKey, Salt: testSalt, Listen: "127.0.0.1:0", TokenMinting: config.MintAllowlist,
		AlwaysAllowedIPs: config.Prefixes{mustPrefix(t, "127.0.0.1/32")}, ReverseProxyHeader: "X-Forwarded-For", CacheMaxBytes: 64 << 20}
	for _, o := range opts {
		o(h)
	}
	h.claims = auth.Claims{Proto: "http", Port: atoi(port), Host: host, Key: mispsim.DefaultKey, Expires: "2099-01-01"}
	h.token = h.mint(h.claims)
	if h.admin {
		h.cfg.AdminTokens = append(h.cfg.AdminTokens, auth.Fingerprint(h.token))
	}
	if h.consumer != "" {
		h.site.Consumers = map[string]config.Consumer{auth.Fingerprint(h.token): {Name: h.consumer, ExpectEvery: 5 * time.Minute}}
	}
	h.start()
	return h
}

// setAdmins lists tokens' fingerprints in admin_tokens, as a reload of
// config.yaml does: for the running server and those started later.
func (h *harness) setAdmins(fingerprints ...string) {
	h.cfg.AdminTokens = fingerprints
	h.srv.SetAdminTokens(fingerprints)
}

// start starts a Cratos server for the harness; calling it again starts a
// second, independent server (another process, as far as caching goes)
// and points the harness at it.
func (h *harness) start() {
	t := h.t
	mem := cache.NewMemory(h.cfg.CacheMaxBytes)
	var generations cache.Store = mem
	var shared cache.Store
	var pinger cache.Pinger
	if h.memcached != "" {
		timeout := h.memcachedTimeout
		if timeout == 0 {
			timeout = time.Minute
		}
		mc := h.newMemcached(timeout)
		backoff := cache.NewBackoff(mc, 0, nil)
		generations, shared, pinger = h.newMemcached(time.Minute), backoff, backoff
	}
	secret := sha256.Sum256([]byte("test"))
	logger := slog.New(slog.NewJSONHandler(h.logs, nil))
	m := metrics.New()
	registry := h.registry
	if registry == nil {
		registry = renderers.Builtin()
	}
	exp := export.New(export.Options{Renderers: registry, Store: mem, Shared: shared, Namespace: cache.NewNamespace(generations, time.Second),
		KeySecret: secret[:], Logger: logger, Observer: m, NeverBlock: h.cfg.NeverBlock, Now: h.exportNow, BuildTimeout: h.buildTimeout,
		Limits: export.Limits{MaxBuilds: h.maxBuilds, ColdBuildsPerMinute: h.cfg.ColdBuildsPerMinute, RendersPerMinute: h.cfg.RendersPerMinute}})
	var accessLog io.Writer = h.logs
	if h.accessLog != nil {
		accessLog = h.accessLog
	}
	failLimit := 1 << 20
	if h.cfg.AuthFailLimit > 0 {
		failLimit = h.cfg.AuthFailLimit
	}
	sites := h.sites
	if sites == nil {
		sites = config.NewSites(h.site)
	}
	srv := server.New(server.Options{Config: h.cfg, Sites: sites, Codec: codec, Export: exp,
		Renderers: registry, Cache: pinger, CacheKind: "memory", Logger: logger, AccessLog: accessLog, FailLimit: failLimit, Metrics: m,
		Holds: h.holds, Lookup: h.lookup, TAXII: h.taxii})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.app, h.srv = srv.App(), srv
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	h.base = "http://" + ln.Addr().String()
}

// newMemcached returns a client of the harness's memcached whose calls
// each take at most timeout, closed when the test ends.
func (h *harness) newMemcached(timeout time.Duration) *cache.Memcached {
	mc, err := cache.NewMemcached(cache.Options{Servers: []string{h.memcached}, Timeout: timeout})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { mc.Close() })
	h.mcs = append(h.mcs, mc)
	return mc
}

func (h *harness) mint(cl auth.Claims) string {
	tok, err := codec.Mint(cl)
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// get performs a request; header pairs are name, value.
func (h *harness) do(method, path string, headers ...string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.base+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections() // the server caps connections per address
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, string(body)
}

// post sends body with the given content type.
func (h *harness) post(path, contentType, body string) (*http.Response, string) {
	h.t.Helper()
	resp, err := http.Post(h.base+path, contentType, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (h *harness) now() time.Time { return time.Now() }

func (h *harness) get(path string, headers ...string) (*http.Response, string) {
	return h.do("GET", path, headers...)
}

// authed is get with the harness token in the token header.
func (h *harness) authed(path string, headers ...string) (*http.Response, string) {
	return h.get(path, append([]string{"token", h.token}, headers...)...)
}

func mustPrefix(t testing.TB, s string) netip.Prefix {
	p, err := config.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
