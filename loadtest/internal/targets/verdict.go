package targets

import (
	"fmt"
	"time"
)

// Tolerances: how far a measured figure may sit on the wrong side of its target and still pass. They
// absorb run-to-run noise of a cloud deployment (ALB, shared tenancy, a client in another network),
// not a regression: a 25% slower p95 or a 10% lower RPS than published is a miss.
const (
	// RPSTolerance: RPS must be at least target x (1 - 0.10).
	RPSTolerance = 0.10
	// LatencyTolerance: p50, p95, p99 and the average must be at most target x (1 + 0.25).
	LatencyTolerance = 0.25
	// OverheadTolerance: LiteLLM's overhead percentiles are single milliseconds, where a millisecond of
	// scheduling noise is already 50%: they must be at most target x (1 + 0.5) + 1 ms.
	OverheadTolerance = 0.50
	// MaxFailureRate is this tool's own bar, not a published figure: the published runs show no failures,
	// and a run with more than 1% failures says nothing about latency.
	MaxFailureRate = 0.01
)

// Measured is what a run is judged on. Durations are client-side latencies of successful requests.
type Measured struct {
	RPS                float64
	P50, P95, P99, Avg time.Duration
	// HasOverhead is false when no response carried the overhead header (an older LiteLLM, or not
	// LiteLLM at all); the overhead checks then report "no data" instead of a miss.
	HasOverhead                           bool
	OverheadP50, OverheadP95, OverheadP99 time.Duration
	// Requests counts every completed request, Successes the ones the latencies were measured on.
	Requests, Successes int64
}

// FailureRate is the share of requests that failed, 0 to 1; a run without requests counts as all failed.
func (m Measured) FailureRate() float64 {
	if m.Requests == 0 {
		return 1
	}
	return float64(m.Requests-m.Successes) / float64(m.Requests)
}

// Outcome is one check's result.
type Outcome string

// The outcomes; only Miss fails a verdict.
const (
	Pass   Outcome = "pass"
	Miss   Outcome = "miss"
	NoData Outcome = "no data"
)

// Check is one line of the verdict.
type Check struct {
	Metric string  `json:"metric"`
	Target float64 `json:"target"`
	// Limit is the target with its tolerance applied: the value the measurement is compared to.
	Limit    float64 `json:"limit"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	// AtLeast is true for RPS (higher is better); every other check is "at most".
	AtLeast bool    `json:"at_least"`
	Outcome Outcome `json:"outcome"`
}

// Verdict is the judgement of one run against one set of targets.
type Verdict struct {
	Instances int     `json:"instances"`
	Source    string  `json:"source"`
	Checks    []Check `json:"checks"`
	Pass      bool    `json:"pass"`
	Misses    int     `json:"misses"`
}

func toMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Judge compares m with t. A run without a successful request misses every latency check.
func Judge(t Targets, m Measured) Verdict {
	v := Verdict{Instances: t.Instances, Source: t.Source}
	atMost := func(metric string, target, limit, measured float64, unit string, has bool) {
		c := Check{Metric: metric, Target: target, Limit: limit, Measured: measured, Unit: unit, Outcome: Pass}
		switch {
		case !has:
			c.Outcome = NoData
		case measured > limit:
			c.Outcome = Miss
		}
		v.Checks = append(v.Checks, c)
	}
	rps := Check{Metric: "RPS", Target: t.RPS, Limit: t.RPS * (1 - RPSTolerance), Measured: m.RPS, Unit: "req/s", AtLeast: true, Outcome: Pass}
	if m.RPS < rps.Limit {
		rps.Outcome = Miss
	}
	v.Checks = append(v.Checks, rps)
	// Without a single success there is no latency to pass on.
	lat := func(metric string, target, measured time.Duration) {
		atMost(metric, toMS(target), toMS(target)*(1+LatencyTolerance), toMS(measured), "ms", true)
		if m.Successes == 0 {
			v.Checks[len(v.Checks)-1].Outcome = Miss
		}
	}
	lat("latency p50", t.P50, m.P50)
	lat("latency p95", t.P95, m.P95)
	lat("latency p99", t.P99, m.P99)
	lat("latency avg", t.Avg, m.Avg)
	ovh := func(metric string, target, measured time.Duration) {
		atMost(metric, toMS(target), toMS(target)*(1+OverheadTolerance)+1, toMS(measured), "ms", m.HasOverhead)
	}
	ovh("overhead p50", t.OverheadP50, m.OverheadP50)
	ovh("overhead p95", t.OverheadP95, m.OverheadP95)
	ovh("overhead p99", t.OverheadP99, m.OverheadP99)
	failure := Check{Metric: "failure rate", Target: 0, Limit: MaxFailureRate * 100, Measured: m.FailureRate() * 100, Unit: "%", Outcome: Pass}
	if m.FailureRate() > MaxFailureRate {
		failure.Outcome = Miss
	}
	v.Checks = append(v.Checks, failure)
	for _, c := range v.Checks {
		if c.Outcome == Miss {
			v.Misses++
		}
	}
	v.Pass = v.Misses == 0
	return v
}

// String is the verdict's one-line summary.
func (v Verdict) String() string {
	if v.Pass {
		return fmt.Sprintf("PASS: every check within tolerance of the %d-instance targets", v.Instances)
	}
	return fmt.Sprintf("MISS: %d of %d checks outside tolerance of the %d-instance targets", v.Misses, len(v.Checks), v.Instances)
}
