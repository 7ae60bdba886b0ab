package main

import (
	_ "litellm-aws/internal/testflags" // so that go test ./... -update runs here too
	"os"
	"path/filepath"
	"strings"
	"testing"

	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// outdir writes a cdktf output directory holding one small stack: two secrets and a resource type the
// price rules do not know.
func outdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	stack := filepath.Join(dir, "stacks", "litellm-benchmark")
	if err := os.MkdirAll(stack, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := `{
  "provider": {"aws": [{"region": "us-east-1"}]},
  "variable": {"secrets": {"type": "number", "default": 2}},
  "resource": {
    "aws_secretsmanager_secret": {"keys": {"count": "${var.secrets}", "name": "litellm-benchmark-key"}},
    "aws_sqs_queue": {"jobs": {"name": "litellm"}}
  }
}`
	if err := os.WriteFile(filepath.Join(stack, "cdk.tf.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRun(t *testing.T) {
	from := outdir(t)
	cases := []struct {
		name        string
		args        []string
		env         map[string]string
		code        int
		stdout      []string
		stderr      []string
		notInStdout []string
	}{
		{name: "side by side", args: nil, code: 0,
			stdout:      []string{"litellm-benchmark", "litellm-two-instance", "litellm-eight-instance", "Total per month", "$472.81"},
			notInStdout: []string{"Why they differ"}},
		{name: "one stack", args: []string{"litellm-benchmark"}, code: 0,
			stdout:      []string{"litellm-benchmark: 4 tasks", "Why they differ", "Notes:", "KMS keys", "CloudWatch alarms"},
			notInStdout: []string{"litellm-two-instance"}},
		{name: "a variable", args: []string{"litellm-benchmark", "--var", "desired_task_count=6"}, code: 0,
			stdout: []string{"litellm-benchmark: 6 tasks", "6 tasks x 4 vCPU x 730 h", "--var desired_task_count=6", "idle to 1,755 req/s"}},
		{name: "LITELLM_REDIS from the environment", args: []string{"litellm-two-instance"}, env: map[string]string{"LITELLM_REDIS": "on"}, code: 0,
			stdout: []string{"ElastiCache Redis", "cache.t4g.medium x 2 nodes", "$94.90", "litellm-two-instance-redis-auth-token"}},
		{name: "flags after the stack", args: []string{"litellm-benchmark", "-redis-node-type", "cache.t4g.small", "-rps", "100"}, code: 0,
			stdout: []string{"ElastiCache Redis", "cache.t4g.small x 2 nodes", "$46.72", "idle to 100 req/s"}},
		{name: "flags before the stack", args: []string{"-var=alarm_email=ops@example.com", "-kb-per-request=4", "litellm-eight-instance"}, code: 0,
			stdout: []string{"litellm-eight-instance: 8 tasks", "at 4 KB a request", "aws_sns_topic_subscription:"}},
		{name: "node count is not an option", args: []string{"-redis-nodes", "3", "litellm-benchmark"}, code: 2,
			stderr: []string{"-redis-nodes 3: the node count is the one the stack builds"}},
		{name: "unknown variable", args: []string{"litellm-benchmark", "-var", "tasks=6"}, code: 2,
			stderr: []string{"--var tasks: litellm-benchmark declares no such variable"}},
		{name: "a value the stack rejects", args: []string{"-var", "desired_task_count=500"}, code: 2,
			stderr: []string{"desired_task_count = 500 is out of range: allowed whole numbers 1-100."}},
		{name: "malformed variable", args: []string{"-var", "desired_task_count"}, code: 2,
			stderr: []string{`want name=value, got "desired_task_count"`}},
		{name: "unknown stack", args: []string{"litellm-bogus"}, code: 2,
			stderr: []string{`unknown stack "litellm-bogus": allowed litellm-benchmark, litellm-two-instance, litellm-eight-instance`}},
		{name: "two stacks", args: []string{"litellm-benchmark", "litellm-two-instance"}, code: 2,
			stderr: []string{"one stack at most"}},
		{name: "unknown flag", args: []string{"-bogus"}, code: 2, stderr: []string{"flag provided but not defined: -bogus"}},
		{name: "bad options", args: []string{"-rps", "-5"}, code: 2, stderr: []string{"request rate -5 is negative"}},
		{name: "bad environment", args: nil, env: map[string]string{"LITELLM_REDIS": "maybe"}, code: 2,
			stderr: []string{`LITELLM_REDIS="maybe": not a switch`}},
		{name: "read from a cdktf output, with a type no rule covers", args: []string{"litellm-benchmark", "-from", from, "-var", "secrets=3"}, code: 1,
			stdout: []string{"3 secrets", "aws_sqs_queue", "no price", "+ unpriced"},
			stderr: []string{"no billing entry for aws_sqs_queue in cost/billing.go"}},
		{name: "nothing to read", args: []string{"litellm-two-instance", "-from", from}, code: 2,
			stderr: []string{"run ./help synth first"}},
		{name: "help", args: []string{"-h"}, code: 0, stderr: []string{"-var", "-from", "-redis-node-type", "-rps", "-kb-per-request"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(c.args, func(k string) string { return c.env[k] }, &stdout, &stderr)
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
