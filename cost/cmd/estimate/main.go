// Command estimate prints what the stacks cost a month on AWS: every stack side by side, or one stack
// itemised and, for the benchmark, set next to the seed's figure. Prices come from cost/prices.go.
//
//	go run ./cost/cmd/estimate [flags] [stack] [flags]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"litellm-aws/cost"
	"litellm-aws/stacks"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run returns the exit status: 0, 1 when a line has no price (the estimate is still printed), 2 for bad
// arguments.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("estimate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts cost.Options
	fs.StringVar(&opts.RedisNodeType, "redis-node-type", "", "add an ElastiCache Redis replication group of this node type, such as cache.t4g.medium (default: no Redis)")
	fs.IntVar(&opts.RedisNodes, "redis-nodes", 0, fmt.Sprintf("nodes in the Redis replication group (default: %d with -redis-node-type)", cost.DefaultRedisNodes))
	fs.Float64Var(&opts.RequestsPerSecond, "rps", 0, "average requests a second over the month at the high end of the usage lines (default: LiteLLM's published rate for the task count)")
	fs.Float64Var(&opts.KBPerRequest, "kb-per-request", 0, fmt.Sprintf("KiB a request and its response take together (default: %v)", cost.DefaultKBPerRequest))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ./help cost [stack] [flags], or go run ./cost/cmd/estimate [stack] [flags]")
		fmt.Fprintln(stderr, "  Without a stack, every stack side by side; with one, that stack itemised.")
		fmt.Fprintln(stderr, "  Stacks:", stackNames())
		fs.PrintDefaults()
	}

	stack, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}

	// The same LITELLM_* settings as synth, so LITELLM_REDIS=on prices the Redis the stacks would have.
	profiles, err := stacks.FromEnv(stacks.All(), os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	if stack != "" {
		var found []stacks.Profile
		for _, p := range profiles {
			if p.StackName == stack {
				found = append(found, p)
			}
		}
		if len(found) == 0 {
			_, err := cost.Lookup(stack)
			fmt.Fprintln(stderr, "error:", err)
			return 2
		}
		profiles = found
	}
	var estimates []cost.Estimate
	var incomplete []error
	for _, p := range profiles {
		e, err := cost.Monthly(p, opts)
		if err != nil && e.Lines == nil {
			fmt.Fprintln(stderr, "error:", err)
			return 2
		}
		if err != nil {
			incomplete = append(incomplete, err)
		}
		estimates = append(estimates, e)
	}
	if stack != "" {
		cost.WriteItemised(stdout, estimates[0])
	} else {
		cost.WriteSideBySide(stdout, estimates)
	}
	if len(incomplete) > 0 {
		fmt.Fprintln(stderr, "error:", errors.Join(incomplete...))
		return 1
	}
	return 0
}

// parse reads flags before and after the stack name, so `estimate litellm-benchmark -rps 100` works too.
func parse(fs *flag.FlagSet, args []string) (stack string, err error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", nil
	}
	stack = rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return "", err
	}
	if extra := fs.Args(); len(extra) > 0 {
		return "", fmt.Errorf("one stack at most: got %q and %q", stack, extra)
	}
	return stack, nil
}

func stackNames() string {
	var s string
	for i, p := range stacks.All() {
		if i > 0 {
			s += ", "
		}
		s += p.StackName
	}
	return s
}
