package conformance

import "testing"

func TestCheckOptionCases(t *testing.T) {
	CheckOptionCases(t, lines{}, []OptionCase{
		{Name: "none"},
		{Name: "valid", Options: map[string]string{"upper": "true"}},
		{Name: "bad value", Options: map[string]string{"upper": "yes"}, WantErr: `option upper: "yes"`},
		{Name: "unknown", Options: map[string]string{"lower": "true"}, WantErr: `unknown option "lower"`},
	})
}
