package renderers

import "testing"

func TestDroppedHeader(t *testing.T) {
	tests := []struct {
		in   map[string]int
		want string
	}{
		{nil, ""},
		{map[string]int{"b reason": 2, "a reason": 1}, "a reason=1, b reason=2"},
		{map[string]int{"x,y;z=w": 3}, "x y z w=3"},
	}
	for _, tc := range tests {
		if got := DroppedHeader(tc.in); got != tc.want {
			t.Errorf("DroppedHeader(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
