package conformance

import "testing"

func TestCheckOptionCases(t *testing.T) {
	CheckOptionCases(t, linesRenderer{}, []OptionCase{
		{Name: "none"},
		{Name: "valid", Options: map[string]string{"max": "10"}},
		{Name: "bad value", Options: map[string]string{"max": "ten"}, WantErr: `option max "ten": want a whole number`},
		{Name: "unknown", Options: map[string]string{"lower": "true"}, WantErr: `unknown option "lower"`},
	})
}
