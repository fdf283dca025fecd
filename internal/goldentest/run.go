package goldentest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Dir is where Run looks for cases, relative to the test's package.
const Dir = "testdata"

// Cases returns the cases under dir: its subdirectories holding a
// request.json, sorted by name.
func Cases(t testing.TB, dir string) []Case {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	var out []Case
	for _, e := range ents {
		sub := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(sub, "request.json")); err != nil {
			continue
		}
		c, err := ReadCase(sub)
		if err != nil {
			t.Fatalf("golden: %v", err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Case) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// Run renders every case under testdata with r, as a subtest named after
// the case, and compares the output with output<ext> and the drop report
// with drops.txt. The input is filtered to r's declared types first, as the
// core does. It fails t when testdata holds no case.
func Run(t *testing.T, r renderers.Renderer) { RunDir(t, r, Dir) }

// RunDir is Run with the cases under dir.
func RunDir(t *testing.T, r renderers.Renderer, dir string) {
	t.Helper()
	cases := Cases(t, dir)
	if len(cases) == 0 {
		t.Fatalf("golden: no case under %s (a case is a directory holding request.json)", dir)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { Check(t, r, c) })
	}
}

// Check renders c with r and compares the result with c's golden files.
func Check(t testing.TB, r renderers.Renderer, c Case) {
	t.Helper()
	info := r.Info()
	ins := slices.Collect(renderers.Filter(renderers.Slice(c.Input), indicator.SetOf(info.Types...)))
	got := conformance.Render(t, r, c.Request.Renderers(), ins)
	File(t, filepath.Join(c.Dir, "output"+info.Extension), got.Out)
	File(t, filepath.Join(c.Dir, "drops.txt"), got.DropReport())
}
