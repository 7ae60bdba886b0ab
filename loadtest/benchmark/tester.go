package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"litellm-aws/loadtest/internal/cli"
)

// check runs the tester's own -check on a task command, with a stand-in key (the task gets the real one from the
// secret), and returns the settings a run would use; bad flags are reported in the tester's words.
func (b *bench) check(ctx context.Context, command []string) (cli.Checked, error) {
	var out, errs bytes.Buffer
	getenv := func(name string) string {
		if name == "LITELLM_MASTER_KEY" {
			return "sk-benchmark-check"
		}
		return b.getenv(name)
	}
	if cli.Main(ctx, append([]string{"-check"}, command...), cli.Env{Stdout: &out, Stderr: &errs, Getenv: getenv}) != cli.ExitOK {
		io.WriteString(b.stderr, strings.ReplaceAll(errs.String(), "run loadtest -h for the flags\n", "the flags are the load tester's: go run ./loadtest -h\n"))
		return cli.Checked{}, errors.New("bad load test flags for ./help benchmark " + nothingStarted)
	}
	var c cli.Checked
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		return cli.Checked{}, fmt.Errorf("the load tester's -check printed %q: %v", out.String(), err)
	}
	return c, nil
}

// serveStub serves the tester's stub LiteLLM on 127.0.0.1 in this process, accepting key (any, when empty) after
// latency, and returns its URL and how to stop it.
func serveStub(ctx context.Context, key, latency string, getenv func(string) string) (url string, stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	args := []string{"-stub", "127.0.0.1:0", "-stub-latency", latency, "-stub-overhead", "2ms"}
	if key != "" {
		args = append(args, "-key", key)
	}
	ready := make(chan string, 1)
	exited := make(chan int, 1)
	var errs bytes.Buffer // read only once the stub has exited
	go func() {
		exited <- cli.Main(ctx, args, cli.Env{Stdout: io.Discard, Stderr: &errs, Getenv: getenv,
			StubReady: func(addr string) { ready <- addr }})
	}()
	select {
	case addr := <-ready:
		return "http://" + addr, func() { cancel(); <-exited }, nil
	case <-exited:
		cancel()
		return "", nil, fmt.Errorf("the stub did not start: %s", strings.TrimSpace(errs.String()))
	case <-time.After(10 * time.Second):
		cancel()
		return "", nil, errors.New("the stub did not start within 10 s")
	}
}
