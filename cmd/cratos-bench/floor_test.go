package main

import (
	"net/http"
	"os"
	"slices"
	"testing"
)

// TestMain lets the test binary stand in for cratos-bench when
// TestQuickRun re-runs it as the floor server.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == floorCommand {
		os.Exit(runFloor(os.Args[2:], os.Stderr))
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
