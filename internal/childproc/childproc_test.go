package childproc

import (
	"bufio"
	"errors"
	"os/exec"
	"testing"
	"time"
)

func TestStop(t *testing.T) {
	tests := []struct {
		name     string
		script   string // sh script; it prints a line once its traps are set
		grace    time.Duration
		wantStop bool   // Stop reports an exit within grace
		wantErr  string // of Err
	}{
		{"ends on SIGTERM", "echo ready; exec sleep 600", time.Minute, true, "signal: terminated"},
		{"ignores SIGTERM, killed", "trap '' TERM; echo ready; while :; do sleep 0.1; done", 100 * time.Millisecond, false, "signal: killed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("sh", "-c", tc.script)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			p, err := Start(cmd)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
				t.Fatalf("the script did not start: %v", err)
			}
			if p.Exited() {
				t.Fatal("Exited before Stop")
			}
			if got := p.Stop(tc.grace); got != tc.wantStop {
				t.Errorf("Stop = %v, want %v", got, tc.wantStop)
			}
			var ee *exec.ExitError
			if err := p.Err(); !errors.As(err, &ee) || err.Error() != tc.wantErr {
				t.Errorf("Err = %v, want %s", err, tc.wantErr)
			}
			if !p.Exited() || !p.Stop(tc.grace) {
				t.Error("after Stop: not Exited, or a second Stop did not report the exit")
			}
		})
	}
}

func TestStartFails(t *testing.T) {
	if _, err := Start(exec.Command("/nonexistent/program")); err == nil {
		t.Fatal("Start of a missing program: no error")
	}
}
