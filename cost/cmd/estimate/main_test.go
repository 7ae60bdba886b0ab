package main

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	cases := []struct {
		name        string
		args        []string
		code        int
		stdout      []string
		stderr      []string
		notInStdout []string
	}{
		{name: "side by side", args: nil, code: 0,
			stdout:      []string{"litellm-benchmark", "litellm-two-instance", "litellm-eight-instance", "Total per month"},
			notInStdout: []string{"Why they differ"}},
		{name: "one stack", args: []string{"litellm-benchmark"}, code: 0,
			stdout: []string{"litellm-benchmark: 4 tasks", "Why they differ", "Notes:"}, notInStdout: []string{"litellm-two-instance"}},
		{name: "flags after the stack", args: []string{"litellm-benchmark", "-redis-node-type", "cache.t4g.medium", "-rps", "100"}, code: 0,
			stdout: []string{"ElastiCache Redis", "$94.90", "idle to 100 req/s"}},
		{name: "flags before the stack", args: []string{"-redis-node-type=cache.t4g.medium", "-redis-nodes=3", "litellm-two-instance"}, code: 0,
			stdout: []string{"cache.t4g.medium x 3 nodes", "$142.35"}},
		{name: "unknown stack", args: []string{"litellm-bogus"}, code: 2,
			stderr: []string{`unknown stack "litellm-bogus": allowed litellm-benchmark, litellm-two-instance, litellm-eight-instance`}},
		{name: "two stacks", args: []string{"litellm-benchmark", "litellm-two-instance"}, code: 2,
			stderr: []string{"one stack at most"}},
		{name: "unknown flag", args: []string{"-bogus"}, code: 2, stderr: []string{"flag provided but not defined: -bogus"}},
		{name: "bad options", args: []string{"-redis-nodes", "2"}, code: 2,
			stderr: []string{"Redis node count 2 given without a node type"}},
		{name: "unpriced node type", args: []string{"-redis-node-type", "cache.x9.huge"}, code: 1,
			stdout: []string{"no price", "+ unpriced"}, stderr: []string{`ElastiCache node type "cache.x9.huge" has no price`}},
		{name: "help", args: []string{"-h"}, code: 0, stderr: []string{"-redis-node-type", "-redis-nodes", "-rps", "-kb-per-request"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(c.args, &stdout, &stderr)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr.String())
			}
			for _, w := range c.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range c.notInStdout {
				if strings.Contains(stdout.String(), w) {
					t.Errorf("stdout has %q", w)
				}
			}
			for _, w := range c.stderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}
