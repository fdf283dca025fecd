package renderers_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/all"
)

// TestBuiltinsDocumented checks that the built-in renderers carry their own
// README (a renderer added without a readme.go is shown without one).
func TestBuiltinsDocumented(t *testing.T) {
	documented := 0
	for _, r := range renderers.All() {
		d, ok := r.(renderers.Documented)
		if !ok {
			continue
		}
		documented++
		if first, _, _ := strings.Cut(d.README(), "\n"); !strings.HasPrefix(first, "# ") || !strings.Contains(first, r.Info().Name) {
			t.Errorf("%s: README starts %q", r.Info().Name, first)
		}
	}
	if documented < 14 {
		t.Errorf("%d renderers carry a README, want every one of the first 14 at least", documented)
	}
}
