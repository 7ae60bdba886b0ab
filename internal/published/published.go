package published

import (
	"fmt"
	"time"
)

// Page is where the figures are published.
const Page = "https://docs.litellm.ai/docs/benchmarks"

// Figures are one deployment size's throughput and latencies of /chat/completions as the client sees them.
type Figures struct {
	Instances int
	// Derived is false for a run on the published page and true for figures scaled from one.
	Derived bool
	// Source says where the figures come from: the published run, or how they were derived.
	Source             string
	RPS                float64
	P50, P95, P99, Avg time.Duration
	// OverheadP50/P95/P99 are LiteLLM's own share (the x-litellm-overhead-duration-ms header).
	OverheadP50, OverheadP95, OverheadP99 time.Duration
}

// ScaleBase is the published run other instance counts are scaled from: its RPS per instance.
const ScaleBase = 4

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// runs are the two runs on the published page (see the package comment).
var runs = map[int]Figures{
	2: {Instances: 2, Source: "published (LiteLLM Benchmarks, 2 instances)", RPS: 1035.7,
		P50: ms(200), P95: ms(630), P99: ms(1200), Avg: ms(262.46),
		OverheadP50: ms(12), OverheadP95: ms(29), OverheadP99: ms(43)},
	4: {Instances: 4, Source: "published (LiteLLM Benchmarks, 4 instances)", RPS: 1170,
		P50: ms(100), P95: ms(150), P99: ms(240), Avg: ms(111.73),
		OverheadP50: ms(2), OverheadP95: ms(8), OverheadP99: ms(13)},
}

// Run returns the published run for n instances, if there is one.
func Run(n int) (Figures, bool) {
	f, ok := runs[n]
	return f, ok
}

// For returns the figures for a deployment of n instances (n >= 1): the published run for 2 and 4,
// otherwise the ScaleBase run's throughput per instance times n, with the latencies of the nearest published
// run at or below n's size class (see the package comment).
func For(n int) Figures {
	if f, ok := runs[n]; ok {
		return f
	}
	base := runs[ScaleBase]
	latencies := runs[4]
	if n < 4 {
		latencies = runs[2]
	}
	f := latencies
	f.Instances = n
	f.Derived = true
	f.RPS = base.RPS / ScaleBase * float64(n)
	f.Source = fmt.Sprintf("derived: %.1f RPS per instance x %d from the %d-instance run; latencies of the %d-instance run",
		base.RPS/ScaleBase, n, ScaleBase, latencies.Instances)
	return f
}
