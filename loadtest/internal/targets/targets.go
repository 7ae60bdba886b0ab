package targets

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Profile names a stack's size; each matches one of the CDKTF stacks.
type Profile string

// The profiles, one per stack: litellm-benchmark, litellm-two-instance, litellm-eight-instance.
const (
	Benchmark     Profile = "benchmark"
	TwoInstance   Profile = "two-instance"
	EightInstance Profile = "eight-instance"
)

// Profiles lists every profile in the order the help text shows them.
var Profiles = []Profile{Benchmark, TwoInstance, EightInstance}

// Instances is the number of LiteLLM tasks the profile's stack runs.
func (p Profile) Instances() int {
	switch p {
	case TwoInstance:
		return 2
	case EightInstance:
		return 8
	case Benchmark:
		return 4
	}
	return 0
}

// ParseProfile accepts a profile name; ok is false for anything else.
func ParseProfile(s string) (p Profile, ok bool) {
	if slices.Contains(Profiles, Profile(s)) {
		return Profile(s), true
	}
	return "", false
}

// ProfileNames lists the profiles joined by sep, for help and error messages.
func ProfileNames(sep string) string {
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = string(p)
	}
	return strings.Join(names, sep)
}

// Targets are the figures a run is judged against, in the units Locust prints.
type Targets struct {
	Instances int
	// Source says where the figures come from: "published" or how they were derived.
	Source string
	RPS    float64
	// Latency of /chat/completions as the client sees it.
	P50, P95, P99, Avg time.Duration
	// OverheadP50/P95/P99 are LiteLLM's own share (the x-litellm-overhead-duration-ms header).
	OverheadP50, OverheadP95, OverheadP99 time.Duration
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// published are the two runs on LiteLLM's Benchmarks page (see the package comment).
var published = map[int]Targets{
	2: {Instances: 2, Source: "published (LiteLLM Benchmarks, 2 instances)", RPS: 1035.7,
		P50: ms(200), P95: ms(630), P99: ms(1200), Avg: ms(262.46),
		OverheadP50: ms(12), OverheadP95: ms(29), OverheadP99: ms(43)},
	4: {Instances: 4, Source: "published (LiteLLM Benchmarks, 4 instances)", RPS: 1170,
		P50: ms(100), P95: ms(150), P99: ms(240), Avg: ms(111.73),
		OverheadP50: ms(2), OverheadP95: ms(8), OverheadP99: ms(13)},
}

// For returns the targets for a deployment of n instances (n >= 1): the published figures for 2 and 4,
// otherwise the 4-instance throughput per instance times n, with the latencies of the nearest published
// run at or below n's size class (see the package comment).
func For(n int) Targets {
	if t, ok := published[n]; ok {
		return t
	}
	base := published[4]
	latencies := published[4]
	if n < 4 {
		latencies = published[2]
	}
	t := latencies
	t.Instances = n
	t.RPS = base.RPS / 4 * float64(n)
	t.Source = fmt.Sprintf("derived: %.1f RPS per instance x %d from the 4-instance run; latencies of the %d-instance run",
		base.RPS/4, n, latencies.Instances)
	return t
}
