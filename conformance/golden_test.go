package conformance

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestGoldenCompareAndUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "case", "out.txt")
	defer flag.Set("update", strconv.FormatBool(Updating()))

	if err := flag.Set("update", "true"); err != nil {
		t.Fatal(err)
	}
	Golden(t, path, []byte("a\r\nb"))
	if err := flag.Set("update", "false"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "a\r\nb" {
		t.Fatalf("-update wrote %q, %v; want %q", got, err, "a\r\nb")
	}
	Golden(t, path, []byte("a\r\nb")) // matches: must not fail
}

func TestUpdatingFollowsFlag(t *testing.T) {
	defer flag.Set("update", strconv.FormatBool(Updating()))
	for _, v := range []string{"true", "false"} {
		if err := flag.Set("update", v); err != nil {
			t.Fatal(err)
		}
		if got := Updating(); got != (v == "true") {
			t.Errorf("Updating() with -update=%s = %v", v, got)
		}
	}
}

func TestFirstDifference(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		msg       string
	}{
		{"second line", "a\nb\nc", "a\nx\nc", "line 2:\n  want \"b\\n\"\n  got  \"x\\n\"\n(want 5 bytes, got 5 bytes)"},
		{"missing tail", "a\nb", "a\n", "line 2:\n  want \"b\"\n  got  \"\"\n(want 3 bytes, got 2 bytes)"},
		{"CRLF versus LF", "a\r\nb", "a\nb", "line 1:\n  want \"a\\r\\n\"\n  got  \"a\\n\"\n(want 4 bytes, got 3 bytes)"},
		{"equal", "same", "same", "want 4 bytes, got 4 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstDifference([]byte(tt.want), []byte(tt.got)); got != tt.msg {
				t.Errorf("firstDifference = %q, want %q", got, tt.msg)
			}
		})
	}
}
