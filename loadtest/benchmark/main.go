// Command benchmark is ./help benchmark: LiteLLM's benchmark run from inside the stack's region, as the stack's
// load generator task (constructs/loadgen) in its private subnets.
//
//	benchmark [-root DIR] [-terraform BIN] STACK [--local] [load tester flags]
//
// It checks the flags with the tester itself (-check) and the stack's outputs, pushes the tester's image
// (internal/ociimage, tagged by content) to the stack's ECR repository, registers a revision of the stack's task
// definition family with that image pinned by digest, runs it with the scenario as the command override, follows
// it, then fetches the reports the task put in the stack's log bucket. With --local the same flow runs against the
// local AWS emulator: the image goes to a registry on 127.0.0.1, the emulator runs the pulled binary for the task
// (emulator/patches_loadgen.py), and the URL is a stub on 127.0.0.1.
//
// Settings: LITELLM_AWS_ENDPOINT (with --local: the emulator; ./help finds the one it runs),
// LITELLM_BENCHMARK_STACK_DIR (the stack's Terraform directory; default cdktf.out/stacks/<stack>, or
// cdktf.local.out with --local), LITELLM_BENCHMARK_POLL_SECONDS (5, or 1 with --local),
// LITELLM_BENCHMARK_STUB_LATENCY (--local: the stub's latency, 100ms), LITELLM_BENCHMARK_LOADTEST (a static
// linux/amd64 build of ./loadtest, as ociimage.Build makes, to push instead of building one).
//
// Exit status: 0 the verdict held, 3 it missed (the tester's -assert), 1 the run failed or could not start, 2 bad
// arguments, 130 interrupted (what it started is stopped and deregistered first).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"litellm-aws/internal/facts"
)

// The verb's exit statuses besides the tester's own 0 (held) and 3 (missed).
const (
	exitFailed      = 1
	exitUsage       = 2
	exitMissed      = 3
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// bench is one benchmark run: what it was asked, what it found, and what it must undo.
type bench struct {
	stack, where string // where: " --local" or "", for the messages that name a ./help command
	local        bool
	flags        []string // the tester's flags as given
	root         string
	terraform    string
	getenv       func(string) string
	stdout       io.Writer
	stderr       io.Writer
	terminal     bool // stderr is a terminal: the live line redraws in place
	work         string
	undo         []func(context.Context) // run last first, also after an error or an interrupt
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("benchmark", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", ".", "the repository's root `DIR`: the load tester is built there, and the stacks are synthesized below it")
	terraform := fs.String("terraform", "terraform", "the terraform `BIN` that reads the stack's outputs")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: benchmark [-root DIR] [-terraform BIN] STACK [--local] [load tester flags]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	b := &bench{terraform: *terraform, getenv: getenv, stdout: stdout, stderr: stderr, terminal: isTerminal(stderr)}
	var err error
	if b.root, err = filepath.Abs(*root); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	}
	rest := fs.Args()
	var names []string
	for _, s := range facts.Stacks() {
		names = append(names, s.Name)
	}
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "error: name a stack: one of %s\n", strings.Join(names, " "))
		return exitUsage
	}
	if b.stack = rest[0]; !slices.Contains(names, b.stack) {
		fmt.Fprintf(stderr, "error: unknown stack '%s': allowed %s\n", b.stack, strings.Join(names, " "))
		return exitUsage
	}
	for _, a := range rest[1:] {
		if a == "--local" {
			b.local, b.where = true, " --local"
		} else {
			b.flags = append(b.flags, a)
		}
	}

	code, err := b.run(ctx)
	b.cleanup()
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailed
	}
	return code
}

// log prints one line of progress on stderr, as ./help does.
func (b *bench) log(format string, args ...any) {
	fmt.Fprintf(b.stderr, "==> "+format+"\n", args...)
}

// cleanup undoes what the run started and was not finished with, last first, within a minute of its own: an
// interrupt has cancelled the run's context by then.
func (b *bench) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := len(b.undo) - 1; i >= 0; i-- {
		b.undo[i](ctx)
	}
	if b.work != "" {
		os.RemoveAll(b.work)
	}
}

// isTerminal is true for a character device, which is what a terminal is; a pipe or file is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
