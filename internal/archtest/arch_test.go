package archtest

import (
	"bufio"
	"bytes"
	"maps"
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

// rendererKit is what every renderer's tests import: the test kit, its
// contract and its helpers for renderers.
var rendererKit = []string{"./conformance", "./conformance/contract", "./conformance/rendertest"}

// TestRendererKitWithoutPluginProtocol keeps the plugin protocol (package
// plugins, gRPC and protobuf) out of the renderer test kit: every
// renderer's test binary would link it, and only conformance/bridge needs
// it.
func TestRendererKitWithoutPluginProtocol(t *testing.T) {
	for _, v := range pluginProtocolLinked(goList(t, append([]string{"-deps"}, rendererKit...)...)) {
		t.Error(v)
	}
}

// pluginProtocolLinked reports the packages of deps (the dependencies of
// the renderer test kit) that belong to the plugin protocol.
func pluginProtocolLinked(deps []pkg) []string {
	var out []string
	for _, p := range deps {
		if p.Path == module+"/plugins" || under(p.Path, "plugins/proto") || strings.HasPrefix(p.Path, "google.golang.org/grpc") ||
			strings.HasPrefix(p.Path, "google.golang.org/protobuf") || strings.HasPrefix(p.Path, "github.com/hashicorp/go-plugin") {
			out = append(out, "the renderer test kit links "+p.Path+": the plugin protocol belongs in conformance/bridge")
		}
	}
	return out
}

// testKit lists the module's directories whose packages exist for tests:
// the test kit conformance with its real-tool runners, device checkers and
// STIX schemas, the golden harness, the tool finder, the README check, the
// architecture test and the memcached starter.
var testKit = []string{"conformance", "internal/goldentest", "internal/testtool", "internal/readmecheck", "internal/archtest", "core/cache/memcachedtest"}

// runsInBinaries are the packages under a test-kit directory that the
// binaries run, without testing: `cratos plugin check` runs
// conformance/contract (with the inputs it shares with the test kit,
// conformance/internal/harness), `cratos demo` and cmd/mispsim serve
// conformance/mispsim.
var runsInBinaries = []string{"conformance/contract", "conformance/internal/harness", "conformance/mispsim"}

func inTestKit(path string) bool {
	in := func(d string) bool { return under(path, d) }
	return slices.ContainsFunc(testKit, in) && !slices.ContainsFunc(runsInBinaries, in)
}

// testingDependencies are the packages outside the module, linked by
// cmd/cratos, that import testing themselves, each with why: testing
// cannot leave the binary while they are linked, so the rule for the
// module is that none of its own packages linked by cmd/cratos imports
// testing. A new entry, or one that no longer holds, fails the test, so
// this list (and the README's Development section) stays exact.
var testingDependencies = map[string]string{
	"github.com/hashicorp/go-plugin":    "testing.go: in-process plugin clients and servers for tests (plugins)",
	"github.com/gofiber/fiber/v2/utils": "assertions.go: utils.AssertEqual (core/server, through Fiber)",
}

func TestCratosLinksNoTestCode(t *testing.T) {
	for _, v := range testCodeLinked(goList(t, "-deps", "./cmd/cratos")) {
		t.Error(v)
	}
}

// testCodeLinked reports, in deps (the dependencies of cmd/cratos), the
// packages of the module that import testing or belong to the test kit,
// and any difference between the other packages importing testing and
// testingDependencies.
func testCodeLinked(deps []pkg) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range deps {
		imports := slices.Contains(p.Imports, "testing")
		switch {
		case !inModule(p.Path):
			if !imports {
				continue
			}
			seen[p.Path] = true
			if _, known := testingDependencies[p.Path]; !known {
				out = append(out, "cmd/cratos links "+p.Path+", a dependency that imports testing: list it in testingDependencies and the README, or drop it")
			}
		case imports:
			out = append(out, "cmd/cratos links "+p.Path+", which imports testing: keep test code out of the production binary")
		case inTestKit(p.Path):
			out = append(out, "cmd/cratos links "+p.Path+", which is a test-kit package: keep test code out of the production binary")
		}
	}
	for _, path := range slices.Sorted(maps.Keys(testingDependencies)) {
		if !seen[path] {
			out = append(out, "cmd/cratos no longer links testing through "+path+": remove it from testingDependencies and the README")
		}
	}
	return out
}

// TestDependencyDirection checks the arrows of DESIGN.md that hold for
// every package: core/indicator imports no other package of the module but
// internal helpers;
// renderers reach only renderers, core/indicator, templates and internal
// helpers; core/cli is imported only by cmd, core/server only by core/cli
// and cmd; nothing outside tests imports the test kit but the test kit.
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
			case under(p.Path, "core/indicator") && !under(imp, "core/indicator") && !(under(imp, "internal") && !inTestKit(imp)):
				rule = "core/indicator imports no other package of the module but internal helpers"
			case under(p.Path, "renderers") && !under(imp, "renderers") && !under(imp, "core/indicator") &&
				!under(imp, "templates") && !(under(imp, "internal") && !inTestKit(imp)):
				rule = "renderers import only renderers, core/indicator, templates and internal helpers"
			case under(imp, "core/cli") && !under(p.Path, "cmd"):
				rule = "only cmd imports core/cli"
			case under(imp, "core/server") && !under(p.Path, "cmd") && !under(p.Path, "core/cli") && !under(p.Path, "core/server"):
				rule = "only core/cli and cmd import core/server"
			case inTestKit(imp) && !inTestKit(p.Path):
				rule = "the test kit is imported only from _test.go files and the test kit itself"
			default:
				continue
			}
			out = append(out, p.Path+" imports "+imp+": "+rule)
		}
	}
	return out
}
