package proxyservice_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"gopkg.in/yaml.v3"

	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/proxyservice"
)

// TestGracefulDrain holds the synthesized stopTimeout, deregistration delay and request_timeout to the length
// a roll lets responses run (loadbalancer.DeregistrationDelaySeconds) and to each other; see drain.go.
func TestGracefulDrain(t *testing.T) {
	doc := build(t, nil).doc
	_, td, _ := taskOf(t, doc, proxyFamily)
	var containers []map[string]any
	if err := yaml.Unmarshal([]byte(td["container_definitions"].(string)), &containers); err != nil || len(containers) != 1 {
		t.Fatalf("container_definitions: %v", err)
	}
	stop, _ := containers[0]["stopTimeout"].(int)
	var delay int
	if _, err := fmt.Sscan(fmt.Sprint(doc.One(t, *lbtargetgroup.LbTargetGroup_TfResourceType())["deregistration_delay"]), &delay); err != nil {
		t.Fatalf("deregistration_delay: %v", err)
	}
	var config struct {
		LiteLLMSettings struct {
			RequestTimeout int `yaml:"request_timeout"`
		} `yaml:"litellm_settings"`
	}
	if err := yaml.Unmarshal([]byte(doc.One(t, *s3object.S3Object_TfResourceType())["content"].(string)), &config); err != nil {
		t.Fatalf("config.yaml: %v", err)
	}
	request := config.LiteLLMSettings.RequestTimeout

	cases := []struct {
		name string
		ok   bool
		want string
	}{
		{"stopTimeout is StopTimeoutSeconds", stop == proxyservice.StopTimeoutSeconds,
			fmt.Sprintf("%d", proxyservice.StopTimeoutSeconds)},
		{"stopTimeout within Fargate's limit", stop >= 2 && stop <= proxyservice.MaxFargateStopTimeoutSeconds,
			fmt.Sprintf("2-%d s", proxyservice.MaxFargateStopTimeoutSeconds)},
		{"stopTimeout leaves room after LiteLLM's own drain", stop >= 2*proxyservice.LiteLLMShutdownDrainSeconds,
			fmt.Sprintf("at least twice GRACEFUL_SHUTDOWN_TIMEOUT's default %d s, for the flush after it", proxyservice.LiteLLMShutdownDrainSeconds)},
		{"deregistration delay is the stated length", delay == loadbalancer.DeregistrationDelaySeconds,
			fmt.Sprintf("%d s", loadbalancer.DeregistrationDelaySeconds)},
		{"deregistration delay within the target group's limit", delay >= 0 && delay <= 3600, "0-3600 s"},
		{"a roll lets every provider call LiteLLM waits for finish", request > 0 && request <= delay,
			fmt.Sprintf("request_timeout at most the deregistration delay %d s", delay)},
		{"request_timeout is the default", request == proxyservice.DefaultRequestTimeoutSeconds,
			fmt.Sprintf("%d s", proxyservice.DefaultRequestTimeoutSeconds)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("stopTimeout %d s, deregistration delay %d s, request_timeout %d s: want %s", stop, delay, request, tc.want)
			}
		})
	}
}

// TestREADMEStatesTheDrain: the README says how long a roll lets responses run, and with which stopTimeout.
func TestREADMEStatesTheDrain(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("a deploy or a scale-in lets a response that has already started run for up to %d s more", loadbalancer.DeregistrationDelaySeconds),
		fmt.Sprintf("the %d s deregistration delay", loadbalancer.DeregistrationDelaySeconds),
		fmt.Sprintf("%d s (`stopTimeout`", proxyservice.StopTimeoutSeconds),
		fmt.Sprintf("`request_timeout` defaults to the same %d s", proxyservice.DefaultRequestTimeoutSeconds),
	} {
		if !strings.Contains(strings.Join(strings.Fields(string(readme)), " "), want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
}
