// Command preflight checks, before `./help deploy` creates anything, that the AWS account can run a stack:
// credentials, region, and the Fargate On-Demand vCPU quota against the most vCPU the stack runs at once,
// read from its synthesized JSON with the deploy's --var values. It exits 1, saying what to do, when the
// deploy should not go ahead.
//
//	go run ./preflight/cmd/preflight [-from cdktf.out] [-endpoint URL] -stack NAME [-- cdktf deploy args]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"litellm-aws/cost"
	"litellm-aws/preflight"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Environ(), os.Stdout, os.Stderr))
}

// run returns the exit status: 0 the deploy may go ahead, 1 it should not, 2 bad arguments or stack.
func run(ctx context.Context, args []string, getenv func(string) string, environ []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "cdktf.out", "the cdktf output directory holding stacks/<stack>/cdk.tf.json")
	stack := fs.String("stack", "", "the stack to check (required)")
	endpoint := fs.String("endpoint", getenv("LITELLM_AWS_ENDPOINT"), "send every AWS call to a local emulator at this URL (default: $LITELLM_AWS_ENDPOINT, else AWS)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up on AWS after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: preflight [-from DIR] [-endpoint URL] -stack NAME [-- cdktf deploy args, of which --var name=value count]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "error: preflight: %v\n", err)
		return code
	}
	if *stack == "" {
		return fail(2, errors.New("-stack is required"))
	}
	s, err := cost.ReadStack(*from, *stack)
	if err != nil {
		return fail(2, err)
	}
	vars, err := deployVars(s, fs.Args(), environ)
	if err != nil {
		return fail(2, err)
	}
	peak, err := preflight.Compute(s, vars)
	if err != nil {
		return fail(2, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := preflight.Check(ctx, peak, preflight.Options{Endpoint: *endpoint, Getenv: getenv})
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: preflight: %s\n", w)
	}
	if err != nil {
		return fail(1, err)
	}
	where := "AWS"
	if *endpoint != "" {
		where = "the emulator at " + *endpoint
	}
	fmt.Fprintf(stdout, "preflight: %s in %s, account %s (%s), through %s\n", peak.Stack, res.Region, res.Account, res.Caller, where)
	for _, l := range peak.Explain() {
		fmt.Fprintf(stdout, "  %s\n", l)
	}
	if res.QuotaSource != "" {
		fmt.Fprintf(stdout, "  peak %g vCPU; %s (Fargate On-Demand vCPU, %s) is %g: enough\n", peak.VCPU(), res.QuotaSource, preflight.QuotaCode, res.Quota)
	}
	return 0
}

// deployVars are the variable values the deploy will use, as Terraform takes them: TF_VAR_<name> from the
// environment for the variables the stack declares, then every --var name=value (or --var=name=value) among
// the cdktf arguments, the last one winning.
func deployVars(s *cost.Stack, args, environ []string) (map[string]string, error) {
	vars := map[string]string{}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if n, ok := strings.CutPrefix(name, "TF_VAR_"); ok {
			if _, declared := s.Variables[n]; declared {
				vars[n] = value
			}
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var kv string
		switch {
		case a == "--var" || a == "-var":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs name=value", a)
			}
			i++
			kv = args[i]
		case strings.HasPrefix(a, "--var="), strings.HasPrefix(a, "-var="):
			_, kv, _ = strings.Cut(a, "=")
		default:
			continue
		}
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--var %q: want name=value", kv)
		}
		vars[name] = value
	}
	return vars, nil
}
