package targets

import (
	"slices"
	"strings"

	"litellm-aws/internal/published"
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

// Targets are the figures a run is judged against, in the units Locust prints: LiteLLM's published
// figures for the deployment's size (internal/published), the one copy the cost estimate reads too.
type Targets = published.Figures

// For returns the targets for a deployment of n instances (n >= 1): the published figures for 2 and 4,
// otherwise scaled from the 4-instance run (see internal/published).
func For(n int) Targets { return published.For(n) }
