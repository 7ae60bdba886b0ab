package report_test

import (
	"encoding/json"
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"litellm-aws/loadtest/internal/failures"
	"litellm-aws/loadtest/internal/report"
	"litellm-aws/loadtest/internal/runner"
)

const ms = time.Millisecond

// result is a 10-second run of users that saw latencies lat (with overheads ovh, when given) and the
// failures fails, as runner.Run would return it.
func result(users int, lat, ovh []time.Duration, fails map[failures.Cause]int64) *runner.Result {
	r := &runner.Result{
		Config: runner.Config{URL: "http://127.0.0.1:4000", Model: "fake-openai-endpoint", Users: users, SpawnRate: 500,
			Duration: 10 * time.Second, WaitMin: 100 * ms, WaitMax: 500 * ms, Timeout: time.Minute},
		Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Elapsed: 10 * time.Second,
		UsersSpawned: users, RampedUp: true, RampUp: 2 * time.Second,
		Latency: runner.NewHistogram(), Overhead: runner.NewHistogram(),
		Failures: fails, FailureSamples: map[failures.Cause]string{},
		Timeline: []runner.Snapshot{{Elapsed: time.Second, IntervalSpan: time.Second, Users: users, IntervalRequests: 7, IntervalRPS: 7,
			IntervalP50: 100 * ms, IntervalP95: 150 * ms, IntervalP99: 240 * ms, IntervalMax: 250 * ms}},
	}
	for i, d := range lat {
		_ = r.Latency.RecordValue(int64(d / time.Microsecond))
		r.LatencySum += d
		r.LatencyMax = max(r.LatencyMax, d)
		if i < len(ovh) {
			_ = r.Overhead.RecordValue(int64(ovh[i] / time.Microsecond))
		} else {
			r.NoOverhead++
		}
	}
	r.Successes = int64(len(lat))
	r.Requests = r.Successes
	for c, n := range fails {
		r.Requests += n
		r.FailureSamples[c] = "sample of " + string(c)
	}
	r.AfterRampRequests = r.Requests * 8 / 10
	r.AfterRampElapsed = 8 * time.Second
	return r
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

func TestFigures(t *testing.T) {
	lat := append(append(repeat(100*ms, 90), repeat(150*ms, 9)...), 240*ms)
	ovh := repeat(2*ms, 100)
	r := report.New(result(1000, lat, ovh, map[failures.Cause]int64{"http 503": 1}), report.Options{Profile: "benchmark", Instances: 4})

	if r.Requests != 101 || r.Successes != 100 || r.Failures.Total != 1 || r.Failures.ByCause["http 503"] != 1 {
		t.Errorf("requests %d, successes %d, failures %+v", r.Requests, r.Successes, r.Failures)
	}
	if r.RPS != 10.1 || r.RPSAfterRampUp == nil || *r.RPSAfterRampUp != 10 {
		t.Errorf("RPS %g, after ramp-up %v; want 10.1 and 10", r.RPS, r.RPSAfterRampUp)
	}
	near := func(name string, got, want float64) {
		if got < want*0.999 || got > want*1.001 {
			t.Errorf("%s = %g, want %g (0.1%%)", name, got, want)
		}
	}
	near("latency p50", r.LatencyMS.P50, 100)
	near("latency p95", r.LatencyMS.P95, 150)
	near("latency p99", r.LatencyMS.P99, 150)
	near("latency max", r.LatencyMS.Max, 240)
	near("latency avg", r.LatencyMS.Avg, (90*100+9*150+240)/100.0)
	near("overhead p50", r.OverheadMS.P50, 2)
	if r.ElapsedSeconds != 10 || r.RampUpSeconds == nil || *r.RampUpSeconds != 2 {
		t.Errorf("elapsed %g, ramp-up %v", r.ElapsedSeconds, r.RampUpSeconds)
	}
	if len(r.Timeline) != 1 || !reflect.DeepEqual(r.Timeline[0], report.Point{StartS: 0, ElapsedS: 1, Users: 1000, Requests: 7, RPS: 7, P50: 100, P95: 150, P99: 240, Max: 250}) {
		t.Errorf("timeline %+v", r.Timeline)
	}
	var binned int64
	for _, b := range r.OverheadHistogram {
		binned += b.Count
	}
	if binned != 100 {
		t.Errorf("the overhead histogram holds %d responses, want 100: %+v", binned, r.OverheadHistogram)
	}
}

func TestNotes(t *testing.T) {
	tests := []struct {
		name  string
		res   func() *runner.Result
		want  []string
		avoid []string
	}{
		{"published scenario", func() *runner.Result { return result(1000, repeat(100*ms, 10), repeat(2*ms, 10), nil) },
			nil, []string{"compare with care", "gets at most", "no response carried"}},
		{"fewer users than published", func() *runner.Result { return result(200, repeat(100*ms, 10), repeat(2*ms, 10), nil) },
			[]string{"used 200 users", "gets at most 486 RPS, below the RPS limit 1053: raise -users"}, nil},
		{"not LiteLLM", func() *runner.Result { return result(1000, repeat(100*ms, 10), nil, nil) },
			[]string{"no response carried x-litellm-overhead-duration-ms"}, nil},
		{"wrong key", func() *runner.Result {
			return result(1000, nil, nil, map[failures.Cause]int64{"http 401": 5})
		}, []string{"master key is wrong"}, nil},
		{"ramp-up cut short", func() *runner.Result {
			r := result(1000, repeat(100*ms, 10), repeat(2*ms, 10), nil)
			r.RampedUp, r.UsersSpawned = false, 300
			return r
		}, []string{"ramp-up did not finish (300 of 1000 users started)"}, nil},
		{"interrupted", func() *runner.Result {
			r := result(1000, repeat(100*ms, 10), repeat(2*ms, 10), nil)
			r.Interrupted, r.Elapsed = true, 3*time.Second
			return r
		}, []string{"interrupted after 3.0 s"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes := strings.Join(report.New(tt.res(), report.Options{Instances: 4}).Notes, "\n")
			for _, w := range tt.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes %q lack %q", notes, w)
				}
			}
			for _, a := range tt.avoid {
				if strings.Contains(notes, a) {
					t.Errorf("notes %q should not say %q", notes, a)
				}
			}
		})
	}
}

func TestTableAndJSON(t *testing.T) {
	r := report.New(result(1000, repeat(100*ms, 50), repeat(2*ms, 50), map[failures.Cause]int64{"timeout": 2, "http 401": 1}),
		report.Options{Profile: "eight-instance", Instances: 8, Assert: true})
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	table := b.String()
	for _, want := range []string{
		"POST http://127.0.0.1:4000/v1/chat/completions (model fake-openai-endpoint)",
		"1000 of 1000 users started at 500/s (ramp-up 2.00 s), wait 100ms-500ms, ran 10.0 s of 10s",
		"requests           53", "failures           3 (5.66%)",
		"latency", "LiteLLM overhead",
		"Failures by cause", "timeout", "http 401", "sample of timeout",
		"Verdict against 8 instances", "derived: 292.5 RPS per instance x 8",
		"RPS           2340.0 req/s  >= 2106.0", "MISS:",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Index(table, "  timeout") > strings.Index(table, "  http 401") {
		t.Errorf("causes not sorted by count:\n%s", table)
	}

	path := filepath.Join(t.TempDir(), "out.json")
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}
	for _, key := range []string{"settings", "requests", "failures", "rps", "rps_after_ramp_up", "latency_ms", "overhead_ms", "verdict", "notes", "timeline", "overhead_histogram"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	point, _ := doc["timeline"].([]any)
	if len(point) != 1 {
		t.Fatalf("JSON timeline %v, want one point", doc["timeline"])
	}
	for _, key := range []string{"start_s", "elapsed_s", "users", "requests", "failures", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms"} {
		if _, ok := point[0].(map[string]any)[key]; !ok {
			t.Errorf("JSON timeline point lacks %q: %v", key, point[0])
		}
	}
	if strings.Contains(string(raw), "sk-") {
		t.Errorf("JSON mentions a key")
	}
	var back report.Report
	if err := json.Unmarshal(raw, &back); err != nil || back.Failures.ByCause["timeout"] != 2 || back.Settings.Instances != 8 || !back.Settings.Assert {
		t.Errorf("JSON round trip: %v, %+v", err, back.Settings)
	}
}
