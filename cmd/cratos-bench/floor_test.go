package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
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
	code := m.Run()
	programs.Remove()
	os.Exit(code)
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

// TestFloorServerStopsOnSIGTERM starts the floor server as a run does
// (startFloor: this binary re-run, waited for until it answers) and
// checks that SIGTERM stops it at once, with its access log written,
// rather than after proc.stop's grace.
func TestFloorServerStopsOnSIGTERM(t *testing.T) {
	b := &bench{tmp: t.TempDir(), client: newClient(1)}
	defer b.close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	plain := response{header: http.Header{"Etag": {`"x"`}}, body: []byte("192.0.2.1\n")}
	f, err := b.startFloor(ctx, "sigterm", plain, response{body: []byte("gz")})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.p.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the floor server still runs 30 s after SIGTERM")
	}
	if err := f.p.Err(); err != nil {
		t.Fatalf("exit: %v\n%s", err, f.p.log.tail(40))
	}
	log := filepath.Join(b.tmp, "floor-sigterm", "access.log")
	if data, err := os.ReadFile(log); err != nil || !strings.Contains(string(data), floorPath) {
		t.Errorf("access log %q (%v): want the request's line", data, err)
	}
}
