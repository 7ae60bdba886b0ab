package cost

import (
	"encoding/json"
	"sync"
	"testing"

	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// option is one combination of the LITELLM_* settings the stacks are synthesized with, and variable values
// applied to every stack.
type option struct {
	name string
	env  map[string]string
	vars map[string]string
}

// options are every combination the tests price: the ones the stacks' own tests synthesize (plain, Redis,
// autoscaling, both, with an alarm email), every other setting that adds a resource at once, and Redis off.
var options = []option{
	{name: "plain"},
	{name: "LITELLM_REDIS=on", env: map[string]string{"LITELLM_REDIS": "on"}},
	{name: "LITELLM_AUTOSCALING=on", env: map[string]string{"LITELLM_AUTOSCALING": "on"}},
	{name: "Redis and autoscaling", env: map[string]string{"LITELLM_REDIS": "on", "LITELLM_AUTOSCALING": "on"}},
	{name: "alarm email", vars: map[string]string{"alarm_email": "ops@example.com"}},
	{name: "every other setting", env: map[string]string{
		"LITELLM_CERTIFICATE_ARN":        "arn:aws:acm:us-east-1:123456789012:certificate/abcd1234-ab12-cd34-ef56-abcdef123456",
		"LITELLM_DOMAIN_NAME":            "llm.example.com",
		"LITELLM_HOSTED_ZONE_ID":         "Z0123456789ABCDEFGHIJ",
		"LITELLM_KMS_KEY_ARN":            "arn:aws:kms:us-east-1:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456",
		"LITELLM_ALB_ACCESS_LOGS_BUCKET": "litellm-alb-logs",
		"LITELLM_WEB_ACL_ARN":            "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/litellm/abcd1234-ab12-cd34-ef56-abcdef123456",
		"LITELLM_DB_MULTI_AZ":            "on",
	}},
	{name: "LITELLM_REDIS=off", env: map[string]string{"LITELLM_REDIS": "off"}},
}

var (
	synthMu sync.Mutex
	// synthesized holds each option's stacks, raw, by the option's settings; each test gets its own copy.
	synthesized = map[string][]*Stack{}
)

// stacksFor synthesizes every profile with an option's settings, once per test run, and returns copies the
// test may change.
func stacksFor(t *testing.T, o option) []*Stack {
	t.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	key, _ := json.Marshal(o.env)
	ss, ok := synthesized[string(key)]
	if !ok {
		profiles, err := stacks.FromEnv(stacks.All(), func(k string) string { return o.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if ss, err = Synthesize(profiles); err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		synthesized[string(key)] = ss
	}
	out := make([]*Stack, len(ss))
	for i, s := range ss {
		out[i] = clone(t, s)
	}
	return out
}

// stackFor is one profile's stack with an option's settings.
func stackFor(t *testing.T, o option, name string) *Stack {
	t.Helper()
	for _, s := range stacksFor(t, o) {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stack %s", name)
	return nil
}

func clone(t *testing.T, s *Stack) *Stack {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var c Stack
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// estimate prices a stack and fails the test on any error.
func estimate(t *testing.T, s *Stack, opts Options) Estimate {
	t.Helper()
	e, err := Monthly(s, opts)
	if err != nil {
		t.Fatalf("Monthly(%s): %v", s.Name, err)
	}
	return e
}

var plain = options[0]

// redisOff is no Redis on any stack: the seed's bill.
var redisOff = options[6]

const benchmark = "litellm-benchmark"
