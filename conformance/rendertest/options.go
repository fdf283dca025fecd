package rendertest

import (
	"context"
	"io"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// OptionError is one case of an option-error table: the options and the
// exact text of the error renderers.ValidateOptions returns for them (""
// for none).
type OptionError = struct {
	Name string
	Opts map[string]string
	Err  string
}

// OptionErrors checks renderers.ValidateOptions(r, row.Opts) against the
// exact error text of every row, one subtest a row.
func OptionErrors(t *testing.T, r renderers.Renderer, rows []OptionError) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.Name, func(t *testing.T) {
			err := renderers.ValidateOptions(r, row.Opts)
			if got := errorText(err); got != row.Err {
				t.Errorf("ValidateOptions = %q, want %q", got, row.Err)
			}
		})
	}
}

// RenderError fails t unless rendering two IPv4 addresses with r and req
// returns an error with exactly the text want.
func RenderError(t testing.TB, r renderers.Renderer, req renderers.Request, want string) {
	t.Helper()
	err := r.Render(context.Background(), io.Discard, req, renderers.Slice(IPs("1.2.3.4", "5.6.7.8")))
	if err == nil || err.Error() != want {
		t.Errorf("Render = %v, want %q", err, want)
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
