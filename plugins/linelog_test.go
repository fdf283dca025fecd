package plugins

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLineLog(t *testing.T) {
	long := strings.Repeat("x", maxLogLine+10)
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"one line", []string{"hello\n"}, []string{"hello"}},
		{"split across writes", []string{"hel", "lo\nwor", "ld\n"}, []string{"hello", "world"}},
		{"crlf and blank lines", []string{"a\r\n\n\nb\n"}, []string{"a", "b"}},
		{"unfinished line flushed", []string{"tail"}, []string{"tail"}},
		{"over-long line cut", []string{long + "\nnext\n"}, []string{long[:maxLogLine], "next"}},
		{"over-long line over writes", []string{long[:maxLogLine], "yy", "zz\nnext"}, []string{long[:maxLogLine], "next"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &logRecorder{}
			l := newLineLog(slog.New(rec), newOutputLimit(time.Now), "p", "stderr")
			for _, w := range tt.writes {
				if n, err := l.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			l.Flush()
			var got []string
			for _, r := range rec.records {
				if r["plugin"] != "p" || r["stream"] != "stderr" {
					t.Fatalf("record %v lacks the plugin tags", r)
				}
				got = append(got, r["line"])
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("%d lines (%d bytes first), want %d (%d bytes first)", len(got), len(slices.Concat(got, []string{""})[0]), len(tt.want), len(tt.want[0]))
			}
		})
	}
}
