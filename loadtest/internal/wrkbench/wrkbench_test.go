package wrkbench_test

import (
	"context"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/runner"
	"litellm-aws/loadtest/internal/stub"
	"litellm-aws/loadtest/internal/wrkbench"
)

const cleanRun = `Running 5s test @ http://127.0.0.1:41311/v1/chat/completions
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms    1.54ms  22.14ms   80.54%
    Req/Sec     7.56k   612.03     8.83k    71.00%
  75263 requests in 5.00s, 28.35MB read
Requests/sec:  15051.20
Transfer/sec:      5.67MB
`

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name     string
		out      string
		rps      float64
		problems []string
		err      bool
	}{
		{"clean run", cleanRun, 15051.20, nil, false},
		{"errors reported", strings.Replace(cleanRun, "Requests/sec:",
			"  Socket errors: connect 0, read 12, write 0, timeout 3\n  Non-2xx or 3xx responses: 100\nRequests/sec:", 1),
			15051.20, []string{"Socket errors: connect 0, read 12, write 0, timeout 3", "Non-2xx or 3xx responses: 100"}, false},
		{"no summary", "unable to connect to 127.0.0.1:1 Connection refused\n", 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rps, problems, err := wrkbench.ParseWrk(tt.out)
			if (err != nil) != tt.err || rps != tt.rps || !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("ParseWrk = %g, %q, %v; want %g, %q, error %v", rps, problems, err, tt.rps, tt.problems, tt.err)
			}
		})
	}
}

func TestLuaScriptSendsTheScenariosRequest(t *testing.T) {
	script := wrkbench.LuaScript(runner.RequestBody("fake-openai-endpoint"), "sk-bench")
	for _, want := range []string{
		`wrk.method = "POST"`,
		`wrk.body = [==[{"model":"fake-openai-endpoint","messages":[{"role":"user","content":"test"}]}]==]`,
		`wrk.headers["Content-Type"] = "application/json"`,
		`wrk.headers["Authorization"] = "Bearer sk-bench"`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		name   string
		rounds []wrkbench.Round
		ratio  float64
		pass   bool
	}{
		{"median of three", []wrkbench.Round{{WrkRPS: 100, ToolRPS: 90}, {WrkRPS: 100, ToolRPS: 40}, {WrkRPS: 100, ToolRPS: 60}}, 0.6, true},
		{"median of two", []wrkbench.Round{{WrkRPS: 100, ToolRPS: 40}, {WrkRPS: 100, ToolRPS: 50}}, 0.45, false},
		{"wrk errors spoil the comparison", []wrkbench.Round{{WrkRPS: 100, ToolRPS: 90, WrkProblems: []string{"Non-2xx or 3xx responses: 1"}}}, 0.9, false},
		{"tester failures spoil it too", []wrkbench.Round{{WrkRPS: 100, ToolRPS: 90, ToolFailures: 1}}, 0.9, false},
		{"no rounds", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wrkbench.Result{Rounds: tt.rounds}
			if got := r.Ratio(); got < tt.ratio-1e-9 || got > tt.ratio+1e-9 || r.Pass() != tt.pass {
				t.Errorf("Ratio %g, Pass %v; want %g, %v", got, r.Pass(), tt.ratio, tt.pass)
			}
		})
	}
}

// TestRunToolAgainstStub runs the tester's side of the comparison briefly on loopback; wrk's side needs
// the wrk binary and runs under ./help bench-loadtest.
func TestRunToolAgainstStub(t *testing.T) {
	srv := httptest.NewServer(stub.New(stub.Options{}))
	defer srv.Close()
	rps, failed, err := wrkbench.RunTool(context.Background(), wrkbench.Options{URL: srv.URL, Connections: 4, Duration: 300 * time.Millisecond})
	if err != nil || rps < 100 || failed != 0 {
		t.Errorf("RunTool = %.0f req/s, %d failures, %v; want over 100 req/s and none failed", rps, failed, err)
	}
}
