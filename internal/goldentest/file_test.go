package goldentest

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
	File(t, path, []byte("a\r\nb"))
	if err := flag.Set("update", "false"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "a\r\nb" {
		t.Fatalf("-update wrote %q, %v; want %q", got, err, "a\r\nb")
	}
	File(t, path, []byte("a\r\nb")) // matches: must not fail
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
