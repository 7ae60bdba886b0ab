// Package stubtest starts the load tester's stub LiteLLM from a built binary, for tests that run the binary as
// a container would (internal/ociimage, stacks). A test helper, apart from production code.
package stubtest

import (
	"bufio"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// Start runs `bin -stub 127.0.0.1:0` (accepting only key, 5 ms a completion, 1 ms of reported overhead) until
// the test ends, and returns its URL.
func Start(t testing.TB, bin, key string) string {
	t.Helper()
	cmd := exec.Command(bin, "-stub", "127.0.0.1:0", "-key", key, "-stub-latency", "5ms", "-stub-overhead", "1ms")
	cmd.Env = []string{}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr <- regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	}()
	select {
	case a := <-addr:
		if a == "" {
			t.Fatal("the stub did not say where it listens")
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatal("the stub did not start within 10 s")
	}
	return ""
}
