package main

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the child when this process
// dies, so an interrupted run leaves no server behind.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
