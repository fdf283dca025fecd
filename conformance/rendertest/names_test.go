package rendertest

import "testing"

func TestNameSet(t *testing.T) {
	tests := []struct {
		name      string
		names     []string
		addErr    string
		nestedErr string
	}{
		{"apart", []string{"bad.example", "notbad.example", "example.org"}, "", ""},
		{"twice", []string{"bad.example", "bad.example"}, "bad.example listed twice", ""},
		{"under", []string{"www.bad.example", "bad.example"}, "", "www.bad.example is under the listed bad.example"},
		{"deep under", []string{"a.b.bad.example", "bad.example"}, "", "a.b.bad.example is under the listed bad.example"},
		{"suffix without a dot", []string{"notbad.example", "bad.example"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NameSet{}
			var addErr error
			for _, n := range tc.names {
				if err := s.Add(n); err != nil {
					addErr = err
				}
			}
			if got := errorText(addErr); got != tc.addErr {
				t.Errorf("Add: %q, want %q", got, tc.addErr)
			}
			if got := errorText(s.Nested()); got != tc.nestedErr {
				t.Errorf("Nested: %q, want %q", got, tc.nestedErr)
			}
		})
	}
}
