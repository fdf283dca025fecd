package elastic_test

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/renderers/elastic"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"tlp": "red", "provider": "Fuzz \"CERT\" \\ <team>"},
	{"reference": "https://misp.example.net/events/view/{event_id}"},
}

// FuzzRender checks every document against the ECS field definitions
// (devicecheck.CheckElastic) and that every input is a document or a
// reported drop.
func FuzzRender(f *testing.F) {
	rendertest.FuzzRules(f, elastic.Renderer{}, fuzzOptions, func(_ map[string]string, out []byte) ([]devicecheck.Violation, int) {
		return devicecheck.CheckElastic(out), len(devicecheck.Lines(out))
	})
}
