package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestGoBuild builds a program from the module root as cratos-bench
// builds cratos and mispsim when --cratos and --mispsim are not given
// (TestQuickRun gives them, built with the other tests' programs).
func TestGoBuild(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	t.Setenv("GOFLAGS", testtool.SharedGoFlags()) // the tests' compiled packages serve
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := moduleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "hello")
	if err := goBuild(context.Background(), root, "./cmd/cratos-bench/testdata/hello", out); err != nil {
		t.Fatal(err)
	}
	if got, err := exec.Command(out).Output(); err != nil || string(got) != "hello\n" {
		t.Fatalf("the built program printed %q, %v", got, err)
	}
	if err := goBuild(context.Background(), root, "./cmd/cratos-bench/testdata/absent", out); err == nil || !strings.Contains(err.Error(), "go build ./cmd/cratos-bench/testdata/absent") {
		t.Fatalf("building an absent package: %v", err)
	}
}

func TestParseMemStatus(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		rss, hwm  int64
		wantError bool
	}{
		{"both", "Name:\tcratos\nVmPeak:\t  900 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t5\n", 1024 << 10, 2048 << 10, false},
		{"no peak", "VmRSS:\t  1024 kB\n", 0, 0, true},
		{"odd unit", "VmHWM:\t  2 MB\nVmRSS:\t  1 MB\n", 0, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rss, hwm, err := parseMemStatus(bufio.NewScanner(strings.NewReader(tc.in)))
			if (err != nil) != tc.wantError || rss != tc.rss || hwm != tc.hwm {
				t.Errorf("got %d, %d, %v; want %d, %d, error %v", rss, hwm, err, tc.rss, tc.hwm, tc.wantError)
			}
		})
	}
	rss, hwm, err := memStatus(os.Getpid())
	if err != nil || rss <= 0 || hwm < rss {
		t.Errorf("own memory status: rss %d, hwm %d, %v", rss, hwm, err)
	}
}

func TestParseCPUTime(t *testing.T) {
	cases := []struct {
		name, in  string
		want      time.Duration
		wantError bool
	}{
		{"plain", "4242 (cratos) S 1 4242 4242 0 -1 4194560 5000 0 0 0 310 52 0 0 20 0 9 0 100 1000000 2000 18446744073709551615\n", 3620 * time.Millisecond, false},
		{"name with spaces and brackets", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 1 1\n", 30 * time.Millisecond, false},
		{"no name", "7 a R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0\n", 0, true},
		{"cut short", "7 (a) R 1 7 7 0 -1 0 0 0 0 0 1\n", 0, true},
		{"not a number", "7 (a) R 1 7 7 0 -1 0 0 0 0 0 x 2 0\n", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCPUTime(tc.in)
			if (err != nil) != tc.wantError || got != tc.want {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tc.want, tc.wantError)
			}
		})
	}
	if own, err := cpuTime(os.Getpid()); err != nil || own < 0 {
		t.Errorf("own CPU time: %v, %v", own, err)
	}
}
