// Command loadtest replicates LiteLLM's published Locust benchmark against a deployed proxy: users POST
// a chat completion, think 0.1-0.5 s and repeat, ramped at a spawn rate; it reports latency percentiles,
// LiteLLM's own overhead and a verdict against the published figures for the stack's size. It also runs
// the post-deploy smoke check (-smoke) and serves a stub proxy (-stub). See loadtest/README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// CA roots compiled in, used only where the system has none: the container image has no base,
	// and the load balancer may be HTTPS.
	_ "golang.org/x/crypto/x509roots/fallback"

	"litellm-aws/loadtest/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StderrIsTerminal: isTerminal(os.Stderr),
	})
	stop()
	os.Exit(code)
}

// isTerminal is true for a character device, which is what a terminal is; a pipe or file is not.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
