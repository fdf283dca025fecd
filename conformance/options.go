package conformance

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// OptionCase is one row of an option validation table for CheckOptionCases.
type OptionCase struct {
	Name    string
	Options map[string]string
	WantErr string // a part of the expected error's text; "" when Options are valid
}

// CheckOptionCases runs each case as a subtest named c.Name: it fails when
// renderers.ValidateOptions(r, c.Options) returns an error although
// c.WantErr is empty, or returns no error, or one not containing c.WantErr,
// although c.WantErr is set.
func CheckOptionCases(t *testing.T, r renderers.Renderer, cases []OptionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			err := renderers.ValidateOptions(r, c.Options)
			switch {
			case c.WantErr == "" && err != nil:
				t.Errorf("ValidateOptions = %v, want nil", err)
			case c.WantErr != "" && (err == nil || !strings.Contains(err.Error(), c.WantErr)):
				t.Errorf("ValidateOptions = %v, want an error containing %q", err, c.WantErr)
			}
		})
	}
}
