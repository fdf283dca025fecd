package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for cratos-bench when
// TestQuickRun re-runs it as the floor server.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == floorCommand {
		main() // as cratos-bench runs it, signals included; main exits
	}
	os.Exit(m.Run())
}

func TestHeaderFlags(t *testing.T) {
	cases := []struct {
		in      string
		want    [2]string
		wantErr bool
	}{
		{`ETag: "abc"`, [2]string{"ETag", `"abc"`}, false},
		{"X-Cratos-Dropped: guard: reserved=1", [2]string{"X-Cratos-Dropped", "guard: reserved=1"}, false},
		{"Vary:", [2]string{"Vary", ""}, false},
		{"no colon", [2]string{}, true},
		{": value", [2]string{}, true},
	}
	for _, tc := range cases {
		var h headerFlags
		err := h.Set(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("Set(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (len(h) != 1 || h[0] != tc.want) {
			t.Errorf("Set(%q) = %q, want %q", tc.in, h, tc.want)
		}
	}
}

func TestFloorHeaders(t *testing.T) {
	h := http.Header{
		"Etag":             {`"abc"`},
		"X-Cratos-Entries": {"12"},
		"Content-Length":   {"100"},
		"Date":             {"Thu, 03 Dec 2026 22:00:00 GMT"},
		"Content-Encoding": {"gzip"},
		"Connection":       {"keep-alive"},
	}
	got := floorHeaders(h)
	slices.Sort(got)
	if want := []string{`Etag: "abc"`, "X-Cratos-Entries: 12"}; !slices.Equal(got, want) {
		t.Errorf("floorHeaders = %q, want %q", got, want)
	}
}

// TestFloorServerStopsOnSIGTERM starts the floor server as cratos-bench
// does (this binary re-run) and checks that SIGTERM stops it at once,
// with its access log written, rather than after proc.stop's grace.
func TestFloorServerStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	body, gz, log := filepath.Join(dir, "body"), filepath.Join(dir, "body.gz"), filepath.Join(dir, "access.log")
	for _, f := range []string{body, gz} {
		if err := os.WriteFile(f, []byte("192.0.2.1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + floorPath
	p, err := startProc("floor server", self, dir, nil, floorCommand, "--listen", "127.0.0.1:"+strconv.Itoa(port),
		"--body", body, "--gzip", gz, "--log", log, "--header", `ETag: "x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			break
		}
		if p.exited() || ctx.Err() != nil {
			t.Fatalf("the floor server does not answer: %v\n%s", err, p.log.tail(40))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the floor server still runs 30 s after SIGTERM")
	}
	if p.err != nil {
		t.Fatalf("exit: %v\n%s", p.err, p.log.tail(40))
	}
	if data, err := os.ReadFile(log); err != nil || !strings.Contains(string(data), floorPath) {
		t.Errorf("access log %q (%v): want the request's line", data, err)
	}
}
