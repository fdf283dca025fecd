package archtest

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestRulesCatchViolations feeds each rule a made-up graph that breaks it
// and one that does not, so that a rule cannot pass by never matching.
func TestRulesCatchViolations(t *testing.T) {
	m := func(p string) string { return module + "/" + p }
	tests := []struct {
		name  string
		check func([]pkg) []string
		bad   []pkg
		want  string
		good  []pkg
	}{
		{"fiber in export", fiberOutsideServer,
			[]pkg{{Path: m("core/export"), Imports: []string{"github.com/gofiber/fiber/v2"}}}, "only core/server may import Fiber",
			[]pkg{{Path: m("core/server"), Imports: []string{"github.com/gofiber/fiber/v2"}}}},
		{"fiber in a test", fiberOutsideServer,
			[]pkg{{Path: m("core/cli"), TestImports: []string{"github.com/gofiber/fiber/v2/middleware/logger"}}}, "only core/server",
			[]pkg{{Path: m("core/cli"), TestImports: []string{"net/http"}}}},
		{"plugins reach config", pluginsTooBig,
			[]pkg{{Path: m("plugins")}, {Path: m("core/config")}}, "must not reach core/config",
			[]pkg{{Path: m("plugins")}, {Path: m("renderers")}}},
		{"plugins link fiber", pluginsTooBig,
			[]pkg{{Path: "github.com/gofiber/fiber/v2"}}, "must not link Fiber",
			[]pkg{{Path: "github.com/hashicorp/go-plugin"}}},
		{"renderer kit links gRPC", pluginProtocolLinked,
			[]pkg{{Path: m("conformance")}, {Path: "google.golang.org/grpc"}}, "belongs in conformance/bridge",
			[]pkg{{Path: m("conformance")}, {Path: m("renderers")}}},
		{"renderer kit links plugins", pluginProtocolLinked,
			[]pkg{{Path: m("plugins")}}, "belongs in conformance/bridge",
			[]pkg{{Path: m("plugins/example/routeros")}}},
		{"cratos links testing", testCodeLinked,
			withTestingDeps(pkg{Path: m("core/export"), Imports: []string{"testing"}}), "imports testing",
			withTestingDeps(pkg{Path: m("conformance/contract"), Imports: []string{"context"}})},
		{"cratos links the test kit", testCodeLinked,
			withTestingDeps(pkg{Path: m("conformance")}), "is a test-kit package",
			withTestingDeps(pkg{Path: m("conformance/mispsim")}, pkg{Path: m("conformance/internal/harness")})},
		{"cratos links the golden harness", testCodeLinked,
			withTestingDeps(pkg{Path: m("internal/goldentest")}), "is a test-kit package",
			withTestingDeps(pkg{Path: m("internal/jsonstr")})},
		{"cratos links a device checker", testCodeLinked,
			withTestingDeps(pkg{Path: m("conformance/devicecheck")}), "is a test-kit package",
			withTestingDeps(pkg{Path: m("core/cli"), Imports: []string{m("conformance/contract")}})},
		{"a new dependency links testing", testCodeLinked,
			withTestingDeps(pkg{Path: "example.com/assert", Imports: []string{"testing"}}), "list it in testingDependencies",
			withTestingDeps(pkg{Path: "example.com/assert", Imports: []string{"fmt"}})},
		{"a dependency no longer links testing", testCodeLinked,
			[]pkg{{Path: "github.com/hashicorp/go-plugin", Imports: []string{"testing"}}}, "no longer links testing through github.com/gofiber/fiber/v2/utils",
			withTestingDeps()},
		{"indicator imports core", wrongDirection,
			[]pkg{{Path: m("core/indicator"), Imports: []string{m("core/config")}}}, "core/indicator imports no other package",
			[]pkg{{Path: m("core/indicator"), Imports: []string{"golang.org/x/net/idna", m("internal/hugepage")}}}},
		{"indicator imports the test kit", wrongDirection,
			[]pkg{{Path: m("core/indicator"), Imports: []string{m("internal/testtool")}}}, "core/indicator imports no other package",
			[]pkg{{Path: m("core/indicator"), Imports: []string{m("internal/binread")}}}},
		{"renderer imports export", wrongDirection,
			[]pkg{{Path: m("renderers/edl"), Imports: []string{m("core/export")}}}, "renderers import only",
			[]pkg{{Path: m("renderers/edl"), Imports: []string{m("renderers/internal/feedlist"), m("core/indicator"), m("internal/jsonstr")}}}},
		{"export imports server", wrongDirection,
			[]pkg{{Path: m("core/export"), Imports: []string{m("core/server")}}}, "only core/cli and cmd import core/server",
			[]pkg{{Path: m("core/cli"), Imports: []string{m("core/server")}}}},
		{"server imports the golden harness", wrongDirection,
			[]pkg{{Path: m("core/server"), Imports: []string{m("internal/goldentest")}}}, "the test kit is imported only",
			[]pkg{{Path: m("conformance/realtools"), Imports: []string{m("internal/testtool")}}}},
		{"cli imports the test kit", wrongDirection,
			[]pkg{{Path: m("core/cli"), Imports: []string{m("conformance")}}}, "the test kit is imported only",
			[]pkg{{Path: m("core/cli"), Imports: []string{m("conformance/contract"), m("conformance/mispsim")}}}},
		{"contract imports the test kit", wrongDirection,
			[]pkg{{Path: m("conformance/contract"), Imports: []string{m("conformance/devicecheck")}}}, "the test kit is imported only",
			[]pkg{{Path: m("conformance"), Imports: []string{m("conformance/contract"), m("conformance/internal/harness")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.check(tt.bad)
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("violations = %q, want one containing %q", got, tt.want)
			}
			if got := tt.check(tt.good); len(got) != 0 {
				t.Errorf("violations of a good graph = %q", got)
			}
		})
	}
}

// withTestingDeps returns ps with the dependencies that import testing
// themselves, as cmd/cratos links them.
func withTestingDeps(ps ...pkg) []pkg {
	for _, path := range slices.Sorted(maps.Keys(testingDependencies)) {
		ps = append(ps, pkg{Path: path, Imports: []string{"testing"}})
	}
	return ps
}
