package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// A second serve started by mistake (by hand beside the service, or a
// mistyped --listen) says why it cannot listen before anything that may
// wait: it did so only after waiting for the state_dir the running one
// holds, a minute by default.
func TestServeListenFailsBeforeStateWait(t *testing.T) {
	t.Cleanup(func() { stateInUseGaveUp.Store(false) })
	defer func(w time.Duration) { stateInUseWait = w }(stateInUseWait)
	stateInUseWait = 2 * time.Second

	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	tests := []struct{ name, listen, want string }{
		{"port in use", held.Addr().String(), "address already in use"},
		{"invalid port", "127.0.0.1:80808", "invalid port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, testConfig)
			defer holdDir(t, filepath.Join(filepath.Dir(filepath.Dir(cfg)), "state", "lists"))()
			code, _, stderr := run1("serve", "--config", cfg, "--listen", tc.listen)
			if code != 2 || !strings.Contains(stderr, "cratos: listen "+tc.listen+": ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and listen %s: …%s", code, stderr, tc.listen, tc.want)
			}
			if strings.Contains(stderr, "state_dir") {
				t.Errorf("state_dir was opened (and waited for) before the address was tried:\n%s", stderr)
			}
		})
	}
}

// --state-dir puts what must survive a restart where the service
// manager gives the service a writable directory (systemd's
// StateDirectory, a container's volume): the default, state/ beside a
// read-only config/, is not written under ProtectSystem=strict or a
// read-only mount, and every last good list was then lost at a restart.
func TestServeStateDirFlag(t *testing.T) {
	cfg := writeConfig(t, testConfig+"listen: 127.0.0.1:0\n")
	stateDir := filepath.Join(t.TempDir(), "var-lib-cratos")
	var stdout bytes.Buffer
	stderr := &e2eBuffer{}
	done := make(chan int, 1)
	go func() { done <- Run([]string{"serve", "--config", cfg, "--state-dir", stateDir}, &stdout, stderr) }()
	testtool.WaitFor(t, "serve listening", time.Minute, func() bool {
		return len(done) > 0 || strings.Contains(stderr.String(), `"msg":"listening"`)
	}, stderr.String)
	if len(done) > 0 {
		t.Fatalf("serve ended at start-up, exit %d:\n%s", <-done, stderr.String())
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, stderr.String())
	}
	if st, err := os.Stat(filepath.Join(stateDir, "lists")); err != nil || !st.IsDir() {
		t.Errorf("lists/ not created under --state-dir: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(cfg)), "state")); !os.IsNotExist(err) {
		t.Errorf("state/ beside config/ was used despite --state-dir (stat: %v)", err)
	}
}
