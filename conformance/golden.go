package conformance

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func init() {
	// Another package of the same test binary may have defined -update
	// already; Golden reads whichever flag holds the name.
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

// Golden compares got with the file at path (conventionally
// testdata/<case>/<name>). With -update it writes got to path instead,
// creating directories as needed. A mismatch fails t with the first
// differing line of each side.
func Golden(t *testing.T, path string, got []byte) {
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
		t.Errorf("golden %s: output differs (run go test with -update to accept it)\n%s", path, firstDifference(want, got))
	}
}

// firstDifference describes where want and got first differ, by line.
func firstDifference(want, got []byte) string {
	wl := bytes.SplitAfter(want, []byte("\n"))
	gl := bytes.SplitAfter(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q\n(want %d bytes, got %d bytes)", i+1, w, g, len(want), len(got))
		}
	}
	return fmt.Sprintf("want %d bytes, got %d bytes", len(want), len(got))
}
