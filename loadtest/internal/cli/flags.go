package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/targets"
	"litellm-aws/loadtest/internal/upload"
)

// Mode is what one invocation does.
type Mode int

// The modes: a load test (the default), the smoke check (-smoke), or serving the stub (-stub ADDR).
const (
	Load Mode = iota
	Smoke
	Stub
)

// KeyEnv is where the master key is read from when -key is not given, as the seed's locustfile does.
const KeyEnv = "LITELLM_MASTER_KEY"

// Options is a checked command line.
type Options struct {
	Mode Mode
	// Run is the load test (and, for -smoke, the URL, key, model and timeout).
	Run runner.Config
	// JSONPath is where the JSON report goes; empty for none.
	JSONPath string
	// HTMLPath is where the HTML report (charts and verdict, one self-contained file) goes; empty for none.
	HTMLPath string
	// Profile is the stack profile judged against; empty when -instances was given alone.
	Profile   targets.Profile
	Instances int
	// Assert makes a missed verdict fail the command.
	Assert bool
	// Quiet turns the progress line off.
	Quiet bool
	// Upload, when set, is where the reports go after the run (JSON, HTML and the table): S3.
	Upload *upload.Target
	// Check parses and checks the flags, prints the settings and exits, running nothing: what a caller
	// does before it starts a run somewhere it cannot watch (./help benchmark, before its Fargate task).
	Check bool
	// StubAddr, StubLatency and StubOverhead configure -stub mode.
	StubAddr     string
	StubLatency  time.Duration
	StubOverhead time.Duration
}

// rawFlags are the flag values as typed: everything is parsed after flag.Parse so that each bad value
// is reported with its flag name, the value and what is allowed, and all of them at once.
type rawFlags struct {
	url, key, model, users, spawnRate, duration, wait, timeout, jsonPath, htmlPath, profile, instances string
	stub, stubLatency, stubOverhead, upload                                                            string
	assert, quiet, smoke, check                                                                        bool
}

func newFlagSet(r *rawFlags, output io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&r.url, "url", "", "the proxy's base `URL`, e.g. http://my-alb.us-east-1.elb.amazonaws.com (required)")
	fs.StringVar(&r.key, "key", "", "the master `KEY` sent as 'Authorization: Bearer <key>' (default $"+KeyEnv+")")
	fs.StringVar(&r.model, "model", runner.DefaultModel, "the `NAME` of the model in each request")
	fs.StringVar(&r.users, "users", strconv.Itoa(runner.DefaultUsers), "`N` simulated users once all have started (Locust -u)")
	fs.StringVar(&r.spawnRate, "spawn-rate", strconv.FormatFloat(runner.DefaultSpawnRate, 'g', -1, 64), "users started per second, the `RATE` (Locust -r)")
	fs.StringVar(&r.duration, "duration", runner.DefaultDuration.String(), "run time, ramp-up included (Locust -t): a `DURATION` such as 30s or 5m")
	fs.StringVar(&r.wait, "wait", "0.1s-0.5s", "think time after each request: uniform `MIN-MAX` or a fixed duration; 0 for none")
	fs.StringVar(&r.timeout, "timeout", runner.DefaultTimeout.String(), "per-request timeout, a `DURATION`")
	fs.StringVar(&r.jsonPath, "json", "", "also write the report as JSON to `FILE`")
	fs.StringVar(&r.htmlPath, "html", "", "also write the report as one self-contained HTML page (charts over time, verdict) to `FILE`")
	fs.StringVar(&r.upload, "upload", "", "after the run, put report.json, report.html and report.txt (the table) under this S3 `URL`, s3://bucket/prefix/ (AWS credentials and region from the environment or the ECS task role)")
	fs.BoolVar(&r.check, "check", false, "check the flags, print the settings as JSON and exit 0 (2 on bad flags), running nothing")
	fs.StringVar(&r.profile, "profile", string(targets.Benchmark), "stack `PROFILE` to judge against: "+targets.ProfileNames("|")+" (4, 2 and 8 instances)")
	fs.StringVar(&r.instances, "instances", "", "judge against `N` instances instead of a profile")
	fs.BoolVar(&r.assert, "assert", false, "exit 3 when the verdict misses a target")
	fs.BoolVar(&r.quiet, "quiet", false, "no progress line")
	fs.BoolVar(&r.smoke, "smoke", false, "check /health/readiness and one chat completion, then exit (needs -url and the key)")
	fs.StringVar(&r.stub, "stub", "", "serve a stub LiteLLM on `ADDR` (e.g. 127.0.0.1:4000) instead of testing; the key, if set, is the only one it accepts")
	fs.StringVar(&r.stubLatency, "stub-latency", "0s", "with -stub: the `DURATION` of each chat completion")
	fs.StringVar(&r.stubOverhead, "stub-overhead", "0s", "with -stub: the `DURATION` to report in x-litellm-overhead-duration-ms (0 for no header)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: loadtest -url URL [-key KEY] [flags]    load test (LiteLLM's Locust benchmark)
       loadtest -smoke -url URL [-key KEY]      readiness and one chat completion
       loadtest -stub ADDR                      serve a stub LiteLLM for trying this tool

Exit status: 0 done, 1 the run, smoke check or upload failed, 2 bad flags, 3 a target missed with -assert.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

// Parse reads args (without the program name); getenv supplies LITELLM_MASTER_KEY. The error is
// flag.ErrHelp for -h, else every problem found, one per line.
func Parse(args []string, getenv func(string) string, output io.Writer) (Options, error) {
	var r rawFlags
	// The flag set stays quiet: an unknown flag is reported once, by the caller, like every other problem.
	fs := newFlagSet(&r, io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(output)
			fs.Usage()
		}
		return Options{}, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var o Options
	var errs []error
	bad := func(name, value, allowed string) {
		errs = append(errs, fmt.Errorf("invalid -%s %q: allowed %s", name, value, allowed))
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q: this command takes flags only (e.g. -url %s)", fs.Arg(0), fs.Arg(0)))
	}

	switch {
	case r.smoke && r.stub != "":
		errs = append(errs, errors.New("-smoke and -stub are exclusive: give one of them"))
	case r.smoke:
		o.Mode = Smoke
	case r.stub != "":
		o.Mode = Stub
	}

	key := r.key
	if key == "" {
		key = getenv(KeyEnv)
	}
	o.Run.Key = key
	if o.Mode != Stub {
		if r.url == "" {
			errs = append(errs, errors.New("-url is required: the proxy's base URL, e.g. -url http://my-alb.us-east-1.elb.amazonaws.com"))
		} else if u, err := url.Parse(r.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			bad("url", r.url, "an http:// or https:// URL with a host, e.g. http://127.0.0.1:4000")
		}
		if key == "" {
			errs = append(errs, fmt.Errorf("no master key: pass -key or set %s", KeyEnv))
		}
	}
	// The key is a secret: say what is wrong with it, never what it is.
	if strings.ContainsAny(key, "\r\n") {
		errs = append(errs, fmt.Errorf("invalid -key (or %s): it contains a line break, as a secret copied with its trailing newline does; allowed a single line", KeyEnv))
	}
	o.Run.URL = r.url

	if strings.TrimSpace(r.model) == "" {
		bad("model", r.model, "a model name from the proxy's model_list, e.g. "+runner.DefaultModel)
	}
	o.Run.Model = r.model

	if n, err := strconv.Atoi(r.users); err != nil || n < 1 {
		bad("users", r.users, "a whole number of at least 1")
	} else {
		o.Run.Users = n
	}
	if f, err := strconv.ParseFloat(r.spawnRate, 64); err != nil || !(f > 0) || math.IsInf(f, 0) {
		bad("spawn-rate", r.spawnRate, "a number of users per second greater than 0, e.g. 500 or 0.5")
	} else {
		o.Run.SpawnRate = f
	}
	if d, err := time.ParseDuration(r.duration); err != nil || d <= 0 {
		bad("duration", r.duration, "a duration greater than 0, e.g. 30s, 5m or 1h30m")
	} else {
		o.Run.Duration = d
	}
	if lo, hi, err := parseWait(r.wait); err != nil {
		bad("wait", r.wait, "MIN-MAX with 0 <= MIN <= MAX, each a duration or seconds (0.1s-0.5s, 100ms-500ms, 0.1-0.5), a single duration, or 0: "+err.Error())
	} else {
		o.Run.WaitMin, o.Run.WaitMax = lo, hi
	}
	if d, err := time.ParseDuration(r.timeout); err != nil || d <= 0 {
		bad("timeout", r.timeout, "a duration greater than 0, e.g. 10s or 1m")
	} else {
		o.Run.Timeout = d
	}

	// Report files are checked now so that a long run does not end without its report.
	reportFile := func(name, path string) {
		if path == "" {
			return
		}
		if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
			bad(name, path, "a file in an existing directory (checked now so a long run does not end without its report)")
		} else if st, err := os.Stat(path); err == nil && st.IsDir() {
			bad(name, path, "a file name, not a directory")
		}
	}
	reportFile("json", r.jsonPath)
	reportFile("html", r.htmlPath)
	if r.htmlPath != "" && filepath.Clean(r.htmlPath) == filepath.Clean(r.jsonPath) {
		bad("html", r.htmlPath, "a file other than -json's, which it would overwrite")
	}
	o.JSONPath, o.HTMLPath = r.jsonPath, r.htmlPath

	profile, known := targets.ParseProfile(r.profile)
	if !known {
		bad("profile", r.profile, targets.ProfileNames(", "))
	}
	o.Profile, o.Instances = profile, profile.Instances()
	if set["instances"] {
		n, err := strconv.Atoi(r.instances)
		switch {
		case err != nil || n < 1:
			bad("instances", r.instances, "a whole number of LiteLLM tasks, at least 1")
		case set["profile"] && known && n != profile.Instances():
			errs = append(errs, fmt.Errorf("-instances %d contradicts -profile %s (%d instances): give one of them", n, profile, profile.Instances()))
		default:
			o.Instances = n
			if !set["profile"] {
				o.Profile = ""
			}
		}
	}
	o.Assert, o.Quiet, o.Check = r.assert, r.quiet, r.check
	if r.upload != "" {
		if o.Mode != Load {
			errs = append(errs, fmt.Errorf("-upload %q applies to a load test, not to -smoke or -stub", r.upload))
		} else if t, err := upload.Parse(r.upload); err != nil {
			bad("upload", r.upload, upload.Rule+": "+err.Error())
		} else {
			o.Upload = &t
		}
	}

	if d, err := time.ParseDuration(r.stubLatency); err != nil || d < 0 {
		bad("stub-latency", r.stubLatency, "a duration of 0 or more, e.g. 0s or 100ms")
	} else {
		o.StubLatency = d
	}
	if d, err := time.ParseDuration(r.stubOverhead); err != nil || d < 0 {
		bad("stub-overhead", r.stubOverhead, "a duration of 0 or more, e.g. 2ms")
	} else {
		o.StubOverhead = d
	}
	o.StubAddr = r.stub
	return o, errors.Join(errs...)
}

// parseWait reads "MIN-MAX" or a single value; each side is a Go duration or a number of seconds, as
// Locust's between(0.1, 0.5) takes.
func parseWait(s string) (lo, hi time.Duration, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, 0, errors.New("negative wait")
	}
	a, b, ranged := strings.Cut(s, "-")
	if lo, err = waitValue(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if ranged {
		if hi, err = waitValue(b); err != nil {
			return 0, 0, err
		}
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("MIN %s is above MAX %s", lo, hi)
	}
	return lo, hi, nil
}

func waitValue(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q is not a wait", s)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration", s)
	}
	return d, nil
}
