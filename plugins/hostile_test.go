package plugins

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func TestPluginDeadlineIsWithinTheRenderDeadline(t *testing.T) {
	if DefaultRenderTimeout >= export.DefaultRenderTimeout {
		t.Fatalf("plugin deadline %s is not below the service's render deadline %s", DefaultRenderTimeout, export.DefaultRenderTimeout)
	}
}

// TestHungPluginAnswersWithinRenderDeadline builds a list through a
// plugin that hangs: the build fails with a plugin error (a 502) before
// the service's render deadline, and the plugin is restarted.
func TestHungPluginAnswersWithinRenderDeadline(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: 2 * time.Second})
	svc, mispURL := serviceWith(t, p, export.Options{RenderTimeout: 6 * time.Second})
	ipv4, _ := indicator.LookupDataType("ipv4")
	hang := &config.Site{Name: "fault-hang", Tag: "t", MISPTimeoutSeconds: 10}
	req := export.Request{Site: hang, MISPURL: mispURL, MISPKey: "k", Kind: export.KindFeed, Feed: "any", DataType: ipv4, Age: "1d", Output: "faulty", TTL: time.Minute}
	start := time.Now()
	_, err := svc.Get(context.Background(), req)
	took := time.Since(start)
	var pe *Error
	if !errors.As(err, &pe) || !errors.Is(err, ErrRenderTimeout) {
		t.Fatalf("hung plugin: %v, want a plugin error (502) wrapping ErrRenderTimeout", err)
	}
	if took >= 6*time.Second {
		t.Errorf("answered after %s, past the render deadline", took)
	}
	// The next list starts the plugin again within its own request's
	// render deadline, two minutes in a deployment: a service with as
	// much, so that a loaded machine's slow start is not taken for a
	// failure.
	after, _ := serviceWith(t, p, export.Options{RenderTimeout: 2 * time.Minute})
	req.Site = &config.Site{Name: "127.0.0.1", Tag: "t", MISPTimeoutSeconds: 10}
	if res, err := after.Get(context.Background(), req); err != nil || string(res.Body) != "198.51.100.7\n" {
		t.Fatalf("next list: %v", err)
	}
	if p.Restarts() != 1 {
		t.Errorf("Restarts = %d, want 1", p.Restarts())
	}
	rec.waitFor(t, map[string]string{"msg": "plugin restarted", "plugin": "faulty"})
}

// TestPluginOutputIsBounded: a plugin writing without end fails the
// build at render_max_bytes; nothing is cached and the service's memory
// stays bounded.
func TestPluginOutputIsBounded(t *testing.T) {
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	svc, mispURL := serviceWith(t, p, export.Options{Limits: export.Limits{RenderMaxBytes: 4 << 20}})
	ipv4, _ := indicator.LookupDataType("ipv4")
	req := export.Request{Site: &config.Site{Name: "fault-flood", Tag: "t", MISPTimeoutSeconds: 10}, MISPURL: mispURL, MISPKey: "k",
		Kind: export.KindFeed, Feed: "any", DataType: ipv4, Age: "1d", Output: "faulty", TTL: time.Minute}
	for range 2 {
		if _, err := svc.Get(context.Background(), req); !errors.Is(err, export.ErrRenderTooLarge) {
			t.Fatalf("endless plugin output: %v, want ErrRenderTooLarge", err)
		}
	}
}

// serviceWith returns an export service with opts that renders with the
// built-in renderers and p, and the URL of a MISP whose restSearch answers
// one IPv4 attribute.
func serviceWith(t *testing.T, p *Plugin, opts export.Options) (*export.Service, string) {
	t.Helper()
	reg := renderers.Builtin().Clone()
	if err := reg.Add(p.Renderer()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"response":{"Attribute":[{"type":"ip-dst","value":"198.51.100.7","to_ids":1}]}}`))
	}))
	t.Cleanup(srv.Close)
	opts.Renderers, opts.Store, opts.KeySecret = reg, cache.NewMemory(1<<20), []byte("k")
	return export.New(opts), srv.URL
}

// pluginPid returns the pid of p's running process.
func pluginPid(p *Plugin) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur.cmd.Process.Pid
}

func TestRunsTheVerifiedCopy(t *testing.T) {
	path := copyBinary(t, binary(t, "faulty"), "faulty")
	p, _ := launch(t, Config{Name: "faulty", Path: path})
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pluginPid(p)))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	if strings.HasPrefix(exe, path) || !strings.Contains(exe, "cratos-plugin-") {
		t.Errorf("the plugin runs %s, want a private copy of %s", exe, path)
	}
	if _, err := render(p.Renderer(), "ok", ips(3)); err != nil {
		t.Fatal(err)
	}
}

// TestPluginDiesWithTheService kills a service process (this test binary
// in helper mode) with SIGKILL: its plugin dies too.
func TestPluginDiesWithTheService(t *testing.T) {
	if os.Getenv("CRATOS_PLUGIN_PARENT") != "" {
		p, err := Launch(context.Background(), Config{Name: "faulty", Path: os.Getenv("CRATOS_PLUGIN_PARENT"), SHA256: os.Getenv("CRATOS_PLUGIN_SUM")})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("pid", pluginPid(p))
		time.Sleep(time.Hour)
	}
	bin := binary(t, "faulty")
	sum, err := SHA256File(bin)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPluginDiesWithTheService$")
	cmd.Env = append(os.Environ(), "CRATOS_PLUGIN_PARENT="+bin, "CRATOS_PLUGIN_SUM="+sum)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var word string
	var pid int
	if _, err := fmt.Fscan(out, &word, &pid); err != nil || word != "pid" {
		t.Fatalf("helper: %q %d %v", word, pid, err)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("plugin %d not running: %v", pid, err)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("plugin %d outlived its killed service", pid)
}

// alive reports whether pid runs (a zombie has ended).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// TestPluginChildrenDieWithIt: a process the plugin started itself does
// not outlive the plugin, whether the plugin is closed or crashes.
func TestPluginChildrenDieWithIt(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("process groups of plugins are killed on Linux")
	}
	tests := []struct {
		name string
		end  func(t *testing.T, p *Plugin)
	}{
		{"closed", func(t *testing.T, p *Plugin) { _ = p.Close() }},
		{"crashed", func(t *testing.T, p *Plugin) {
			if _, err := render(p.Renderer(), "exit", ips(1)); err == nil {
				t.Fatal("exit did not fail")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
			out, err := render(p.Renderer(), "fork", nil)
			if err != nil {
				t.Fatal(err)
			}
			child, err := strconv.Atoi(strings.TrimSpace(out))
			if err != nil || !alive(child) {
				t.Fatalf("no child running: %q %v", out, err)
			}
			t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
			tc.end(t, p)
			deadline := time.Now().Add(10 * time.Second)
			for alive(child) {
				if time.Now().After(deadline) {
					t.Fatalf("the plugin's child %d outlived it", child)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
