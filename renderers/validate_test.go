package renderers

import (
	"context"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// undeclaredValidator declares options without a ValidateOptions of its
// own, as a plugin author's renderer may.
type undeclaredValidator struct{}

func (undeclaredValidator) Info() Info { return optInfo }
func (undeclaredValidator) Render(context.Context, io.Writer, Request, iter.Seq[indicator.Indicator]) error {
	return nil
}

// TestValidateOptionsHoldsValuesToKinds: a renderer without a
// ValidateOptions of its own has its values checked against the kinds it
// declares, not only their names, so that a site file with a value it
// would refuse at render is refused at load.
func TestValidateOptionsHoldsValuesToKinds(t *testing.T) {
	tests := []struct {
		name    string
		opts    map[string]string
		wantErr string
	}{
		{name: "none"},
		{name: "good values", opts: map[string]string{"upper": "true", "ttl": "60", "mode": "exact", "label": "any text"}},
		{name: "unknown name", opts: map[string]string{"colour": "red"}, wantErr: `colour`},
		{name: "bad bool", opts: map[string]string{"upper": "maybe"}, wantErr: `option upper: want true or false; got "maybe"`},
		{name: "int out of range", opts: map[string]string{"ttl": "0"}, wantErr: `option ttl:`},
		{name: "bad enum", opts: map[string]string{"mode": "all"}, wantErr: `option mode: want one of pair, exact; got "all"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateOptions(undeclaredValidator{}, tt.opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ValidateOptions = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("ValidateOptions = %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
