package all

import (
	"context"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/renderers"
)

// builtin lists the renderer names this package registers.
var builtin = []string{
	"b64", "checkpoint", "csv", "defender", "dnsmasq", "edl", "elastic", "f5", "fortinet", "haproxy", "ipset", "json",
	"junos", "nftables", "rpz", "squid", "stix21", "suricata", "suricata-dataset", "txt", "unbound", "xml", "yaml", "zeek",
}

func TestRegistersEveryBuiltin(t *testing.T) {
	if got := renderers.Builtin().Names(); !slices.Equal(got, builtin) {
		t.Fatalf("registered %q, want %q", got, builtin)
	}
}

func TestEveryBuiltinConforms(t *testing.T) {
	for _, r := range renderers.All() {
		t.Run(r.Info().Name, func(t *testing.T) {
			if err := conformance.Check(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEveryBuiltinWithOptionsValidatesThem holds each built-in renderer
// that declares options to renderers.OptionValidator: without it a site
// file's bad value would pass the load-time check and fail every request.
func TestEveryBuiltinWithOptionsValidatesThem(t *testing.T) {
	for _, r := range renderers.All() {
		if _, ok := r.(renderers.OptionValidator); !ok && len(r.Info().Options) > 0 {
			t.Errorf("%s declares options but has no ValidateOptions", r.Info().Name)
		}
	}
}
