//go:build !unix

package emulator

import "os/exec"

// Without Unix process groups the server process itself is all that can be stopped.
func setProcessGroup(*exec.Cmd) {}

func terminateGroup(cmd *exec.Cmd) { cmd.Process.Kill() }

func killGroup(cmd *exec.Cmd) { cmd.Process.Kill() }
