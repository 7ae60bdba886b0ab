//go:build unix

package emulator

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the server in a process group of its own, so stopping it also stops anything moto spawned
// and a Ctrl-C meant for `go test` does not reach it before Close does.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func terminateGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
