package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"litellm-aws/loadtest/internal/report"
	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/smoke"
	"litellm-aws/loadtest/internal/stub"
	"litellm-aws/loadtest/internal/upload"
)

// Exit statuses.
const (
	ExitOK         = 0
	ExitFailed     = 1 // the run, the smoke check or the stub server failed
	ExitUsage      = 2 // bad flags
	ExitTargetMiss = 3 // -assert and the verdict missed
)

// Env is the process around the command, replaceable in tests.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StderrIsTerminal turns on the live progress line; otherwise progress is a plain line every
	// PlainProgressEvery, so CI logs stay short.
	StderrIsTerminal bool
	// PlainProgressEvery is the period of plain progress lines. Default: 10 s.
	PlainProgressEvery time.Duration
	// ProgressInterval is how often the live line is redrawn. Default: 1 s.
	ProgressInterval time.Duration
	// StubReady, when set, is called with the stub's address once it listens (tests use it).
	StubReady func(addr string)
}

// Main runs the command with args (without the program name) and returns the exit status. ctx ends the
// run early (Ctrl-C): a load test then still prints what it measured.
func Main(ctx context.Context, args []string, env Env) int {
	opts, err := Parse(args, env.Getenv, env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(env.Stderr, "error: %s\n", line)
		}
		fmt.Fprintln(env.Stderr, "run loadtest -h for the flags")
		return ExitUsage
	}
	if opts.Check {
		return check(opts, env)
	}
	switch opts.Mode {
	case Smoke:
		return runSmoke(ctx, opts, env)
	case Stub:
		return serveStub(ctx, opts, env)
	}
	return runLoad(ctx, opts, env)
}

// Checked is what -check prints: the settings a run with these flags would use (never the key).
type Checked struct {
	Mode            string     `json:"mode"`
	URL             string     `json:"url,omitempty"`
	KeySet          bool       `json:"key_set"`
	Model           string     `json:"model,omitempty"`
	Users           int        `json:"users,omitempty"`
	SpawnRate       float64    `json:"spawn_rate,omitempty"`
	DurationSeconds float64    `json:"duration_s,omitempty"`
	WaitSeconds     [2]float64 `json:"wait_s"`
	TimeoutSeconds  float64    `json:"timeout_s,omitempty"`
	Profile         string     `json:"profile,omitempty"`
	Instances       int        `json:"instances,omitempty"`
	Assert          bool       `json:"assert"`
	JSON            string     `json:"json,omitempty"`
	HTML            string     `json:"html,omitempty"`
	Upload          string     `json:"upload,omitempty"`
	Stub            string     `json:"stub,omitempty"`
}

func check(opts Options, env Env) int {
	c := Checked{Mode: "load", URL: opts.Run.URL, KeySet: opts.Run.Key != "", Model: opts.Run.Model, Users: opts.Run.Users,
		SpawnRate: opts.Run.SpawnRate, DurationSeconds: opts.Run.Duration.Seconds(),
		WaitSeconds:    [2]float64{opts.Run.WaitMin.Seconds(), opts.Run.WaitMax.Seconds()},
		TimeoutSeconds: opts.Run.Timeout.Seconds(), Profile: string(opts.Profile), Instances: opts.Instances,
		Assert: opts.Assert, JSON: opts.JSONPath, HTML: opts.HTMLPath}
	switch opts.Mode {
	case Smoke:
		c.Mode = "smoke"
	case Stub:
		c = Checked{Mode: "stub", Stub: opts.StubAddr, KeySet: opts.Run.Key != ""}
	}
	if opts.Upload != nil {
		c.Upload = opts.Upload.String()
	}
	b, err := json.Marshal(c)
	if err != nil {
		fmt.Fprintf(env.Stderr, "error: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintln(env.Stdout, string(b))
	return ExitOK
}

func runSmoke(ctx context.Context, opts Options, env Env) int {
	err := smoke.Run(ctx, smoke.Options{URL: opts.Run.URL, Key: opts.Run.Key, Model: opts.Run.Model, Timeout: min(opts.Run.Timeout, smoke.DefaultTimeout)}, env.Stdout)
	if err != nil {
		fmt.Fprintln(env.Stderr, "smoke test failed")
		return ExitFailed
	}
	fmt.Fprintln(env.Stdout, "smoke test passed")
	return ExitOK
}

func serveStub(ctx context.Context, opts Options, env Env) int {
	ln, err := net.Listen("tcp", opts.StubAddr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "error: -stub %q: %v\n", opts.StubAddr, err)
		return ExitFailed
	}
	s := stub.New(stub.Options{Key: opts.Run.Key, Mix: stub.Fixed(opts.StubLatency, opts.StubOverhead)})
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stdout, "stub LiteLLM listening on http://%s (latency %s, overhead %s)\n", ln.Addr(), opts.StubLatency, opts.StubOverhead)
	if env.StubReady != nil {
		env.StubReady(ln.Addr().String())
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(env.Stderr, "error: stub: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

func runLoad(ctx context.Context, opts Options, env Env) int {
	cfg := opts.Run
	fmt.Fprintf(env.Stderr, "loadtest: %d users at %g/s for %s against %s (model %s)\n",
		cfg.Users, cfg.SpawnRate, cfg.Duration, cfg.Endpoint(), cfg.Model)
	p := newProgress(env, cfg.Users, opts.Quiet)
	cfg.Progress = p.show
	cfg.ProgressInterval = env.ProgressInterval
	res, err := runner.Run(ctx, cfg)
	p.done()
	if err != nil {
		fmt.Fprintf(env.Stderr, "error: %v\n", err)
		return ExitFailed
	}
	rep := report.New(res, report.Options{Profile: string(opts.Profile), Instances: opts.Instances, Assert: opts.Assert})
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		fmt.Fprintf(env.Stderr, "error: writing the table: %v\n", err)
		return ExitFailed
	}
	if _, err := env.Stdout.Write(table.Bytes()); err != nil {
		fmt.Fprintf(env.Stderr, "error: writing the table: %v\n", err)
		return ExitFailed
	}
	if opts.JSONPath != "" {
		if err := rep.WriteJSON(opts.JSONPath); err != nil {
			fmt.Fprintf(env.Stderr, "error: -json: %v\n", err)
			return ExitFailed
		}
		fmt.Fprintf(env.Stderr, "report written to %s\n", opts.JSONPath)
	}
	if opts.HTMLPath != "" {
		if err := rep.WriteHTML(opts.HTMLPath); err != nil {
			fmt.Fprintf(env.Stderr, "error: -html: %v\n", err)
			return ExitFailed
		}
		fmt.Fprintf(env.Stderr, "HTML report written to %s\n", opts.HTMLPath)
	}
	if opts.Upload != nil {
		if err := uploadReports(*opts.Upload, rep, table.Bytes(), env); err != nil {
			fmt.Fprintf(env.Stderr, "error: -upload: %v\n", err)
			return ExitFailed
		}
	}
	if opts.Assert && !rep.Verdict.Pass {
		fmt.Fprintf(env.Stderr, "loadtest: %s (-assert)\n", rep.Verdict)
		return ExitTargetMiss
	}
	return ExitOK
}

// UploadTimeout bounds the upload of the reports. It starts after the run, on a context of its own: a run
// ended by SIGTERM (ECS StopTask) still hands its reports back, within the task's stop timeout.
const UploadTimeout = 45 * time.Second

func uploadReports(t upload.Target, rep *report.Report, table []byte, env Env) error {
	doc, err := rep.JSON()
	if err != nil {
		return err
	}
	var page bytes.Buffer
	if err := rep.RenderHTML(&page); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), UploadTimeout)
	defer cancel()
	urls, err := upload.Put(ctx, t, []upload.Object{
		{Name: upload.JSONName, ContentType: "application/json", Body: doc},
		{Name: upload.HTMLName, ContentType: "text/html; charset=utf-8", Body: page.Bytes()},
		{Name: upload.TextName, ContentType: "text/plain; charset=utf-8", Body: table},
	})
	for _, u := range urls {
		fmt.Fprintf(env.Stderr, "report uploaded to %s\n", u)
	}
	return err
}

// progress prints the live line: redrawn in place on a terminal, a plain line now and then otherwise.
type progress struct {
	w        io.Writer
	users    int
	terminal bool
	quiet    bool
	every    time.Duration
	last     time.Duration
	drawn    bool
}

func newProgress(env Env, users int, quiet bool) *progress {
	every := env.PlainProgressEvery
	if every == 0 {
		every = 10 * time.Second
	}
	return &progress{w: env.Stderr, users: users, terminal: env.StderrIsTerminal, quiet: quiet, every: every}
}

func (p *progress) show(s runner.Snapshot) {
	if p.quiet {
		return
	}
	if !p.terminal && s.Elapsed-p.last < p.every {
		return
	}
	p.last = s.Elapsed
	line := Line(s, p.users)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// Line is one progress line: elapsed time, running users, the last interval's RPS and p50/p95, and the
// failures so far.
func Line(s runner.Snapshot, users int) string {
	rate := 0.0
	if s.Requests > 0 {
		rate = float64(s.Failures) / float64(s.Requests) * 100
	}
	e := s.Elapsed.Round(time.Second)
	return fmt.Sprintf("%3d:%02d  users %d/%d  RPS %.1f  p50 %.1f ms  p95 %.1f ms  errors %d (%.2f%%)",
		int(e.Minutes()), int(e.Seconds())%60, s.Users, users, s.IntervalRPS,
		float64(s.IntervalP50)/float64(time.Millisecond), float64(s.IntervalP95)/float64(time.Millisecond), s.Failures, rate)
}
