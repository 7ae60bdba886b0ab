package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestArguments: what stops before anything is read, built or started, with the message ./help shows.
func TestArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"no stack", nil, nil, exitUsage, []string{"error: name a stack: one of litellm-benchmark litellm-two-instance litellm-eight-instance"}},
		{"an unknown stack", nil, []string{"litellm-nine"}, exitUsage, []string{"error: unknown stack 'litellm-nine': allowed litellm-benchmark"}},
		{"a flag the benchmark sets", nil, []string{"litellm-benchmark", "--local", "--upload=s3://x/"}, exitFailed,
			[]string{"error: ./help benchmark does not take -upload: the task puts its reports into the stack's report bucket itself (nothing was pushed or started)"}},
		{"bad load test flags", nil, []string{"litellm-two-instance", "-users", "0", "-rate", "5"}, exitFailed,
			[]string{"flag provided but not defined: -rate", "the flags are the load tester's: go run ./loadtest -h",
				"error: bad load test flags for ./help benchmark (nothing was pushed or started)"}},
		{"no emulator", nil, []string{"litellm-benchmark", "--local", "-duration", "1m"}, exitFailed,
			[]string{"error: the local AWS emulator is not running, so stack litellm-benchmark is not deployed in it"}},
		{"an emulator elsewhere", map[string]string{"LITELLM_AWS_ENDPOINT": "http://10.0.0.1:5000"}, []string{"litellm-benchmark", "--local"}, exitFailed,
			[]string{"error: LITELLM_AWS_ENDPOINT=http://10.0.0.1:5000 is not a local emulator"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(context.Background(), tc.args, &stdout, &stderr, func(k string) string { return tc.env[k] })
			if code != tc.code || stdout.Len() != 0 {
				t.Errorf("exit %d, want %d; stdout %q", code, tc.code, stdout.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

func TestTaskCommand(t *testing.T) {
	base := []string{"-url", "http://alb", "-profile", "benchmark", "-users", "1000", "-assert"}
	for _, tc := range []struct {
		name  string
		flags []string
		url   string
		want  []string
	}{
		{"the task's own", nil, "", []string{"-url", "http://alb", "-profile", "benchmark", "-users", "1000", "-assert", "-upload", "s3://b/p/"}},
		{"flags after it", []string{"-users", "20"}, "", []string{"-url", "http://alb", "-profile", "benchmark", "-users", "1000", "-assert", "-users", "20", "-upload", "s3://b/p/"}},
		{"another profile", []string{"--profile=two-instance"}, "", []string{"-url", "http://alb", "-users", "1000", "-assert", "--profile=two-instance", "-upload", "s3://b/p/"}},
		{"an instance count", []string{"-instances", "6"}, "", []string{"-url", "http://alb", "-users", "1000", "-assert", "-instances", "6", "-upload", "s3://b/p/"}},
		{"the stub", nil, "http://127.0.0.1:9", []string{"-url", "http://alb", "-profile", "benchmark", "-users", "1000", "-assert", "-url", "http://127.0.0.1:9", "-upload", "s3://b/p/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := taskCommand(base, tc.flags, tc.url, "s3://b/p/"); !slices.Equal(got, tc.want) {
				t.Errorf("taskCommand = %q\nwant %q", got, tc.want)
			}
		})
	}
	if hasFlag("url", []string{"url", "-urls", "x"}) || !hasFlag("url", []string{"--url=x"}) {
		t.Error("hasFlag takes -url, --url, -url=v and --url=v only")
	}
}

func TestOutputs(t *testing.T) {
	var o outputs
	if err := json.Unmarshal([]byte(`{
		"loadgen_repository_url": {"value": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/litellm-benchmark-loadgen"},
		"private_subnet_ids": {"value": ["subnet-a", "subnet-b"]},
		"desired_task_count": {"value": 4}}`), &o); err != nil {
		t.Fatal(err)
	}
	if o.region() != "eu-west-2" || o.get("private_subnet_ids") != "subnet-a,subnet-b" || o.get("desired_task_count") != "4" || o.get("none") != "" {
		t.Errorf("region %q, subnets %q, count %q, a missing one %q", o.region(), o.get("private_subnet_ids"), o.get("desired_task_count"), o.get("none"))
	}
}
