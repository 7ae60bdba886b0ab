package preflight

import (
	"strings"
	"sync"
	"testing"

	"litellm-aws/cost"
	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

var (
	synthMu     sync.Mutex
	synthesized = map[bool][]*cost.Stack{}
)

// stackFor synthesizes every profile once per test run (plain, or with LITELLM_AUTOSCALING=on) and returns
// one of them.
func stackFor(t *testing.T, name string, autoscaling bool) *cost.Stack {
	t.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	ss, ok := synthesized[autoscaling]
	if !ok {
		env := map[string]string{}
		if autoscaling {
			env["LITELLM_AUTOSCALING"] = "on"
		}
		profiles, err := stacks.FromEnv(stacks.All(), func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if ss, err = cost.Synthesize(profiles); err != nil {
			t.Fatal(err)
		}
		synthesized[autoscaling] = ss
	}
	for _, s := range ss {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stack %s", name)
	return nil
}

// withServiceAttribute returns a copy of s whose ECS services set key to v: what a profile that changes
// the service (a lower deployment_maximum_percent, say) would synthesize.
func withServiceAttribute(s *cost.Stack, key string, v any) *cost.Stack {
	c := *s
	c.Resources = make([]cost.Resource, len(s.Resources))
	for i, r := range s.Resources {
		if r.Type == "aws_ecs_service" {
			body := make(map[string]any, len(r.Body))
			for k, x := range r.Body {
				body[k] = x
			}
			body[key] = v
			r.Body = body
		}
		c.Resources[i] = r
	}
	return &c
}

func TestPeak(t *testing.T) {
	tests := []struct {
		name        string
		stack       string
		autoscaling bool
		vars        map[string]string
		maxPercent  any // deployment_maximum_percent to synthesize instead of the stack's, when set
		// want: the service's tasks at most and during a deployment, a task's vCPU, and the vCPU during a
		// deploy (with the 1-vCPU migration task), during a benchmark (with the 2-vCPU load generator), and the peak.
		most, roll          int
		taskVCPU            float64
		deploy, bench, peak float64
	}{
		{name: "benchmark", stack: "litellm-benchmark", most: 4, roll: 6, taskVCPU: 4, deploy: 25, bench: 18, peak: 25},
		{name: "two-instance", stack: "litellm-two-instance", most: 2, roll: 3, taskVCPU: 4, deploy: 13, bench: 10, peak: 13},
		{name: "eight-instance", stack: "litellm-eight-instance", most: 8, roll: 12, taskVCPU: 4, deploy: 49, bench: 34, peak: 49},
		{name: "eight-instance, 6 tasks of 2 vCPU", stack: "litellm-eight-instance",
			vars: map[string]string{"desired_task_count": "6", "task_cpu": "2048"},
			most: 6, roll: 9, taskVCPU: 2, deploy: 19, bench: 14, peak: 19},
		{name: "two-instance, 3 tasks of 1 vCPU", stack: "litellm-two-instance",
			vars: map[string]string{"desired_task_count": "3", "task_cpu": "1024", "task_memory": "2048"},
			most: 3, roll: 4, taskVCPU: 1, deploy: 5, bench: 5, peak: 5},
		{name: "quarter-vCPU tasks", stack: "litellm-two-instance",
			vars: map[string]string{"task_cpu": "256", "task_memory": "512"},
			most: 2, roll: 3, taskVCPU: 0.25, deploy: 1.75, bench: 2.5, peak: 2.5},
		{name: "benchmark with autoscaling: the maximum's default, 10", stack: "litellm-benchmark", autoscaling: true,
			most: 10, roll: 15, taskVCPU: 4, deploy: 61, bench: 42, peak: 61},
		{name: "eight-instance with autoscaling up to 12", stack: "litellm-eight-instance", autoscaling: true,
			vars: map[string]string{"autoscaling_max_task_count": "12"},
			most: 12, roll: 18, taskVCPU: 4, deploy: 73, bench: 50, peak: 73},
		{name: "autoscaling maximum below desired: desired counts", stack: "litellm-two-instance", autoscaling: true,
			vars: map[string]string{"desired_task_count": "2", "autoscaling_max_task_count": "2"},
			most: 2, roll: 3, taskVCPU: 4, deploy: 13, bench: 10, peak: 13},
		{name: "maximum percent 150 rounds down", stack: "litellm-benchmark", maxPercent: 150.0,
			vars: map[string]string{"desired_task_count": "3"},
			most: 3, roll: 4, taskVCPU: 4, deploy: 17, bench: 14, peak: 17},
		{name: "maximum percent 100: the benchmark is the peak", stack: "litellm-eight-instance", maxPercent: 100.0,
			most: 8, roll: 8, taskVCPU: 4, deploy: 33, bench: 34, peak: 34},
		{name: "maximum percent as a variable", stack: "litellm-eight-instance", maxPercent: "${var.desired_task_count * 25}",
			most: 8, roll: 16, taskVCPU: 4, deploy: 65, bench: 34, peak: 65},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := stackFor(t, tc.stack, tc.autoscaling)
			if tc.maxPercent != nil {
				s = withServiceAttribute(s, "deployment_maximum_percent", tc.maxPercent)
			}
			p, err := Compute(s, tc.vars)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Services) != 1 {
				t.Fatalf("got %d services, want 1: %+v", len(p.Services), p.Services)
			}
			sp := p.Services[0]
			if sp.MostTasks != tc.most || sp.RollTasks != tc.roll || sp.TaskVCPU != tc.taskVCPU || sp.Autoscaling != tc.autoscaling {
				t.Errorf("service: got %+v, want %d tasks at most, %d during a deployment, %g vCPU each, autoscaling %v",
					sp, tc.most, tc.roll, tc.taskVCPU, tc.autoscaling)
			}
			if p.DeployVCPU() != tc.deploy || p.BenchmarkVCPU() != tc.bench || p.VCPU() != tc.peak {
				t.Errorf("got %g vCPU during a deploy, %g during a benchmark, peak %g; want %g, %g, %g\n%s",
					p.DeployVCPU(), p.BenchmarkVCPU(), p.VCPU(), tc.deploy, tc.bench, tc.peak, strings.Join(p.Explain(), "\n"))
			}
			if p.Region != "us-east-1" {
				t.Errorf("region %q, want us-east-1", p.Region)
			}
		})
	}
}

// The one-off tasks come from the stack too: the migration task a deploy starts and the load generator.
func TestPeakOneOffs(t *testing.T) {
	p, err := Compute(stackFor(t, "litellm-benchmark", false), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.DeployTasks) != 1 || !strings.Contains(p.DeployTasks[0].Address, "migration") ||
		!strings.HasPrefix(p.DeployTasks[0].StartedBy, "terraform_data.") || p.DeployTasks[0].VCPU != 1 {
		t.Errorf("deploy one-offs: got %+v, want the migration task, 1 vCPU, started by a terraform_data", p.DeployTasks)
	}
	if len(p.BenchmarkTasks) != 1 || !strings.Contains(p.BenchmarkTasks[0].Address, "loadgen") || p.BenchmarkTasks[0].VCPU != 2 {
		t.Errorf("benchmark one-offs: got %+v, want the load generator, 2 vCPU", p.BenchmarkTasks)
	}
	explained := strings.Join(p.Explain(), "\n")
	for _, want := range []string{"x 150% (deployment_maximum_percent), rounded down = 6 tasks", "during a deploy: 25 vCPU"} {
		if !strings.Contains(explained, want) {
			t.Errorf("explanation lacks %q:\n%s", want, explained)
		}
	}
}

func TestPeakRejects(t *testing.T) {
	s := stackFor(t, "litellm-benchmark", false)
	tests := []struct {
		name  string
		stack *cost.Stack
		vars  map[string]string
		want  string
	}{
		{"a variable the stack lacks", s, map[string]string{"autoscaling_max_task_count": "6"}, "declares no such variable"},
		{"not a number", s, map[string]string{"desired_task_count": "many"}, "not a number"},
		{"an expression it cannot read", withServiceAttribute(s, "deployment_maximum_percent", "${aws_ecs_cluster.x.id}"), nil, "deployment_maximum_percent"},
		{"not Fargate", withServiceAttribute(s, "launch_type", "EC2"), nil, `launch type "EC2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(tc.stack, tc.vars)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}
