package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/renderers"
)

// TestInitThenDevicePull is the first run of a new operator: cratos init
// against a MISP (the emulator), cratos check, cratos serve, and a device
// fetching the EDL URL init printed.
func TestInitThenDevicePull(t *testing.T) {
	_, simURL := startSim(t, blockEvent("init", attr("ip-dst", "198.51.100.7")))
	dir := t.TempDir()
	port := testtoolFreePort(t)
	listen := "127.0.0.1:" + port
	keyFile := filepath.Join(t.TempDir(), "misp.key")
	if err := os.WriteFile(keyFile, []byte(mispsim.DefaultKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run1("init", "--misp", simURL, "--key-file", keyFile, "--dir", dir, "--tag", e2eTag, "--listen", listen)
	if code != 0 {
		t.Fatalf("init: exit %d: %s%s", code, out, stderr)
	}
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(simURL, "http://"))
	for _, p := range []string{"config/config.yaml", "sites/" + host + ".yaml", "state"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("init did not create %s: %v", p, err)
		}
	}
	cfgPath := filepath.Join(dir, "config", "config.yaml")
	st, _ := os.Stat(cfgPath)
	if st != nil && st.Mode().Perm() != 0o600 {
		t.Errorf("config.yaml mode %v, want 0600 (it holds the token key)", st.Mode().Perm())
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.EncryptionKey) != 64 || len(cfg.Salt) != 32 || len(cfg.Warnings()) != 0 {
		t.Errorf("generated secrets: key %d chars, salt %d chars, warnings %q", len(cfg.EncryptionKey), len(cfg.Salt), cfg.Warnings())
	}
	m := regexp.MustCompile(`(?m)^  curl -s -H 'token: (\S+)' (http://\S+/output/edl)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "EDL URL") {
		t.Fatalf("init printed no device lines:\n%s", out)
	}
	token, edlURL := m[1], m[2]

	code, checkOut, stderr := run1("check", "--config", cfgPath)
	if code != 0 || !strings.Contains(checkOut, "MISP at "+simURL+" answers") || !strings.Contains(checkOut, "ok (0 warning(s))") {
		t.Errorf("check: exit %d:\n%s%s", code, checkOut, stderr)
	}

	svc, err := assemble(cfg, nil, renderers.Builtin().Clone(), slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	go svc.server.Serve(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = svc.server.Shutdown(ctx)
	}()
	resp, body := pull(t, edlURL, token)
	if resp.StatusCode != 200 || string(body) != "198.51.100.7\n" {
		t.Errorf("device pull: %d %q", resp.StatusCode, body)
	}

	// A second init does not overwrite anything.
	if code, _, stderr := run1("init", "--misp", simURL, "--key", mispsim.DefaultKey, "--dir", dir); code != 2 || !strings.Contains(stderr, "exists; not overwriting") {
		t.Errorf("second init: exit %d %q", code, stderr)
	}
}

func TestInitRefusesBadKeyOrDeadMISP(t *testing.T) {
	_, simURL := startSim(t)
	dead := "http://127.0.0.1:" + testtoolFreePort(t)
	tests := []struct {
		name, url, key, want string
	}{
		{"wrong key", simURL, strings.Repeat("Z", 40), "refuses the key"},
		{"no MISP", dead, mispsim.DefaultKey, "does not answer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := run1("init", "--misp", tc.url, "--key", tc.key, "--dir", dir)
			if code != 1 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, tc.key) {
				t.Errorf("exit %d, stderr %q; want 1 with %q and never the key", code, stderr, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files written after a failed check: %v", entries)
			}
		})
	}
}

// A bad flag is refused before MISP is asked and anything written, so
// that init can run again once it is corrected.
func TestInitRefusesBadFlags(t *testing.T) {
	_, simURL := startSim(t)
	tests := []struct{ flag, value, want string }{
		{"--listen", "8080", `init: --listen "8080": want host:port`},
		{"--listen", "127.0.0.1:99999", `init: --listen "127.0.0.1:99999": want host:port: port "99999"`},
		{"--expires", "2020-01-01", "init: --expires 2020-01-01 is not in the future: the token would already be expired"},
		{"--expires", time.Now().Format(time.DateOnly), "is not in the future"},
	}
	for _, tc := range tests {
		t.Run(tc.flag+" "+tc.value, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := run1("init", "--misp", simURL, "--key", mispsim.DefaultKey, "--dir", dir, tc.flag, tc.value)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 with %q", code, stderr, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files written: %v", entries)
			}
		})
	}
}

// check prints every warning and fails on an unreachable MISP.
func TestCheckWarnings(t *testing.T) {
	cfg := writeConfig(t, `encryption_key: "x"
salt: "<GENERATE ME>"
allways_allowed_ips: [127.0.0.1/32]
`)
	sites := filepath.Join(filepath.Dir(filepath.Dir(cfg)), "sites")
	dead := "http://127.0.0.1:" + testtoolFreePort(t)
	if err := os.WriteFile(filepath.Join(sites, "a.example.yaml"), []byte("tag: x\nmisp_url: "+dead+"\nmispTimeoutSeconds: 5\nblacklisted_api_tokens: [empty]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run1("check", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "1 MISP instance(s) do not answer") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"site a.example: MISP at " + dead + " does not answer",
		"warning: encryption_key has 1 characters",
		"warning: salt is a placeholder",
		"warning: allways_allowed_ips holds 127.0.0.1/32 and trusted_proxies is empty",
		"a.example.yaml:4: blacklisted_api_tokens: \"empty\"",
		"a.example.yaml: allowed_ips is empty: only allways_allowed_ips may read this site",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if code, out, _ := run1(args...); code != 0 || !strings.HasPrefix(out, "cratos ") {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
}

func testtoolFreePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, p, _ := net.SplitHostPort(l.Addr().String())
	return p
}

func TestReachable(t *testing.T) {
	host, _ := os.Hostname()
	for in, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		"0.0.0.0:8080":   net.JoinHostPort(host, "8080"),
		"[::]:9090":      net.JoinHostPort(host, "9090"),
		":8080":          net.JoinHostPort(host, "8080"),
		"[::1]:8080":     "[::1]:8080",
	} {
		if got := reachable(in); got != want {
			t.Errorf("reachable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInitRemovesWhatItWroteOnFailure: when the site file cannot be
// written (here a dangling link stands at its path, which the existence
// check does not see), the configuration written before it is removed,
// so that the next init is not refused for it.
func TestInitRemovesWhatItWroteOnFailure(t *testing.T) {
	_, simURL := startSim(t)
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(simURL, "http://"))
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sites"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "sites", host+".yaml")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run1("init", "--misp", simURL, "--key", mispsim.DefaultKey, "--dir", dir)
	if code == 0 || !strings.Contains(stderr, "file exists") {
		t.Fatalf("exit %d, stderr %q; want a failure naming the existing path", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "config", "config.yaml")); !os.IsNotExist(err) {
		t.Errorf("config.yaml left behind after a failed init: %v", err)
	}
}

// TestInitPrintsDialableURL: the device lines init prints name the listen
// address as a URL does: a service name as its port number, this
// machine's name for an unspecified host, an IPv6 zone with its % as %25.
func TestInitPrintsDialableURL(t *testing.T) {
	if _, err := net.LookupPort("tcp", "http-alt"); err != nil {
		t.Skip("no http-alt in this host's services:", err)
	}
	_, simURL := startSim(t)
	keyFile := filepath.Join(t.TempDir(), "misp.key")
	if err := os.WriteFile(keyFile, []byte(mispsim.DefaultKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hostname, _ := os.Hostname()
	for listen, want := range map[string]string{
		"localhost:http-alt":  "http://localhost:8080",
		":http":               "http://" + net.JoinHostPort(hostname, "80"),
		"[fe80::1%eth0]:8080": "http://[fe80::1%25eth0]:8080",
	} {
		code, out, stderr := run1("init", "--misp", simURL, "--key-file", keyFile, "--dir", t.TempDir(), "--listen", listen)
		token := regexp.MustCompile(`(?m)^token: (\S+)$`).FindStringSubmatch(out)
		if code != 0 || token == nil {
			t.Fatalf("--listen %s: exit %d: %s%s", listen, code, out, stderr)
		}
		for _, line := range []string{
			"  EDL URL (Palo Alto, IP list): " + want + "/v1/feed/block/type/ipv4/age/1y/output/edl?token=" + token[1] + "\n",
			"  curl -s -H 'token: " + token[1] + "' " + want + "/v1/feed/block/type/domain/age/1y/output/txt\n",
		} {
			if !strings.Contains(out, line) {
				t.Errorf("--listen %s: no line %q in:\n%s", listen, line, out)
			}
		}
	}
}

// A MISP that does not answer init within its 30 s is said to be cut off
// by init's limit: there is no caller's deadline, and no site file yet.
func TestInitNamesItsLimit(t *testing.T) {
	t.Parallel() // it mostly waits for init's limit to pass
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hung.Close()
	code, _, stderr := run1("init", "--misp", hung.URL, "--key", mispsim.DefaultKey, "--dir", t.TempDir())
	want := "cratos: init: MISP at " + hung.URL + " does not answer: MISP " + hung.URL + ": no answer within init's limit (30s)\n"
	if code != 1 || stderr != want {
		t.Errorf("exit %d, stderr %q; want 1 with %q", code, stderr, want)
	}
}
