package targets_test

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"testing"
	"time"

	"litellm-aws/loadtest/internal/targets"
)

const ms = time.Millisecond

func TestFor(t *testing.T) {
	tests := []struct {
		name          string
		instances     int
		rps           float64
		p50, p95, p99 time.Duration
		overheadP50   time.Duration
	}{
		{"two instances, published", 2, 1035.7, 200 * ms, 630 * ms, 1200 * ms, 12 * ms},
		{"four instances, published", 4, 1170, 100 * ms, 150 * ms, 240 * ms, 2 * ms},
		{"eight instances, scaled from four", 8, 2340, 100 * ms, 150 * ms, 240 * ms, 2 * ms},
		{"six instances, scaled from four", 6, 1755, 100 * ms, 150 * ms, 240 * ms, 2 * ms},
		{"one instance keeps two-instance latencies", 1, 292.5, 200 * ms, 630 * ms, 1200 * ms, 12 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := targets.For(tt.instances)
			if got.Instances != tt.instances || got.RPS != tt.rps || got.P50 != tt.p50 || got.P95 != tt.p95 || got.P99 != tt.p99 || got.OverheadP50 != tt.overheadP50 {
				t.Errorf("For(%d) = %+v, want RPS %g, p50 %s, p95 %s, p99 %s, overhead p50 %s", tt.instances, got, tt.rps, tt.p50, tt.p95, tt.p99, tt.overheadP50)
			}
			if got.Source == "" {
				t.Errorf("For(%d) does not say where its figures come from", tt.instances)
			}
		})
	}
}

func TestProfiles(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		ok        bool
		instances int
	}{
		{"benchmark", "benchmark", true, 4},
		{"two-instance", "two-instance", true, 2},
		{"eight-instance", "eight-instance", true, 8},
		{"stack name is not a profile", "litellm-benchmark", false, 0},
		{"empty", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := targets.ParseProfile(tt.in)
			if ok != tt.ok || p.Instances() != tt.instances {
				t.Errorf("ParseProfile(%q) = %q (%d instances), %v; want %d instances, %v", tt.in, p, p.Instances(), ok, tt.instances, tt.ok)
			}
		})
	}
	if got := targets.ProfileNames(", "); got != "benchmark, two-instance, eight-instance" {
		t.Errorf("ProfileNames = %q", got)
	}
}

// atTargets is a run that hits the 4-instance figures exactly.
func atTargets() targets.Measured {
	return targets.Measured{RPS: 1170, P50: 100 * ms, P95: 150 * ms, P99: 240 * ms, Avg: 111730 * time.Microsecond,
		HasOverhead: true, OverheadP50: 2 * ms, OverheadP95: 8 * ms, OverheadP99: 13 * ms, Requests: 100000, Successes: 100000}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name   string
		change func(*targets.Measured)
		pass   bool
		misses []string
		noData []string
	}{
		{"exactly on target", func(*targets.Measured) {}, true, nil, nil},
		{"inside every tolerance", func(m *targets.Measured) {
			m.RPS, m.P50, m.P95, m.P99, m.Avg = 1060, 124*ms, 187*ms, 299*ms, 139*ms
			m.OverheadP50, m.OverheadP95, m.OverheadP99 = 4*ms, 13*ms, 20*ms
			m.Successes = m.Requests - m.Requests/100
		}, true, nil, nil},
		{"RPS 10% short", func(m *targets.Measured) { m.RPS = 1050 }, false, []string{"RPS"}, nil},
		{"slow p95 and p99", func(m *targets.Measured) { m.P95, m.P99 = 190*ms, 301*ms }, false, []string{"latency p95", "latency p99"}, nil},
		{"slow average", func(m *targets.Measured) { m.Avg = 140 * ms }, false, []string{"latency avg"}, nil},
		{"overhead median 5 ms", func(m *targets.Measured) { m.OverheadP50 = 5 * ms }, false, []string{"overhead p50"}, nil},
		{"no overhead header", func(m *targets.Measured) { m.HasOverhead = false }, true, nil, []string{"overhead p50", "overhead p95", "overhead p99"}},
		{"2% failures", func(m *targets.Measured) { m.Successes = m.Requests * 98 / 100 }, false, []string{"failure rate"}, nil},
		{"nothing succeeded", func(m *targets.Measured) {
			*m = targets.Measured{RPS: 2000, Requests: 500}
		}, false, []string{"latency p50", "latency p95", "latency p99", "latency avg", "failure rate"}, []string{"overhead p50"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := atTargets()
			tt.change(&m)
			v := targets.Judge(targets.For(4), m)
			if v.Pass != tt.pass || v.Misses != len(tt.misses) {
				t.Errorf("Pass %v with %d misses, want %v with %d: %+v", v.Pass, v.Misses, tt.pass, len(tt.misses), v.Checks)
			}
			outcome := map[string]targets.Outcome{}
			for _, c := range v.Checks {
				outcome[c.Metric] = c.Outcome
			}
			for _, name := range tt.misses {
				if outcome[name] != targets.Miss {
					t.Errorf("%s: %q, want a miss", name, outcome[name])
				}
			}
			for _, name := range tt.noData {
				if outcome[name] != targets.NoData {
					t.Errorf("%s: %q, want no data", name, outcome[name])
				}
			}
		})
	}
}

func TestVerdictString(t *testing.T) {
	pass := targets.Judge(targets.For(4), atTargets())
	if got := pass.String(); got != "PASS: every check within tolerance of the 4-instance targets" {
		t.Errorf("String() = %q", got)
	}
	m := atTargets()
	m.RPS = 1
	if got := targets.Judge(targets.For(8), m).String(); got != "MISS: 1 of 9 checks outside tolerance of the 8-instance targets" {
		t.Errorf("String() = %q", got)
	}
}
