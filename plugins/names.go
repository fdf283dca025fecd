package plugins

import (
	"fmt"

	"github.com/cratos-project/cratos/renderers"
)

func checkNameSyntax(name string) error {
	if !renderers.ValidName(name) {
		return fmt.Errorf("plugins: name %q is not a valid renderer name (lower-case letters, digits, '.', '_' and '-', at most 63)", name)
	}
	return nil
}

// CheckName refuses a plugin name that is not a valid URL segment or that a
// renderer in builtin (renderers.Builtin() when nil) already has.
func CheckName(name string, builtin *renderers.Registry) error {
	if err := checkNameSyntax(name); err != nil {
		return err
	}
	if builtin == nil {
		builtin = renderers.Builtin()
	}
	if _, taken := builtin.Lookup(name); taken {
		return fmt.Errorf("plugins: name %q is taken by a built-in renderer", name)
	}
	return nil
}
