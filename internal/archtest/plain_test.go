package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goroutineStarts lists where the Go source src starts a goroutine: a go
// statement, or a call of a method named Go (sync.WaitGroup, errgroup) or
// of time.AfterFunc.
func goroutineStarts(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			out = append(out, fset.Position(n.Pos()).String()+": go statement")
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				x, _ := sel.X.(*ast.Ident)
				if sel.Sel.Name == "Go" || sel.Sel.Name == "AfterFunc" && x != nil && x.Name == "time" {
					out = append(out, fset.Position(n.Pos()).String()+": "+sel.Sel.Name+" call")
				}
			}
		}
		return true
	})
	return out, nil
}

// The packages make test runs without the race detector (the Makefile's
// PLAIN_PKGS) start no goroutine in their code: their own tests then give
// the detector nothing to find, and what can race in them is checked by
// the packages that use them concurrently, under the detector.
func TestPlainPackagesStartNoGoroutine(t *testing.T) {
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	plain := strings.Fields(makeVariable(string(makefile), "PLAIN_PKGS"))
	if len(plain) == 0 {
		t.Fatal("the Makefile has no PLAIN_PKGS")
	}
	for _, dir := range plain {
		files, err := filepath.Glob(filepath.Join("../..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Errorf("%s: no Go files (%v)", dir, err)
			continue
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			starts, err := goroutineStarts(name, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range starts {
				t.Errorf("%s: a package in PLAIN_PKGS starts a goroutine; test it under the race detector (remove it from PLAIN_PKGS)", s)
			}
		}
	}
}

func TestGoroutineStarts(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"package x\nfunc f() { g() }", 0},
		{"package x\nfunc f() { go g() }", 1},
		{"package x\nfunc f(wg *sync.WaitGroup) { wg.Go(g) }", 1},
		{"package x\nfunc f() { time.AfterFunc(0, g); other.AfterFunc(0, g) }", 1},
		{"package x\nvar v = func() { go func() {}() }", 1},
	}
	for _, tc := range tests {
		got, err := goroutineStarts("x.go", []byte(tc.src))
		if err != nil || len(got) != tc.want {
			t.Errorf("goroutineStarts(%q) = %v, %v; want %d", tc.src, got, err, tc.want)
		}
	}
}
