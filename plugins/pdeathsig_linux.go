package plugins

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// dieWithParent makes the kernel kill cmd's process when the service
// dies, even by SIGKILL.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
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
