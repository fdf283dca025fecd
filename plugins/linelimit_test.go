package plugins

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestOutputLimit feeds lines to a lineLog at given moments of a fake clock
// and checks which are logged and what the suppressed-lines reports count.
func TestOutputLimit(t *testing.T) {
	lines := func(from, n int) []string {
		var out []string
		for i := range n {
			out = append(out, "line "+strconv.Itoa(from+i))
		}
		return out
	}
	type step struct {
		after time.Duration // clock advance before the lines
		lines []string
	}
	tests := []struct {
		name  string
		steps []step
		flush bool
		want  []string // logged lines, and "suppressed N" for a report
	}{
		{"within the burst", []step{{0, lines(0, outputBurst)}}, true, lines(0, outputBurst)},
		{"past the burst", []step{{0, lines(0, outputBurst+5)}}, true,
			append(lines(0, outputBurst), "suppressed 5")},
		{"report before the next line the rate allows", []step{{0, lines(0, outputBurst+5)}, {time.Second, []string{"later"}}}, true,
			append(lines(0, outputBurst), "suppressed 5", "later")},
		{"too soon for a report and a line", []step{{0, lines(0, outputBurst+5)}, {time.Second / outputRate, []string{"soon"}}}, true,
			append(lines(0, outputBurst), "suppressed 6")},
		{"crash report passes the limit once", []step{{0, lines(0, outputBurst+5)}, {0, []string{"panic: boom", "", "goroutine 1 [running]:"}}, {0, []string{"panic: again"}}}, true,
			append(lines(0, outputBurst), "panic: boom", "goroutine 1 [running]:", "panic: again", "suppressed 5")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Unix(1_800_000_000, 0)
			rec := &logRecorder{}
			l := newLineLog(slog.New(rec), newOutputLimit(func() time.Time { return now }), "p", "stderr")
			l.crashReport = true
			for _, s := range tt.steps {
				now = now.Add(s.after)
				for _, line := range s.lines {
					l.Write([]byte(line + "\n"))
				}
			}
			if tt.flush {
				l.Flush()
			}
			var got []string
			for _, r := range rec.records {
				switch r["msg"] {
				case "plugin output":
					got = append(got, r["line"])
				case "plugin output suppressed":
					got = append(got, "suppressed "+r["lines"])
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("logged %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestChatterLimitedCrashKept runs a plugin that prints 5,000 lines and
// then crashes: the log holds a bounded number of its lines, counts the
// others, and keeps the first lines of the crash.
func TestChatterLimitedCrashKept(t *testing.T) {
	const chatter = 5000 // chatterLines of the faulty plugin
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	if _, err := render(p.Renderer(), "chatter-crash", []indicator.Indicator{}); err == nil {
		t.Fatal("the crash did not fail the render")
	}
	rec.waitFor(t, map[string]string{"msg": "plugin output", "plugin": "faulty", "line": "panic: faulty: crash"})
	rec.waitFor(t, map[string]string{"msg": "plugin output suppressed", "plugin": "faulty"})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	logged, suppressed, goroutine := 0, 0, false
	for _, r := range rec.records {
		switch {
		case r["msg"] == "plugin output suppressed":
			n, _ := strconv.Atoi(r["lines"])
			suppressed += n
		case r["msg"] != "plugin output":
		case strings.HasPrefix(r["line"], "faulty: chatter "):
			logged++
		case strings.HasPrefix(r["line"], "goroutine "):
			goroutine = true
		}
	}
	if logged > outputBurst+60*outputRate || logged < outputBurst {
		t.Errorf("%d of %d chatter lines logged, want about %d", logged, chatter, outputBurst)
	}
	if logged+suppressed < chatter {
		t.Errorf("%d chatter lines logged and %d counted as suppressed, want %d in all", logged, suppressed, chatter)
	}
	if !goroutine {
		t.Error("the crash's stack trace is not logged")
	}
}
