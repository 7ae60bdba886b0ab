package targets

import (
	"slices"
	"strings"

	"litellm-aws/internal/facts"
	"litellm-aws/internal/published"
)

// Profile is a stack's scale, by the short name the load tester takes (-profile): the same profiles the stacks
// are built from (stacks.Profile), read from the one list both use (internal/facts), so a run is judged against
// what the stack it targets runs.
type Profile string

// The profiles, one per stack: litellm-benchmark, litellm-two-instance, litellm-eight-instance.
const (
	Benchmark     Profile = "benchmark"
	TwoInstance   Profile = "two-instance"
	EightInstance Profile = "eight-instance"
)

// Profiles lists every profile in the order the help text shows them.
var Profiles = func() []Profile {
	var out []Profile
	for _, name := range facts.Profiles() {
		out = append(out, Profile(name))
	}
	return out
}()

// Instances is the number of LiteLLM tasks the profile's stack runs.
func (p Profile) Instances() int {
	s, _ := facts.StackFor(string(p))
	return s.TaskCount
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
