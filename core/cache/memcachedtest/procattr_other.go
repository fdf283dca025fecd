//go:build !linux

package memcachedtest

import "os/exec"

func setProcAttr(*exec.Cmd) {}
