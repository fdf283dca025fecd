package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cratos-project/cratos"

// pkg is one package of the module as go list reports it.
type pkg struct {
	Path        string   // import path
	Imports     []string // of the non-test files
	TestImports []string // of the _test.go files, in and outside the package
}

// goList runs go list from the module root with a template printing one
// package a line: the path, then tab-separated space-separated fields.
func goList(t *testing.T, args ...string) []pkg {
	t.Helper()
	tmpl := "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .TestImports \" \"}} {{join .XTestImports \" \"}}"
	cmd := exec.Command("go", append([]string{"list", "-f", tmpl}, args...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.Bytes())
	}
	var ps []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 3 {
			t.Fatalf("go list: unexpected line %q", sc.Text())
		}
		ps = append(ps, pkg{Path: f[0], Imports: strings.Fields(f[1]), TestImports: strings.Fields(f[2])})
	}
	return ps
}

// under reports whether path is dir of the module or below it.
func under(path, dir string) bool {
	p := module + "/" + dir
	return path == p || strings.HasPrefix(path, p+"/")
}

func inModule(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func isFiber(path string) bool {
	return path == "github.com/gofiber/fiber/v2" || strings.HasPrefix(path, "github.com/gofiber/")
}

// fiberOutsideServer reports the packages of ps other than core/server
// that import Fiber, in their code or their tests.
func fiberOutsideServer(ps []pkg) []string {
	var out []string
	for _, p := range ps {
		if under(p.Path, "core/server") {
			continue
		}
		for _, imp := range append(slices.Clone(p.Imports), p.TestImports...) {
			if isFiber(imp) {
				out = append(out, p.Path+" imports "+imp+": only core/server may import Fiber")
			}
		}
	}
	return out
}

// pluginsTooBig reports what of deps (the dependencies of ./plugins/...)
// a plugin binary must not link.
func pluginsTooBig(deps []pkg) []string {
	var out []string
	for _, p := range deps {
		switch {
		case under(p.Path, "core/config"):
			out = append(out, "the plugins packages link "+p.Path+": a plugin binary must not reach core/config")
		case isFiber(p.Path):
			out = append(out, "the plugins packages link "+p.Path+": a plugin binary must not link Fiber")
		}
	}
	return out
}

func TestFiberOnlyInCoreServer(t *testing.T) {
	for _, v := range fiberOutsideServer(goList(t, "./...")) {
		t.Error(v)
	}
}

func TestPluginsStaySmall(t *testing.T) {
	for _, v := range pluginsTooBig(goList(t, "-deps", "./plugins/...")) {
		t.Error(v)
	}
}

// testKit lists the module's packages that exist for tests: cmd/cratos must
// not link them.
var testKit = []string{"conformance", "internal/goldentest", "internal/testtool", "internal/archtest", "core/cache/memcachedtest"}

func inTestKit(path string) bool {
	return slices.ContainsFunc(testKit, func(d string) bool { return under(path, d) })
}

// knownTestKitInCratos are the test-kit packages cmd/cratos links today,
// each with why. `cratos plugin check` runs the conformance checks and
// `cratos demo` serves the MISP emulator, both through core/cli; moving
// what they need out of the test kit removes these entries.
var knownTestKitInCratos = map[string]string{
	module + "/conformance":         "core/cli: cratos plugin check and cratos demo",
	module + "/conformance/mispsim": "core/cli: cratos demo (the MISP emulator)",
}

func TestCratosLinksNoTestCode(t *testing.T) {
	for _, v := range testCodeLinked(goList(t, "-deps", "./cmd/cratos")) {
		t.Error(v)
	}
}

// testCodeLinked reports the packages of the module in deps (the
// dependencies of cmd/cratos) that import testing or belong to the test
// kit, but for knownTestKitInCratos.
func testCodeLinked(deps []pkg) []string {
	var out []string
	for _, p := range deps {
		if !inModule(p.Path) {
			continue // hashicorp/go-plugin and fiber/v2/utils import testing themselves
		}
		var why string
		switch {
		case slices.Contains(p.Imports, "testing"):
			why = "imports testing"
		case inTestKit(p.Path):
			why = "is a test-kit package"
		default:
			continue
		}
		if _, known := knownTestKitInCratos[p.Path]; known {
			continue
		}
		out = append(out, "cmd/cratos links "+p.Path+", which "+why+": keep test code out of the production binary")
	}
	return out
}

// testKitImporters are the known non-test imports of the test kit, as
// "importer imported".
var testKitImporters = map[string]bool{
	module + "/core/cli " + module + "/conformance":            true, // cratos plugin check, cratos demo
	module + "/core/cli " + module + "/conformance/mispsim":    true, // cratos demo
	module + "/cmd/mispsim " + module + "/conformance/mispsim": true, // the emulator as a standalone server
}

// TestDependencyDirection checks the arrows of DESIGN.md that hold for
// every package: core/indicator imports no other package of the module;
// renderers reach only renderers, core/indicator, templates and internal
// helpers; core/cli is imported only by cmd, core/server only by core/cli
// and cmd; nothing outside tests imports the test kit but the known
// exceptions.
func TestDependencyDirection(t *testing.T) {
	for _, v := range wrongDirection(goList(t, "./...")) {
		t.Error(v)
	}
}

// wrongDirection reports the imports of ps that break a dependency rule.
func wrongDirection(ps []pkg) []string {
	var out []string
	for _, p := range ps {
		for _, imp := range p.Imports {
			if !inModule(imp) {
				continue
			}
			var rule string
			switch {
			case under(p.Path, "core/indicator") && !under(imp, "core/indicator"):
				rule = "core/indicator imports no other package of the module"
			case under(p.Path, "renderers") && !under(imp, "renderers") && !under(imp, "core/indicator") &&
				!under(imp, "templates") && !(under(imp, "internal") && !inTestKit(imp)):
				rule = "renderers import only renderers, core/indicator, templates and internal helpers"
			case under(imp, "core/cli") && !under(p.Path, "cmd"):
				rule = "only cmd imports core/cli"
			case under(imp, "core/server") && !under(p.Path, "cmd") && !under(p.Path, "core/cli") && !under(p.Path, "core/server"):
				rule = "only core/cli and cmd import core/server"
			case inTestKit(imp) && !inTestKit(p.Path) && !testKitImporters[p.Path+" "+imp]:
				rule = "the test kit is imported only from _test.go files and the test kit itself"
			default:
				continue
			}
			out = append(out, p.Path+" imports "+imp+": "+rule)
		}
	}
	return out
}
