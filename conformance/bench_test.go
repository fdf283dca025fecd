package conformance

import (
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

func TestCountWriter(t *testing.T) {
	var n countWriter
	for _, s := range []string{"abc", "", "de"} {
		if got, err := n.Write([]byte(s)); got != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, got, err)
		}
	}
	if n != 5 {
		t.Fatalf("counted %d bytes, want 5", n)
	}
}

func BenchmarkRenderLines(b *testing.B) {
	BenchmarkRender(b, linesRenderer{}, renderers.Request{}, Generated(10_000, 1))
}
