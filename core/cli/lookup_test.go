package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

func TestLookupCommand(t *testing.T) {
	sim, simURL := startSim(t, blockEvent("lookup", attr("ip-dst", " 8.8.4.4 "), attr("ip-dst", "45.77.16.40:8080")))
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "List of known IPv4 public DNS resolvers", Type: "cidr",
		MatchingAttributes: []string{"ip-dst"}, List: []string{"8.8.4.4"}}); err != nil {
		t.Fatal(err)
	}
	e := startE2E(t, simURL, nil)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"kept out by a warninglist", []string{"lookup", "-server", e.base, "-token", e.token, "8[.]8[.]4[.]4"}, 0, []string{
			"canonical: ipv4 8.8.4.4",
			"block/ipv4 kept out: warninglist (warninglist 1 List of known IPv4 public DNS resolvers) attribute ",
			"42/ipv4 carried attribute ",
			`ip-dst " 8.8.4.4 " to_ids=true`,
		}},
		{"carried", []string{"lookup", "-server", e.base, "-token", e.token, "45.77.16.40"}, 0, []string{
			"block/ipv4 carried", `ip-dst "45.77.16.40:8080"`,
		}},
		{"json", []string{"lookup", "-server", e.base, "-token", e.token, "-json", "45.77.16.40"}, 0, []string{`"carried": true`}},
		{"bad value", []string{"lookup", "-server", e.base, "-token", e.token, "no such thing"}, 1, []string{"422"}},
		{"no value", []string{"lookup", "-server", e.base, "-token", e.token}, 2, []string{"want exactly one value"}},
		{"bad token", []string{"lookup", "-server", e.base, "-token", "nope", "8.8.4.4"}, 1, []string{"lookup: 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(tt.args, &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errb.String())
			}
			all := strings.Join(strings.Fields(out.String()+errb.String()), " ")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}
}
