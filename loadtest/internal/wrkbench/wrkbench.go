package wrkbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"litellm-aws/loadtest/internal/runner"
)

// Defaults of the comparison.
const (
	DefaultConnections = 50
	DefaultThreads     = 2 // one per core of the project's machines
	DefaultDuration    = 5 * time.Second
	DefaultRounds      = 3
	// MinRatio is the target: the tester reaches at least half of wrk's rate.
	MinRatio = 0.5
	// Key is the key both tools send; the stub accepts any.
	Key = "sk-bench"
)

// Options are one comparison's parameters.
type Options struct {
	// URL is the stub's base URL; it must be a real listener, since wrk is a separate process.
	URL string
	// Wrk is the wrk binary. Default: wrk from PATH.
	Wrk string
	// Connections is wrk's -c and the tester's -users. Default: 50.
	Connections int
	// Threads is wrk's -t. Default: 2.
	Threads int
	// Duration is how long each tool runs in each round. Default: 5 s.
	Duration time.Duration
	// Rounds is how many times the pair runs, alternating, so that a burst of other work on the machine
	// weighs on both tools rather than on whichever ran during it. Default: 3.
	Rounds int
}

func (o Options) withDefaults() Options {
	if o.Wrk == "" {
		o.Wrk = "wrk"
	}
	if o.Connections == 0 {
		o.Connections = DefaultConnections
	}
	if o.Threads == 0 {
		o.Threads = DefaultThreads
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Rounds == 0 {
		o.Rounds = DefaultRounds
	}
	return o
}

// Round is one run of each tool.
type Round struct {
	WrkRPS  float64
	ToolRPS float64
	// WrkProblems are wrk's non-2xx and socket-error lines; a comparison with problems is not fair.
	WrkProblems  []string
	ToolFailures int64
}

// Ratio is the tester's rate over wrk's in this round.
func (r Round) Ratio() float64 {
	if r.WrkRPS == 0 {
		return 0
	}
	return r.ToolRPS / r.WrkRPS
}

// Result is every round and their medians.
type Result struct {
	Connections int
	Threads     int
	Duration    time.Duration
	Rounds      []Round
}

// WrkRPS, ToolRPS and Ratio are the medians over the rounds.
func (r Result) WrkRPS() float64  { return r.median(func(x Round) float64 { return x.WrkRPS }) }
func (r Result) ToolRPS() float64 { return r.median(func(x Round) float64 { return x.ToolRPS }) }
func (r Result) Ratio() float64   { return r.median(Round.Ratio) }

func (r Result) median(f func(Round) float64) float64 {
	if len(r.Rounds) == 0 {
		return 0
	}
	v := make([]float64, len(r.Rounds))
	for i, x := range r.Rounds {
		v[i] = f(x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// Pass reports whether the tester reached MinRatio of wrk's rate (median of the rounds) with no error
// on either side.
func (r Result) Pass() bool {
	for _, x := range r.Rounds {
		if len(x.WrkProblems) > 0 || x.ToolFailures > 0 {
			return false
		}
	}
	return len(r.Rounds) > 0 && r.Ratio() >= MinRatio
}

// Run runs wrk, then the tester, against the same stub for the same time each, Rounds times; report,
// when set, is called after each round.
func Run(ctx context.Context, opts Options, report func(int, Round)) (Result, error) {
	opts = opts.withDefaults()
	res := Result{Connections: opts.Connections, Threads: opts.Threads, Duration: opts.Duration}
	for i := range opts.Rounds {
		var r Round
		var err error
		if r.WrkRPS, r.WrkProblems, err = RunWrk(ctx, opts); err != nil {
			return res, err
		}
		if r.ToolRPS, r.ToolFailures, err = RunTool(ctx, opts); err != nil {
			return res, err
		}
		res.Rounds = append(res.Rounds, r)
		if report != nil {
			report(i+1, r)
		}
	}
	return res, nil
}

// RunTool runs the tester flat out: every user at once, no think time.
func RunTool(ctx context.Context, opts Options) (rps float64, failed int64, err error) {
	opts = opts.withDefaults()
	res, err := runner.Run(ctx, runner.Config{
		URL: opts.URL, Key: Key, Users: opts.Connections, SpawnRate: 1e9, Duration: opts.Duration,
		Timeout: 10 * time.Second,
	})
	if err != nil {
		return 0, 0, err
	}
	rps, ok := res.RPSAfterRampUp()
	if !ok {
		rps = res.RPS()
	}
	return rps, res.FailureCount(), nil
}

// RunWrk runs wrk with the scenario's request (same method, body and headers) and reads its rate.
func RunWrk(ctx context.Context, opts Options) (rps float64, problems []string, err error) {
	opts = opts.withDefaults()
	dir, err := os.MkdirTemp("", "wrkbench")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "post.lua")
	if err := os.WriteFile(script, []byte(LuaScript(runner.RequestBody(runner.DefaultModel), Key)), 0o644); err != nil {
		return 0, nil, err
	}
	endpoint := runner.Config{URL: opts.URL}.Endpoint()
	cmd := exec.CommandContext(ctx, opts.Wrk,
		"-t", strconv.Itoa(opts.Threads), "-c", strconv.Itoa(opts.Connections),
		"-d", fmt.Sprintf("%ds", max(1, int(opts.Duration.Round(time.Second)/time.Second))),
		"-s", script, endpoint)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, nil, fmt.Errorf("%s: %v\n%s", cmd, err, out.String())
	}
	return ParseWrk(out.String())
}

// LuaScript is the wrk script that sends the scenario's request: wrk's default is a bare GET.
func LuaScript(body []byte, key string) string {
	return fmt.Sprintf(`wrk.method = "POST"
wrk.body = [==[%s]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
`, body, key)
}

var (
	rpsLine     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	problemLine = regexp.MustCompile(`(?m)^\s*(Non-2xx or 3xx responses:.*|Socket errors:.*)$`)
)

// ParseWrk reads wrk's summary: the rate, and the lines that say some requests failed.
func ParseWrk(out string) (rps float64, problems []string, err error) {
	m := rpsLine.FindStringSubmatch(out)
	if m == nil {
		return 0, nil, errors.New("no Requests/sec line in wrk's output:\n" + out)
	}
	rps, err = strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, nil, fmt.Errorf("wrk's Requests/sec %q: %v", m[1], err)
	}
	for _, p := range problemLine.FindAllStringSubmatch(out, -1) {
		problems = append(problems, strings.TrimSpace(p[1]))
	}
	return rps, problems, nil
}
