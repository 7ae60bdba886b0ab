package cli_test

import (
	"context"
	"encoding/json"
	"io"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/cli"
	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/stub"
)

// syncBuffer is a strings.Builder safe for the progress goroutine and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func runCommand(t *testing.T, args []string, vars map[string]string, terminal bool) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs syncBuffer
	code = cli.Main(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errs, Getenv: env(vars),
		StderrIsTerminal: terminal, PlainProgressEvery: 200 * time.Millisecond, ProgressInterval: 100 * time.Millisecond})
	return code, out.String(), errs.String()
}

func stubURL(t *testing.T, opts stub.Options) string {
	srv := httptest.NewServer(stub.New(opts))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCommand(t *testing.T) {
	fast := stub.Options{Key: "sk-test", Mix: stub.Fixed(2*time.Millisecond, 500*time.Microsecond)}
	tests := []struct {
		name     string
		stub     stub.Options
		args     []string
		terminal bool
		code     int
		stdout   []string
		stderr   []string
	}{
		// 20 users waiting 30 ms on average stay under 700 RPS, below the 4-instance limit (1053) on any
		// machine: the verdict misses.
		{"load test with JSON report", fast, []string{"-users", "20", "-spawn-rate", "200", "-duration", "800ms", "-wait", "20ms-40ms"}, false, cli.ExitOK,
			[]string{"LiteLLM load test", "requests", "latency", "LiteLLM overhead", "Verdict against 4 instances", "MISS"},
			[]string{"loadtest: 20 users at 200/s for 800ms", "report written to", "HTML report written to", "users 20/20"}},
		{"live line on a terminal", fast, []string{"-users", "5", "-duration", "800ms", "-wait", "10ms", "-quiet=false"}, true, cli.ExitOK,
			nil, []string{"\r\x1b[K", "users 5/5  RPS"}},
		{"quiet", fast, []string{"-users", "5", "-duration", "600ms", "-wait", "10ms", "-quiet"}, false, cli.ExitOK,
			nil, nil},
		{"-assert fails on a miss", fast, []string{"-users", "5", "-duration", "300ms", "-wait", "10ms", "-assert", "-profile", "eight-instance"}, false, cli.ExitTargetMiss,
			[]string{"Verdict against 8 instances"}, []string{"MISS", "(-assert)"}},
		{"-assert passes on a hit", stub.Options{Key: "sk-test", Mix: stub.Fixed(0, time.Millisecond)},
			[]string{"-users", "4", "-duration", "1500ms", "-wait", "0", "-assert", "-instances", "1"}, false, cli.ExitOK,
			[]string{"PASS"}, nil},
		{"wrong key is reported, not fatal", stub.Options{Key: "sk-other"}, []string{"-users", "2", "-duration", "300ms", "-wait", "10ms"}, false, cli.ExitOK,
			[]string{"Failures by cause", "http 401", "master key is wrong"}, nil},
		{"smoke passes", fast, []string{"-smoke"}, false, cli.ExitOK, []string{"ok    GET", "ok    POST", "smoke test passed"}, nil},
		{"smoke fails on a wrong key", stub.Options{Key: "sk-other"}, []string{"-smoke"}, false, cli.ExitFailed,
			[]string{"HTTP 401", "rejected the master key"}, []string{"smoke test failed"}},
		{"bad flags", fast, []string{"-users", "0", "-wait", "x"}, false, cli.ExitUsage,
			nil, []string{`error: invalid -users "0"`, `error: invalid -wait "x"`, "run loadtest -h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			jsonPath, htmlPath := filepath.Join(dir, "out.json"), filepath.Join(dir, "out.html")
			args := append([]string{"-url", stubURL(t, tt.stub), "-json", jsonPath, "-html", htmlPath}, tt.args...)
			code, stdout, stderr := runCommand(t, args, map[string]string{cli.KeyEnv: "sk-test"}, tt.terminal)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%q", w, stderr)
				}
			}
			if strings.Contains(tt.name, "quiet") && strings.Contains(stderr, "RPS") {
				t.Errorf("-quiet printed progress: %q", stderr)
			}
			if strings.Contains(tt.name, "JSON") {
				raw, err := os.ReadFile(jsonPath)
				if err != nil {
					t.Fatalf("no JSON report: %v", err)
				}
				var doc struct {
					Requests  int64 `json:"requests"`
					LatencyMS struct {
						P50 float64 `json:"p50"`
					} `json:"latency_ms"`
					OverheadMS struct {
						P50 float64 `json:"p50"`
					} `json:"overhead_ms"`
				}
				if err := json.Unmarshal(raw, &doc); err != nil || doc.Requests == 0 || doc.LatencyMS.P50 < 2 || doc.OverheadMS.P50 != 0.5 {
					t.Errorf("JSON %v: %+v, want requests, p50 >= 2 ms and overhead p50 0.5 ms", err, doc)
				}
				page, err := os.ReadFile(htmlPath)
				if err != nil || !strings.Contains(string(page), `<svg class="plot"`) || !strings.Contains(string(page), "Verdict against the published figures") {
					t.Errorf("HTML report %v: want the charts and the verdict", err)
				}
			}
		})
	}
}

func TestStubMode(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan string, 1)
	done := make(chan int, 1)
	var out syncBuffer
	go func() {
		done <- cli.Main(ctx, []string{"-stub", "127.0.0.1:0", "-key", "sk-stub", "-stub-overhead", "2ms"}, cli.Env{
			Stdout: &out, Stderr: io.Discard, Getenv: env(nil), StubReady: func(a string) { addrs <- a }})
	}()
	var addr string
	select {
	case addr = <-addrs:
	case code := <-done:
		t.Fatalf("stub exited with %d before listening", code)
	case <-time.After(5 * time.Second):
		t.Fatal("stub did not start listening")
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/chat/completions", strings.NewReader(string(runner.RequestBody("m"))))
	req.Header.Set("Authorization", "Bearer sk-stub")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get(stub.OverheadHeader) != "2.000" {
		t.Errorf("stub answered %d with overhead %q, want 200 and 2.000", resp.StatusCode, resp.Header.Get(stub.OverheadHeader))
	}
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitOK {
			t.Errorf("stub exited with %d after the interrupt, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stub did not stop on interrupt")
	}
	if !strings.Contains(out.String(), "stub LiteLLM listening on http://127.0.0.1:") {
		t.Errorf("stdout %q", out.String())
	}
}

func TestLine(t *testing.T) {
	s := runner.Snapshot{Elapsed: 83 * time.Second, Users: 1000, Requests: 2000, Failures: 3, IntervalRPS: 1168.24,
		IntervalP50: 101 * time.Millisecond, IntervalP95: 149500 * time.Microsecond}
	want := "  1:23  users 1000/1000  RPS 1168.2  p50 101.0 ms  p95 149.5 ms  errors 3 (0.15%)"
	if got := cli.Line(s, 1000); got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
}
