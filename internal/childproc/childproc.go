// Package childproc runs a program as a child process, tells whether it
// has exited, and stops it: SIGTERM, then SIGKILL once a grace period has
// passed.
package childproc

import (
	"os/exec"
	"syscall"
	"time"
)

// Process is a started child process whose exit is watched.
type Process struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's, set before done is closed
}

// Start starts cmd and watches for its exit.
func Start(cmd *exec.Cmd) (*Process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Done is closed once the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is Wait's error: how the process ended, once Done is closed.
func (p *Process) Err() error {
	<-p.done
	return p.err
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM and waits for the process to exit; past grace it
// kills it and waits. It reports whether the process had exited, or
// exited within grace.
func (p *Process) Stop(grace time.Duration) bool {
	if p.Exited() {
		return true
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return true
	case <-time.After(grace):
		p.Kill()
		return false
	}
}

// Kill kills the process and waits for it to exit.
func (p *Process) Kill() {
	_ = p.Cmd.Process.Kill()
	<-p.done
}
