package harness

import "testing"

func TestFirstDifference(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		msg       string
	}{
		{"second line", "a\nb\nc", "a\nx\nc", "line 2:\n  want \"b\\n\"\n  got  \"x\\n\"\n(want 5 bytes, got 5 bytes)"},
		{"missing tail", "a\nb", "a\n", "line 2:\n  want \"b\"\n  got  \"\"\n(want 3 bytes, got 2 bytes)"},
		{"CRLF versus LF", "a\r\nb", "a\nb", "line 1:\n  want \"a\\r\\n\"\n  got  \"a\\n\"\n(want 4 bytes, got 3 bytes)"},
		{"equal", "same", "same", "want 4 bytes, got 4 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FirstDifference([]byte(tt.want), []byte(tt.got)); got != tt.msg {
				t.Errorf("firstDifference = %q, want %q", got, tt.msg)
			}
		})
	}
}
