package server

import (
	"fmt"
	"strings"

	"github.com/cratos-project/cratos/renderers"
)

// optionView is what /v1/renderers and the console say of a renderer's
// option: its kind, an int's range (max left out when unbounded) and an
// enum's values, as declared by a built-in renderer or a plugin.
type optionView struct {
	Name        string   `json:"name"`
	Default     string   `json:"default"`
	Description string   `json:"description"`
	Kind        string   `json:"kind"`
	Min         *int     `json:"min,omitempty"`
	Max         *int     `json:"max,omitempty"`
	Values      []string `json:"values,omitempty"`
	IgnoreCase  bool     `json:"ignore_case,omitempty"`
	// Takes says in words what values the option takes, for the console.
	Takes string `json:"-"`
}

func optionViews(opts []renderers.Option) []optionView {
	out := make([]optionView, 0, len(opts))
	for _, o := range opts {
		v := optionView{Name: o.Name, Default: o.Default, Description: o.Description, Kind: "string", Takes: "any text"}
		switch o.Kind {
		case renderers.KindBool:
			v.Kind, v.Takes = "bool", "true or false"
		case renderers.KindInt:
			v.Kind, v.Min = "int", &o.Min
			v.Takes = fmt.Sprintf("a whole number ≥ %d", o.Min)
			if o.Max != 0 {
				v.Max = &o.Max
				v.Takes = fmt.Sprintf("a whole number from %d to %d", o.Min, o.Max)
			}
		case renderers.KindEnum:
			v.Kind, v.Values, v.IgnoreCase = "enum", o.Values, o.FoldCase
			v.Takes = "one of " + strings.Join(o.Values, ", ")
			if o.FoldCase {
				v.Takes += " (in any case)"
			}
		}
		out = append(out, v)
	}
	return out
}
