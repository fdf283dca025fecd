package harness

import (
	"bytes"
	"fmt"
)

// FirstDifference describes where want and got first differ, by line.
func FirstDifference(want, got []byte) string {
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
