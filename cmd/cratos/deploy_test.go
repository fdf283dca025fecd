package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// deployFile reads a file of deploy/ at the repository root.
func deployFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unitSettings returns the Key=value lines of a unit file's [Service]
// section; repeated keys keep every value.
func unitSettings(unit string) map[string][]string {
	out := map[string][]string{}
	section := ""
	for line := range strings.Lines(unit) {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		case section == "[Service]":
			k, v, _ := strings.Cut(line, "=")
			out[k] = append(out[k], v)
		}
	}
	return out
}

// TestDeployUnit checks deploy/cratos.service: the hardening settings
// Cratos is meant to run with, then `systemd-analyze verify` (no warning
// about the unit) and `systemd-analyze security --offline` (exposure
// under 2.0) when systemd-analyze is installed. The systemd checks are
// skipped without it, in CI too: build machines need not run systemd.
func TestDeployUnit(t *testing.T) {
	t.Parallel()
	unit := deployFile(t, "cratos.service")
	got := unitSettings(unit)
	tests := []struct{ key, want string }{
		{"User", "cratos"},
		// /etc is read-only under ProtectSystem=strict: state goes to
		// StateDirectory, or no last good list survives a restart.
		{"ExecStart", "/usr/local/bin/cratos serve --config /etc/cratos/config/config.yaml --state-dir /var/lib/cratos"},
		{"StateDirectory", "cratos"},
		{"ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Restart", "on-failure"},
		{"NoNewPrivileges", "yes"},
		{"ProtectSystem", "strict"},
		{"ProtectHome", "yes"},
		{"PrivateTmp", "yes"},
		{"PrivateDevices", "yes"},
		{"ProtectKernelTunables", "yes"},
		{"ProtectKernelModules", "yes"},
		{"ProtectKernelLogs", "yes"},
		{"RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX AF_NETLINK"},
		{"CapabilityBoundingSet", ""},
		{"AmbientCapabilities", ""},
		{"SystemCallFilter", "@system-service"},
		{"ReadWritePaths", "/var/log/cratos"},
		{"LogsDirectory", "cratos"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			vs, ok := got[tc.key]
			if !ok || !strings.Contains(strings.Join(vs, "\n")+"\n", tc.want+"\n") {
				t.Errorf("%s=%q, want %q", tc.key, vs, tc.want)
			}
		})
	}
	// Shutdown drains for up to 30 s; systemd must wait longer.
	if d, err := time.ParseDuration(strings.Join(got["TimeoutStopSec"], "")); err != nil || d <= 30*time.Second {
		t.Errorf("TimeoutStopSec=%q, want more than the 30 s drain", got["TimeoutStopSec"])
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not found (Debian package systemd): unit not verified")
	}
	// verify wants the binary to exist: point ExecStart at a built one.
	dir := t.TempDir()
	path := filepath.Join(dir, "cratos.service")
	testtool.WriteFile(t, path, strings.ReplaceAll(unit, "/usr/local/bin/cratos", cratosBinary(t)))
	t.Run("systemd-analyze verify", func(t *testing.T) {
		out, err := exec.Command(analyze, "verify", path).CombinedOutput()
		if err != nil || strings.Contains(string(out), "cratos.service") {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	})
	t.Run("systemd-analyze security", func(t *testing.T) {
		out, err := exec.Command(analyze, "security", "--offline=yes", path).CombinedOutput()
		if err != nil && strings.Contains(string(out), "offline") {
			t.Skipf("systemd-analyze security --offline is not supported here: %s", out)
		}
		m := regexp.MustCompile(`Overall exposure level for cratos\.service: ([0-9.]+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("systemd-analyze security: %v\n%s", err, out)
		}
		if score, _ := strconv.ParseFloat(string(m[1]), 64); score >= 2 {
			t.Errorf("exposure level %s, want under 2.0\n%s", m[1], out)
		}
	})
}

// TestDeployNginx checks deploy/nginx-cratos.conf: the settings the
// README promises, `nginx -t` on it inside a minimal main configuration
// with a self-signed certificate made for the test, and then a real nginx
// in front of a real cratos configured with the README's
// trusted_proxies: a list fetched over TLS through the proxy arrives
// intact, and cratos sees the client's own address, not one the client
// put in X-Forwarded-For.
func TestDeployNginx(t *testing.T) {
	t.Parallel()
	conf := deployFile(t, "nginx-cratos.conf")
	for _, want := range []string{
		"listen 443 ssl;", "server 127.0.0.1:8080;", "proxy_pass http://cratos;",
		"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", "gzip off;", "proxy_buffering on;",
		"proxy_read_timeout 330s;", "trusted_proxies: [127.0.0.1/32]",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx-cratos.conf lacks %q", want)
		}
	}
	nginx := testtool.Require(t, "nginx", "nginx-light")
	openssl := testtool.Require(t, "openssl", "openssl")

	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if out, err := exec.Command(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=cratos.example.net").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	// localConf is the file with the paths of this test.
	localConf := func(listen string, upstream string) string {
		r := strings.NewReplacer(
			"/etc/ssl/certs/cratos.example.net.crt", cert,
			"/etc/ssl/private/cratos.example.net.key", key,
			"/var/log/nginx/", dir+"/",
			"listen 443 ssl;", "listen "+listen+" ssl;",
			"listen [::]:443 ssl;", "",
			"server 127.0.0.1:8080;", "server "+upstream+";",
		)
		return r.Replace(conf)
	}
	// mainConf wraps the server file as the http block's include.
	mainConf := func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "pid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\ndaemon off;\nmaster_process off;\nevents {}\nhttp {\n", dir)
		for _, tmp := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			fmt.Fprintf(&b, "    %s_temp_path %s/%s;\n", tmp, dir, tmp)
		}
		fmt.Fprintf(&b, "    include %s/%s;\n}\n", dir, name)
		return b.String()
	}

	t.Run("nginx -t", func(t *testing.T) {
		testtool.WriteFile(t, filepath.Join(dir, "server-check.conf"), localConf("443", "127.0.0.1:8080"))
		testtool.WriteFile(t, filepath.Join(dir, "check.conf"), mainConf("server-check.conf"))
		out, err := exec.Command(nginx, "-t", "-p", dir, "-c", filepath.Join(dir, "check.conf")).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "test is successful") {
			t.Fatalf("nginx -t: %v\n%s", err, out)
		}
	})

	t.Run("proxied request", func(t *testing.T) {
		m := startBlockMISP(t)
		p := startCratos(t, procOptions{MISP: m.URL(), Config: "trusted_proxies: [127.0.0.1/32]\n"})
		port := testtool.FreePort(t)
		testtool.WriteFile(t, filepath.Join(dir, "server-run.conf"), localConf("127.0.0.1:"+strconv.Itoa(port), p.addr))
		testtool.WriteFile(t, filepath.Join(dir, "run.conf"), mainConf("server-run.conf"))
		out := testtool.StartDaemon(t, "nginx", exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "run.conf"))).Log
		testtool.WaitFor(t, "nginx to listen", time.Minute, func() bool { return accepts("127.0.0.1:" + strconv.Itoa(port)) })

		// The client connects from 127.0.0.3 and claims to be 203.0.113.5.
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			DisableCompression: true,
			TLSClientConfig:    &tls.Config{InsecureSkipVerify: true, ServerName: "cratos.example.net"},
			DialContext:        dialerFrom("127.0.0.3", 5*time.Second).DialContext,
		}}
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("https://127.0.0.1:%d/v1/feed/block/type/ipv4/age/1d/output/txt", port), nil)
		req.Header.Set("token", p.token)
		req.Header.Set("X-Forwarded-For", "203.0.113.5")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request through nginx: %v\n%s", err, out.String())
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != blockIPv4Txt || resp.Header.Get("ETag") == "" {
			t.Fatalf("through nginx: %d %q ETag %q", resp.StatusCode, body, resp.Header.Get("ETag"))
		}
		var ips []any
		testtool.WaitFor(t, "the access log line", time.Minute, func() bool {
			ips = ips[:0]
			for _, r := range p.out.Records("request") {
				if strings.HasPrefix(r["path"].(string), "/v1/feed/") {
					ips = append(ips, r["ip"])
				}
			}
			return len(ips) > 0
		})
		if len(ips) != 1 || ips[0] != "127.0.0.3" {
			t.Errorf("cratos saw the client as %v, want 127.0.0.3", ips)
		}
		// A TAXII client or appliance with short fields sends the token
		// split across the Basic user name and password.
		user, pass := p.token[:len(p.token)/2], p.token[len(p.token)/2:]
		req, _ = http.NewRequest(http.MethodGet, fmt.Sprintf("https://127.0.0.1:%d/v1/feed/block/type/ipv4/age/1d/output/txt", port), nil)
		req.SetBasicAuth(user, pass)
		resp, err = client.Do(req)
		if err != nil {
			t.Fatalf("request through nginx: %v\n%s", err, out.String())
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != blockIPv4Txt {
			t.Fatalf("through nginx with Basic credentials: %d %q", resp.StatusCode, body)
		}
		// nginx logs the path without the query string, and no Basic user
		// name.
		var logged []byte
		testtool.WaitFor(t, "nginx's two access log lines", time.Minute, func() bool {
			logged, _ = os.ReadFile(filepath.Join(dir, "cratos.access.log"))
			return strings.Count(string(logged), "\n") >= 2
		})
		sc := bufio.NewScanner(strings.NewReader(string(logged)))
		for sc.Scan() {
			if strings.Contains(sc.Text(), p.token) || strings.Contains(sc.Text(), user) {
				t.Errorf("nginx logged the token: %s", sc.Text())
			}
		}
	})
}

// TestDeployContainerfile checks deploy/Containerfile: a Go build stage on
// the go.mod Go version with cgo off, and a final static image that runs
// cratos serve as a non-root user with the configuration under
// /etc/cratos.
func TestDeployContainerfile(t *testing.T) {
	cf := deployFile(t, "Containerfile")
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVersion == nil {
		t.Fatal("no go directive in go.mod")
	}
	var froms []string
	for line := range strings.Lines(cf) {
		if f, ok := strings.CutPrefix(strings.TrimSpace(line), "FROM "); ok {
			froms = append(froms, f)
		}
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"two stages", len(froms) == 2},
		{"build stage on golang:" + string(goVersion[1]), len(froms) > 0 && strings.Contains(froms[0], "golang:"+string(goVersion[1])+" ")},
		{"static build", strings.Contains(cf, "CGO_ENABLED=0 go build")},
		{"distroless static or scratch final stage", len(froms) == 2 && (strings.Contains(froms[1], "distroless/static") || froms[1] == "scratch")},
		{"non-root user", regexp.MustCompile(`(?m)^USER (nonroot|[1-9][0-9]*)`).MatchString(cf)},
		{"configuration at /etc/cratos", strings.Contains(cf, `"--config", "/etc/cratos/config/config.yaml"`)},
		// /etc/cratos is mounted read-only: state needs a volume of its own.
		{"state in a volume at /var/lib/cratos", strings.Contains(cf, `"--state-dir", "/var/lib/cratos"]`) &&
			regexp.MustCompile(`(?m)^VOLUME \[.*"/var/lib/cratos"`).MatchString(cf) &&
			regexp.MustCompile(`(?m)^COPY --from=build --chown=(65532|nonroot)\S* \S+ /var/lib/cratos$`).MatchString(cf)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("Containerfile: not %s (FROM lines %q)", tc.name, froms)
			}
		})
	}
}
