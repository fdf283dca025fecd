// Package goldentest is the golden-file harness of the renderer tests. It
// owns the -update flag and is imported only from _test.go files, so the
// production binaries never link it.
//
// A renderer's golden cases live in its testdata directory, one directory
// per case:
//
//	testdata/<case>/request.json   data type, options, site, feed, generated
//	testdata/<case>/input.jsonl    one indicator per line
//	testdata/<case>/output<ext>    the expected bytes (<ext> is Info().Extension)
//	testdata/<case>/drops.txt      the expected drop report, "reason: count" lines
//
// and the renderer's golden test is one call: goldentest.Run(t, Renderer{}).
package goldentest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cratos-project/cratos/conformance"
)

func init() {
	// A test binary may define -update itself; File reads whichever flag
	// holds the name.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
}

// Updating reports whether the test binary runs with -update.
func Updating() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if b, ok := g.Get().(bool); ok {
			return b
		}
	}
	return f.Value.String() == "true"
}

// File compares got with the file at path. With -update it writes got to
// path instead, creating directories as needed. A mismatch fails t with the
// first differing line of each side.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden %s: output differs (run go test with -update to accept it)\n%s", path, conformance.FirstDifference(want, got))
	}
}
