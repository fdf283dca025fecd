package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestSIGHUPDuringStartup: a SIGHUP that arrives while serve starts (a
// reload sent as the service comes up) does not end the process. The
// start is held at opening the access log, a FIFO no one reads yet.
func TestSIGHUPDuringStartup(t *testing.T) {
	if cfg := os.Getenv("CRATOS_SERVE_HELPER"); cfg != "" {
		if err := runServe([]string{"--config", cfg}, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "access.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cfgText := fmt.Sprintf("encryption_key: %q\nsalt: %q\nlisten: \"127.0.0.1:0\"\naccess_log: %q\n", e2eEncryptionKey, e2eSalt, fifo)
	path := testtool.ConfigLayout(t, cfgText, map[string]string{"a.example.yaml": "tag: t\n"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGHUPDuringStartup$")
	cmd.Env = append(os.Environ(), "CRATOS_SERVE_HELPER="+path)
	out := &e2eBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	time.Sleep(time.Second) // the child is now held opening the FIFO
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), `"msg":"listening"`); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("serve ended during start-up: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("serve never listened:\n%s", out.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
}
