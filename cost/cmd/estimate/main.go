// Command estimate prints what the stacks cost a month on AWS: every stack side by side, or one stack
// itemised and, for the benchmark, set next to the seed's figure. It synthesizes the stacks (with the same
// LITELLM_* settings as ./help synth) or reads them from a cdktf.out directory, and prices the resources
// their Terraform JSON holds with the prices in cost/prices.go.
//
//	go run ./cost/cmd/estimate [flags] [stack] [flags]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/aws/jsii-runtime-go"

	"litellm-aws/cost"
	"litellm-aws/stacks"
)

func main() {
	code := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	jsii.Close()
	os.Exit(code)
}

// varFlags collects repeated -var name=value flags.
type varFlags map[string]string

func (v varFlags) String() string {
	var s []string
	for _, k := range sortedKeys(v) {
		s = append(s, k+"="+v[k])
	}
	return strings.Join(s, " ")
}

func (v varFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	v[name] = value
	return nil
}

// run returns the exit status: 0, 1 when a line has no price (the estimate is still printed), 2 for bad
// arguments.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("estimate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts cost.Options
	vars := varFlags{}
	var from, redisNodeType string
	var redisNodes int
	fs.Var(vars, "var", "a stack variable's value, as for cdktf deploy: -var desired_task_count=6 (repeatable; default: the variables' defaults)")
	fs.StringVar(&from, "from", "", "read the stacks from this cdktf output directory (./help synth writes cdktf.out) instead of synthesizing them")
	fs.StringVar(&redisNodeType, "redis-node-type", "", "price the stacks with Redis of this node type: LITELLM_REDIS=on and -var redis_node_type=TYPE")
	fs.IntVar(&redisNodes, "redis-nodes", 0, "no longer taken: the estimate prices the nodes the stack builds")
	fs.Float64Var(&opts.RequestsPerSecond, "rps", 0, "average requests a second over the month at the high end of the usage lines (default: LiteLLM's published rate for the task count)")
	fs.Float64Var(&opts.KBPerRequest, "kb-per-request", 0, fmt.Sprintf("KiB a request and its response take together (default: %v)", cost.DefaultKBPerRequest))
	var kept cost.KeptFlags
	fs.StringVar(&kept.Snapshot, "kept-snapshot", "", "print instead what a teardown kept and its monthly cost: the final snapshot's name (./help teardown passes these)")
	fs.StringVar(&kept.SaltSecret, "kept-salt-secret", "", "with -kept-snapshot: the salt key secret's name")
	fs.StringVar(&kept.KeyAlias, "kept-key-alias", "", "with -kept-snapshot: the KMS key's alias, if the stack made its own")
	fs.Float64Var(&kept.AllocatedGB, "kept-snapshot-gb", 0, "with -kept-snapshot: the database's allocated storage in GB")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ./help cost [stack] [flags], or go run ./cost/cmd/estimate [stack] [flags]")
		fmt.Fprintln(stderr, "  Without a stack, every stack side by side; with one, that stack itemised.")
		fmt.Fprintln(stderr, "  Prices what each synthesized stack holds; LITELLM_* settings (LITELLM_REDIS=on, ...) apply as for ./help synth.")
		fmt.Fprintln(stderr, "  Stacks:", stackNames())
		fs.PrintDefaults()
	}

	stack, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil && redisNodes != 0 {
		err = fmt.Errorf("-redis-nodes %d: the node count is the one the stack builds (num_cache_clusters), not a variable; "+
			"the estimate prices what the stack holds", redisNodes)
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	if kept.Snapshot != "" {
		if kept.SaltSecret == "" || kept.AllocatedGB <= 0 {
			fmt.Fprintln(stderr, "error: -kept-snapshot needs -kept-salt-secret and -kept-snapshot-gb above 0")
			return 2
		}
		cost.WriteKept(stdout, kept)
		return 0
	}

	profiles, err := stacks.FromEnv(stacks.All(), getenv)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	if stack != "" {
		p, err := cost.Lookup(stack)
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 2
		}
		for _, q := range profiles {
			if q.StackName == p.StackName {
				profiles = []stacks.Profile{q}
				break
			}
		}
	}
	if redisNodeType != "" {
		for i := range profiles {
			profiles[i].Redis = true
		}
		vars["redis_node_type"] = redisNodeType
	}
	if len(vars) > 0 {
		opts.Vars = vars
	}

	synthesized, err := load(profiles, from)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	var estimates []cost.Estimate
	var incomplete []error
	for _, s := range synthesized {
		e, err := cost.Monthly(s, opts)
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

// load synthesizes the profiles' stacks, or reads them from a cdktf output directory.
func load(profiles []stacks.Profile, from string) ([]*cost.Stack, error) {
	if from == "" {
		return cost.Synthesize(profiles)
	}
	var out []*cost.Stack
	for _, p := range profiles {
		s, err := cost.ReadStack(from, p.StackName)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
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
	var names []string
	for _, p := range stacks.All() {
		names = append(names, p.StackName)
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
