package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func TestLaunchRendersFeed(t *testing.T) {
	p, _ := launch(t, Config{Name: "routeros", Path: binary(t, "routeros")})
	r := p.Renderer()
	if got := r.Info().Name; got != "routeros" {
		t.Fatalf("Info().Name = %q", got)
	}
	out, err := render(r, "block", []indicator.Indicator{
		{Type: indicator.IPv4, Value: "198.51.100.7", EventID: 42},
		{Type: indicator.IPv6Net, Value: "2001:db8::/32"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `# MikroTik RouterOS address list from Cratos; load with /import
# site misp.example, feed block
# generated 2027-01-15T08:00:00Z
/ip firewall address-list remove [find list="cratos"]
/ipv6 firewall address-list remove [find list="cratos"]
/ip firewall address-list
add list="cratos" address=198.51.100.7 comment="cratos e42"
/ipv6 firewall address-list
add list="cratos" address=2001:db8::/32 comment="cratos"
`
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out, want)
	}
	if err := renderers.ValidateOptions(r, map[string]string{"list": "bad list"}); err == nil ||
		err.Error() != `plugin routeros: renderer routeros: option list: want 1 to 63 letters, digits, '_', '.' or '-'; got "bad list"` {
		t.Fatalf("ValidateOptions = %v", err)
	}
	if p.Restarts() != 0 {
		t.Fatalf("Restarts = %d", p.Restarts())
	}
}

func TestLaunchConcurrentRenders(t *testing.T) {
	p, _ := launch(t, Config{Name: "routeros", Path: binary(t, "routeros")})
	in := ips(30_000)
	want, err := render(p.Renderer(), "block", in)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := render(p.Renderer(), "block", in)
			if err == nil && got != want {
				err = fmt.Errorf("output differs (%d bytes, want %d)", len(got), len(want))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestLaunchRefuses(t *testing.T) {
	routeros := binary(t, "routeros")
	sum, err := SHA256File(routeros)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cfg   Config
		is    error
		wants string
	}{
		{"wrong checksum", Config{Name: "routeros", Path: routeros, SHA256: strings.Repeat("ab", 32)}, ErrChecksum,
			"plugins: launch routeros: plugin binary checksum mismatch: " + routeros + " has sha256 " + sum + ", the configuration says " + strings.Repeat("ab", 32)},
		{"relative path", Config{Name: "routeros", Path: "routeros", SHA256: sum}, nil, `plugins: launch routeros: path "routeros" is not absolute`},
		{"short checksum", Config{Name: "routeros", Path: routeros, SHA256: "abc"}, nil, `plugins: launch routeros: sha256 "abc" is not 64 hex digits`},
		{"bad name", Config{Name: "Router OS", Path: routeros, SHA256: sum}, nil, `plugins: name "Router OS" is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)`},
		{"name mismatch", Config{Name: "mikrotik", Path: routeros, SHA256: sum}, nil, `plugins: launch mikrotik: the plugin calls itself "routeros"`},
		{"missing binary", Config{Name: "routeros", Path: "/nonexistent/routeros", SHA256: sum}, os.ErrNotExist, "plugins: launch routeros: plugins: checksum: open /nonexistent/routeros: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Launch(context.Background(), tt.cfg)
			if err == nil {
				p.Close()
				t.Fatal("Launch succeeded")
			}
			if err.Error() != tt.wants {
				t.Fatalf("Launch error:\n%s\nwant:\n%s", err, tt.wants)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("errors.Is(%v) = false", tt.is)
			}
		})
	}
}

func TestLaunchStartFailures(t *testing.T) {
	faulty := binary(t, "faulty")
	tests := []struct {
		name string
		as   string
		want string
	}{
		{"never handshakes", "hang-at-start", "timeout while waiting for plugin to start"},
		{"garbage handshake", "garbage-at-start", "Unrecognized remote plugin message: this is not a handshake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := copyBinary(t, faulty, tt.as)
			sum, _ := SHA256File(path)
			start := time.Now()
			p, err := Launch(context.Background(), Config{Name: "faulty", Path: path, SHA256: sum, StartTimeout: time.Second})
			if err == nil {
				p.Close()
				t.Fatal("Launch succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Launch error %q does not contain %q", err, tt.want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Fatalf("Launch took %v with a 1s start timeout", d)
			}
		})
	}
}

// TestFaultsFailOneRequest checks that each fault fails its own request
// with an *Error and that the next request is served, by a new process when
// the old one had to go.
func TestFaultsFailOneRequest(t *testing.T) {
	tests := []struct {
		binary       string
		feed         string
		is           error
		wantText     string
		wantRestarts int
	}{
		{"faulty", "panic", nil, "plugin faulty: renderer faulty panicked: faulty: boom", 0},
		{"faulty", "error", nil, "plugin faulty: faulty: refused", 0},
		{"faulty", "exit", ErrExited, "plugin faulty: plugin process exited: plugins: render faulty: receive output:", 1},
		{"faulty", "hang", ErrRenderTimeout, "plugin faulty: plugins: render faulty: receive output: plugin render deadline exceeded (2s)", 1},
		{"garbage", "chunk-after-status", ErrProtocol, "plugin garbage: plugin protocol violation: *proto.RenderOutput_Chunk after the final status", 1},
		{"garbage", "two-statuses", ErrProtocol, "plugin garbage: plugin protocol violation: *proto.RenderOutput_Status after the final status", 1},
		{"garbage", "oversized-chunk", ErrProtocol, "plugin garbage: plugin protocol violation: output chunk of 65537 bytes (limit 65536)", 1},
		{"garbage", "no-status", ErrProtocol, "plugin garbage: plugin protocol violation: output ended without a status", 1},
		{"garbage", "empty-message", ErrProtocol, "plugin garbage: plugin protocol violation: unexpected <nil> in the output", 1},
		{"garbage", "bad-drop", ErrProtocol, "plugin garbage: plugin protocol violation: drop report of -5 entries", 1},
	}
	for _, tt := range tests {
		t.Run(tt.binary+"/"+tt.feed, func(t *testing.T) {
			t.Parallel()
			p, rec := launch(t, Config{Name: tt.binary, Path: binary(t, tt.binary), RenderTimeout: 2 * time.Second})
			r := p.Renderer()
			_, err := render(r, tt.feed, ips(1000))
			var pe *Error
			if !errors.As(err, &pe) || pe.Plugin != tt.binary {
				t.Fatalf("Render error = %v (%T), want a *plugins.Error", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantText) {
				t.Fatalf("Render error:\n%s\nwant prefix:\n%s", err, tt.wantText)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("errors.Is(err, %v) = false for %v", tt.is, err)
			}
			out, err := render(r, "ok", ips(3))
			if err != nil {
				t.Fatalf("next request: %v", err)
			}
			if out == "" {
				t.Fatal("next request: no output")
			}
			if got := p.Restarts(); got != tt.wantRestarts {
				t.Fatalf("Restarts = %d, want %d", got, tt.wantRestarts)
			}
			if tt.wantRestarts > 0 {
				rec.waitFor(t, map[string]string{"msg": "plugin restarted", "plugin": tt.binary, "restarts": "1"})
			}
		})
	}
}

// TestCallerFaultsAreNotPluginFaults checks that the caller giving up or
// its writer failing is reported as such and leaves the plugin running.
func TestCallerFaultsAreNotPluginFaults(t *testing.T) {
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	tests := []struct {
		name    string
		feed    string
		w       io.Writer
		timeout time.Duration
		is      error
	}{
		{"caller deadline", "hang", io.Discard, 200 * time.Millisecond, context.DeadlineExceeded},
		{"writer fails", "ok", &failWriter{after: 10}, time.Minute, errDiskFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			err := p.Renderer().Render(ctx, tt.w, renderers.Request{Feed: tt.feed}, renderers.Slice(ips(5000)))
			var pe *Error
			if errors.As(err, &pe) || !errors.Is(err, tt.is) {
				t.Fatalf("Render error = %v, want %v and no *plugins.Error", err, tt.is)
			}
			if _, err := render(p.Renderer(), "ok", ips(3)); err != nil {
				t.Fatal(err)
			}
			if p.Restarts() != 0 {
				t.Fatalf("Restarts = %d, want 0", p.Restarts())
			}
		})
	}
}

func TestRestartVerifiesChecksum(t *testing.T) {
	path := copyBinary(t, binary(t, "faulty"), "faulty")
	p, _ := launch(t, Config{Name: "faulty", Path: path})
	// Replace the file as an upgrade would: the running process keeps the
	// old one.
	replacement := filepath.Join(t.TempDir(), "new")
	if err := os.WriteFile(replacement, []byte("#!/bin/sh\necho replaced\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(replacement, path); err != nil {
		t.Fatal(err)
	}
	if _, err := render(p.Renderer(), "exit", ips(3)); err == nil {
		t.Fatal("exit did not fail")
	}
	_, err := render(p.Renderer(), "ok", ips(3))
	var pe *Error
	if !errors.As(err, &pe) || !errors.Is(err, ErrChecksum) {
		t.Fatalf("Render after the binary changed = %v, want a *plugins.Error wrapping ErrChecksum", err)
	}
}

func TestEnvironmentNotInherited(t *testing.T) {
	t.Setenv("CRATOS_TEST_SECRET_MARKER", "misp-key-must-not-leak")
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	out, err := render(p.Renderer(), "env", nil)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"CRATOS_RENDERER_PLUGIN", "PLUGIN_CLIENT_CERT", "PLUGIN_MAX_PORT", "PLUGIN_MIN_PORT", "PLUGIN_PROTOCOL_VERSIONS"}
	for name := range strings.Lines(out) {
		name = strings.TrimSpace(name)
		if name != "" && !slices.Contains(allowed, name) {
			t.Errorf("the plugin sees %s; only %v are expected", name, allowed)
		}
	}
	if strings.Contains(out, "CRATOS_TEST_SECRET_MARKER") {
		t.Fatal("the host's environment reached the plugin")
	}
}

func TestOutputLoggedWithPluginName(t *testing.T) {
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	if _, err := render(p.Renderer(), "stderr", nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []map[string]string{
		{"msg": "plugin output", "plugin": "faulty", "stream": "stderr", "line": "faulty: redirected stderr line"},
		{"msg": "plugin output", "plugin": "faulty", "stream": "stderr", "line": "faulty: raw stderr line"},
		{"msg": "plugin output", "plugin": "faulty", "stream": "stdout", "line": "faulty: stdout line"},
	} {
		rec.waitFor(t, want)
	}
}

func TestClose(t *testing.T) {
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	p.mu.Lock()
	inst := p.cur
	p.mu.Unlock()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !inst.proc.Exited() {
		t.Fatal("the process still runs after Close")
	}
	_, err := render(p.Renderer(), "ok", ips(1))
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Render after Close = %v, want ErrClosed", err)
	}
	rec.waitFor(t, map[string]string{"msg": "plugin stopped", "plugin": "faulty"})
}

// TestWaitersShareAFailedStart: requests that arrive while the plugin is
// being started again, and that start hangs past its timeout, fail with
// that start instead of each starting the plugin again in turn; the next
// request tries again.
func TestWaitersShareAFailedStart(t *testing.T) {
	path := copyBinary(t, binary(t, "faulty"), "faulty")
	p, rec := launch(t, Config{Name: "faulty", Path: path, StartTimeout: time.Second})
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "hang-at-start"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := render(p.Renderer(), "exit", ips(3)); err == nil {
		t.Fatal("exit did not fail")
	}
	const requests = 4
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, requests)
	for i := range requests {
		wg.Go(func() { _, errs[i] = render(p.Renderer(), "ok", ips(3)) })
	}
	wg.Wait()
	took := time.Since(start)
	for i, err := range errs {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("request %d: %v, want a *plugins.Error", i, err)
		}
	}
	if n := rec.count(map[string]string{"msg": "plugin failed to start"}); n != 1 {
		t.Errorf("%d starts failed for %d requests waiting together, want 1", n, requests)
	}
	if took > 3*time.Second {
		t.Errorf("the requests took %v with a 1s start timeout", took)
	}
	if _, err := render(p.Renderer(), "ok", ips(3)); err == nil {
		t.Fatal("a start that hangs succeeded")
	}
	if n := rec.count(map[string]string{"msg": "plugin failed to start"}); n != 2 {
		t.Errorf("%d starts failed after the next request, want 2", n)
	}
}
