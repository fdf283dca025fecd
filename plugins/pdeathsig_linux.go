package plugins

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// dieWithParent makes the kernel kill cmd's process when the service
// dies, even by SIGKILL, and puts it in a process group of its own, which
// killGroup ends with every process the plugin started.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// killGroup kills what is left of the process group of cmd's process:
// the processes the plugin started, which would otherwise outlive it.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil && cmd.Process.Pid > 0 {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

var (
	launcherOnce sync.Once
	launcherJobs chan func()
)

// onLauncherThread runs f (which starts a plugin process) on one OS
// thread that lives as long as the service. The parent-death signal fires
// when the thread that forked the child exits, not the process; the Go
// runtime may end a thread that a goroutine locked and left, so plugins
// are started from a thread locked for good.
func onLauncherThread(f func()) {
	launcherOnce.Do(func() {
		launcherJobs = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked
			for job := range launcherJobs {
				job()
			}
		}()
	})
	done := make(chan struct{})
	launcherJobs <- func() { defer close(done); f() }
	<-done
}
