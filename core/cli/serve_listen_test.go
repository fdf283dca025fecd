package cli

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
