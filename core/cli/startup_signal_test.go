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
	waitOpeningFIFO(t, cmd, exited, out)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitChild(t, cmd, exited, out, func() bool { return strings.Contains(out.String(), `"msg":"listening"`) },
		"serve ended during start-up", "serve never listened")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("serve: %v\n%s", err, out.String())
	}
}

// waitOpeningFIFO waits up to a minute for a thread of cmd's process to be
// held opening a FIFO (the kernel's wait_for_partner, or fifo_open on
// older kernels), as /proc/PID/task/TID/wchan shows: a SIGHUP sent before
// serve catches it would end the process, as it would any program.
func waitOpeningFIFO(t *testing.T, cmd *exec.Cmd, exited <-chan error, out *e2eBuffer) {
	t.Helper()
	tasks := fmt.Sprintf("/proc/%d/task/*/wchan", cmd.Process.Pid)
	waitChild(t, cmd, exited, out, func() bool {
		files, _ := filepath.Glob(tasks)
		if len(files) == 0 {
			_ = cmd.Process.Kill()
			t.Skipf("no %s to see the child held at the FIFO", tasks)
		}
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && (string(b) == "wait_for_partner" || string(b) == "fifo_open") {
				return true
			}
		}
		return false
	}, "serve ended before opening the access log", "serve was not held opening the access log FIFO within a minute")
}

// waitChild polls cond every 20 ms until it holds, failing with ended and
// the child's output if the child exits first, and killing it and failing
// with late if a minute passes.
func waitChild(t *testing.T, cmd *exec.Cmd, exited <-chan error, out *e2eBuffer, cond func() bool, ended, late string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("%s: %v\n%s", ended, err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("%s:\n%s", late, out.String())
		}
	}
}
