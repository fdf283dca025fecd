package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sampledTest is a test function that checks a sample of its data under
// the race detector (it calls testtool.RaceSample).
type sampledTest struct {
	dir  string // package directory, relative to the module root
	name string
}

// sampledTests lists the test functions of the Go source src (a file in
// dir) whose body calls testtool.RaceSample.
func sampledTests(dir string, src []byte) ([]sampledTest, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []sampledTest
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
			continue
		}
		calls := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "RaceSample" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "testtool" {
					calls = true
				}
			}
			return !calls
		})
		if calls {
			out = append(out, sampledTest{dir, fn.Name.Name})
		}
	}
	return out, nil
}

// makeVariable returns the value of the Makefile variable name (one line,
// or lines continued with a backslash), with make's $$ read as $.
func makeVariable(makefile, name string) string {
	var value []string
	in := false
	for _, line := range strings.Split(makefile, "\n") {
		if !in {
			rest, ok := strings.CutPrefix(line, name+" := ")
			if !ok {
				continue
			}
			line, in = rest, true
		}
		body, more := strings.CutSuffix(line, "\\")
		value = append(value, strings.TrimSpace(body))
		if !more {
			break
		}
	}
	return strings.ReplaceAll(strings.Join(value, " "), "$$", "$")
}

// notRunInFull lists the sampled tests that make test would not run
// without the race detector: in neither the full-data run
// (FULL_DATA_TESTS in FULL_DATA_PKGS) nor PLAIN_PKGS, whose every test
// runs without it.
func notRunInFull(tests []sampledTest, makefile string) ([]string, error) {
	names, err := regexp.Compile(makeVariable(makefile, "FULL_DATA_TESTS"))
	if err != nil {
		return nil, err
	}
	pkgs := strings.Fields(makeVariable(makefile, "FULL_DATA_PKGS"))
	plain := strings.Fields(makeVariable(makefile, "PLAIN_PKGS"))
	var out []string
	for _, s := range tests {
		if slices.Contains(plain, "./"+s.dir+"/") {
			continue
		}
		if !names.MatchString(s.name) || !slices.Contains(pkgs, "./"+s.dir+"/") {
			out = append(out, s.dir+": "+s.name)
		}
	}
	return out, nil
}

// A test that checks only a sample under the race detector must run in
// full without it in make test, or the sample is all that is checked.
func TestRaceSampledTestsRunInFull(t *testing.T) {
	root := "../.."
	var tests []sampledTest
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		found, err := sampledTests(filepath.ToSlash(rel), src)
		tests = append(tests, found...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("no test calls testtool.RaceSample: the walk found nothing")
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	missing, err := notRunInFull(tests, string(makefile))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("%s calls testtool.RaceSample but is not in the Makefile's FULL_DATA_TESTS and FULL_DATA_PKGS", m)
	}
}

func TestNotRunInFullCatchesMissingTests(t *testing.T) {
	src := []byte(`package x
func TestSampled(t *testing.T) { t.Run("a", func(t *testing.T) { _ = testtool.RaceSample(t, s, 5) }) }
func TestOther(t *testing.T) { RaceSample(t, s, 5) }
func helper() { testtool.RaceSample(nil, nil, 2) }
`)
	found, err := sampledTests("renderers/x", src)
	if err != nil || !slices.Equal(found, []sampledTest{{"renderers/x", "TestSampled"}}) {
		t.Fatalf("sampledTests = %v, %v; want TestSampled alone", found, err)
	}
	tests := []struct {
		makefile string
		want     []string
	}{
		{"FULL_DATA_TESTS := ^(TestA|TestSampled)$$\nFULL_DATA_PKGS := ./core/y/ \\\n\t./renderers/x/\n", nil},
		{"FULL_DATA_TESTS := ^(TestA)$$\nFULL_DATA_PKGS := ./renderers/x/\n", []string{"renderers/x: TestSampled"}},
		{"FULL_DATA_TESTS := ^(TestSampled)$$\nFULL_DATA_PKGS := ./renderers/xy/\n", []string{"renderers/x: TestSampled"}},
		{"FULL_DATA_TESTS := ^(TestA)$$\nFULL_DATA_PKGS := ./core/y/\nPLAIN_PKGS := ./renderers/w/ \\\n\t./renderers/x/\n", nil},
		{"FULL_DATA_TESTS := ^(TestA)$$\nFULL_DATA_PKGS := ./core/y/\nPLAIN_PKGS := ./renderers/x/y/\n", []string{"renderers/x: TestSampled"}},
	}
	for _, tc := range tests {
		got, err := notRunInFull(found, tc.makefile)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("notRunInFull(%q) = %v, %v; want %v", tc.makefile, got, err, tc.want)
		}
	}
}
