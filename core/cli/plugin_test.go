package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	"github.com/cratos-project/cratos/plugins"
)

// buildPlugin compiles the plugin of the main package pkg (a path below
// the module's plugins/) and returns its path and sha256.
func buildPlugin(t *testing.T, pkg string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	testtool.GoBuildTo(t, dir, "github.com/cratos-project/cratos/plugins/"+pkg)
	bin := filepath.Join(dir, path.Base(pkg))
	sum, err := plugins.SHA256File(bin)
	if err != nil {
		t.Fatal(err)
	}
	return bin, sum
}

// TestPluginCheck runs `cratos plugin check` on the example plugin, which
// conforms, and on a path where there is none.
func TestPluginCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example plugin")
	}
	bin, _ := buildPlugin(t, "example/routeros")
	if code, out, stderr := run1("plugin", "check", bin); code != 0 || out != "plugin check: OK\n" {
		t.Fatalf("plugin check %s: exit %d, stdout %q, stderr %q", bin, code, out, stderr)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	if code, _, stderr := run1("plugin", "check", missing); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Fatalf("plugin check %s: exit %d, stderr %q; want 1 and a missing file error", missing, code, stderr)
	}
}

// TestServeWithExamplePlugin runs `cratos serve` with the example plugin
// configured and serves a feed through it.
func TestServeWithExamplePlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin binary")
	}
	bin, sum := buildPlugin(t, "example/routeros")
	sim := misptest.Emulator(t, mispsim.Event{Info: "e", Published: true, Tags: []string{"example:incident-classification=block"},
		Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "198.51.100.7", ToIDS: true}, {Type: "ip-dst", Value: "2001:db8::/32", ToIDS: true}}})
	simURL, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	port := testtool.FreePort(t)
	pluginConf := fmt.Sprintf("listen: 127.0.0.1:%d\nplugins:\n  - name: routeros\n    path: %s\n    sha256: %s\n", port, bin, sum)
	cfg := writeConfig(t, testConfig+pluginConf)
	sites := filepath.Join(filepath.Dir(filepath.Dir(cfg)), "sites")
	if err := os.WriteFile(filepath.Join(sites, "127.0.0.1.yaml"), []byte("tag: example\nallowed_ips: [127.0.0.1/32]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	simPort := simURL[strings.LastIndexByte(simURL, ':')+1:]
	cl := auth.Claims{Proto: "http", Port: atoi(simPort), Host: "127.0.0.1", Key: mispsim.DefaultKey, Expires: "2099-01-01"}
	token, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Mint(cl)
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan int, 1)
	var stderr testtool.LogBuffer
	go func() { done <- Run([]string{"serve", "--config", cfg}, io.Discard, &stderr) }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitUp(t, base)
	resp, body := pull(t, base+"/v1/feed/block/type/ipv4ext/age/1y/output/routeros", token)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `add list="cratos" address=198.51.100.7`) {
		t.Errorf("plugin feed: %d\n%s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/v1/renderers")
	if err != nil {
		t.Fatal(err)
	}
	list, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(list), `"name":"routeros"`) {
		t.Errorf("/v1/renderers does not list the plugin")
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metricsText), `cratos_plugin_restarts_total{plugin="routeros"} 0`) {
		t.Errorf("/metrics lacks the plugin's restart count")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}

	// A wrong checksum or a name taken by a built-in stops start-up.
	for _, tc := range []struct{ extra, want string }{
		{fmt.Sprintf("plugins:\n  - name: routeros\n    path: %s\n    sha256: %s\n", bin, strings.Repeat("0", 64)), "sha256"},
		{fmt.Sprintf("plugins:\n  - name: txt\n    path: %s\n    sha256: %s\n", bin, sum), "txt"},
	} {
		cfg := writeConfig(t, testConfig+tc.extra)
		code, _, errOut := run1("serve", "--config", cfg, "--listen", "127.0.0.1:0")
		if code != 2 || !strings.Contains(strings.ToLower(errOut), tc.want) {
			t.Errorf("serve with %q: exit %d, %q", tc.extra, code, errOut)
		}
	}
}

func waitUp(t *testing.T, base string) {
	t.Helper()
	testtool.WaitFor(t, base+" to come up", time.Minute, func() bool {
		resp, err := http.Get(base + "/v1/status?sites=0")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
}
