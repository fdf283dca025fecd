//go:build !linux

package plugins

import "os/exec"

// dieWithParent has no portable equivalent outside Linux: plugins there
// end when the service closes them.
func dieWithParent(*exec.Cmd) {}

func killGroup(*exec.Cmd) {}

func onLauncherThread(f func()) { f() }
