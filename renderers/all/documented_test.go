package all_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

// TestBuiltinsDocumented checks that the built-in renderers carry their own
// README (the console shows it).
func TestBuiltinsDocumented(t *testing.T) {
	for _, r := range renderers.All() {
		d, ok := r.(renderers.Documented)
		if !ok {
			t.Errorf("%s: no README (add a readme.go embedding it)", r.Info().Name)
			continue
		}
		if first, _, _ := strings.Cut(d.README(), "\n"); !strings.HasPrefix(first, "# ") || !strings.Contains(first, r.Info().Name) {
			t.Errorf("%s: README starts %q", r.Info().Name, first)
		}
	}
}
