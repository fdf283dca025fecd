package main

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSourcesImportNoInternalPackage holds the files a plugin author copies
// into a module of their own (README: main.go and renderer.go) to the public
// packages of Cratos: go build refuses an internal one outside this module.
func TestSourcesImportNoInternalPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(path+"/", "/internal/") {
				t.Errorf("%s imports %s: a plugin built in a module of its own fails with use of internal package not allowed", name, path)
			}
		}
	}
}

// TestVersionFlag runs the built plugin with --version, as an operator
// would: it prints the renderer's name and its version, and exits 0.
func TestVersionFlag(t *testing.T) {
	out, err := exec.Command(filepath.Join(build.Dir(t), "routeros"), "--version").Output()
	if err != nil {
		t.Fatalf("routeros --version: %v (output %q)", err, out)
	}
	if !regexp.MustCompile(`^routeros \S+\n$`).Match(out) {
		t.Fatalf("routeros --version printed %q, want \"routeros <version>\\n\"", out)
	}
}
