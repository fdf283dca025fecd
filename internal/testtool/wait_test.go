package testtool

import (
	"runtime"
	"testing"
	"time"
)

// fatalRecorder is a testing.TB whose Fatal records its message and ends
// the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = args[0].(string)
	runtime.Goexit()
}

// waitRecorded runs WaitFor in a goroutine of its own, so that Fatal can
// end it, and returns the message it failed with ("" when it did not).
func waitRecorded(what string, bound time.Duration, cond func() bool, notes ...func() string) string {
	r := &fatalRecorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		WaitFor(r, what, bound, cond, notes...)
	}()
	<-done
	return r.msg
}

func TestWaitFor(t *testing.T) {
	never := func() bool { return false }
	polls := 0
	log := func() string { return "the log" }
	out := func() string { return "the output" }
	for _, c := range []struct {
		name  string
		bound time.Duration
		cond  func() bool
		notes []func() string
		want  string
	}{
		{"a condition that comes to hold", time.Minute, func() bool { polls++; return polls == 3 }, nil, ""},
		{"a condition that never holds", 100 * time.Millisecond, never, nil, "timed out after 100ms waiting for it"},
		{"notes follow the failure", 100 * time.Millisecond, never, []func() string{log, out}, "timed out after 100ms waiting for it\nthe log\nthe output"},
	} {
		if got := waitRecorded("it", c.bound, c.cond, c.notes...); got != c.want {
			t.Errorf("%s: failed with %q, want %q", c.name, got, c.want)
		}
	}
	if polls != 3 {
		t.Errorf("the condition that held on its third poll was polled %d times", polls)
	}
}
