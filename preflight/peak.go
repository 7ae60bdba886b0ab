package preflight

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"litellm-aws/constructs/loadgen"
	"litellm-aws/cost"
)

// DefaultMaximumPercent is ECS's deployment_maximum_percent for a replica service that sets none.
const DefaultMaximumPercent = 200

// Peak is the most Fargate vCPU a stack runs at once, and what it is made of. Every figure comes from the
// synthesized stack (cdk.tf.json) with the deploy's variable values, so a profile or a --var that changes a
// size changes the peak without a second copy of it here.
type Peak struct {
	// Stack is the stack's name; Region its AWS provider's region.
	Stack, Region string
	// Services are the stack's ECS services.
	Services []ServicePeak
	// DeployTasks are the one-off tasks a deploy starts (LiteLLM's database migration), and task
	// definitions nothing in the stack starts, counted in case they run during a deploy.
	DeployTasks []OneOff
	// BenchmarkTasks are the load generator's tasks, which ./help benchmark starts once the stack is up.
	BenchmarkTasks []OneOff
}

// ServicePeak is one ECS service during a rolling deployment.
type ServicePeak struct {
	// Address is the service's Terraform address.
	Address string
	// DesiredTasks is desired_count; MostTasks is that or, with autoscaling, the autoscaling maximum if larger.
	DesiredTasks, MostTasks int
	// Autoscaling is true when an Application Auto Scaling target scales the service.
	Autoscaling bool
	// MaximumPercent is deployment_maximum_percent.
	MaximumPercent int
	// RollTasks is the most tasks during a deployment: MostTasks x MaximumPercent / 100, rounded down as ECS does.
	RollTasks int
	// TaskVCPU is the vCPU of the task definition the service runs (task-level cpu / 1024).
	TaskVCPU float64
}

// OneOff is a task definition whose tasks something other than a service starts.
type OneOff struct {
	// Address is the task definition's Terraform address; StartedBy says what starts it.
	Address, StartedBy string
	// VCPU is one task's vCPU.
	VCPU float64
}

// RollVCPU is the service's vCPU at the height of a deployment.
func (s ServicePeak) RollVCPU() float64 { return float64(s.RollTasks) * s.TaskVCPU }

// SteadyVCPU is the service's vCPU with its most tasks running and no deployment.
func (s ServicePeak) SteadyVCPU() float64 { return float64(s.MostTasks) * s.TaskVCPU }

// DeployVCPU is the vCPU during a deploy: every service rolling at its most tasks, plus the deploy's one-off
// tasks. Terraform runs the migration before it updates the service, so the two rarely overlap; counting
// both keeps one task's margin and never under-counts.
func (p Peak) DeployVCPU() float64 {
	v := sumOneOffs(p.DeployTasks)
	for _, s := range p.Services {
		v += s.RollVCPU()
	}
	return v
}

// BenchmarkVCPU is the vCPU during a benchmark: every service at its most tasks, plus the load generator.
func (p Peak) BenchmarkVCPU() float64 {
	v := sumOneOffs(p.BenchmarkTasks)
	for _, s := range p.Services {
		v += s.SteadyVCPU()
	}
	return v
}

// VCPU is the peak: the larger of DeployVCPU and BenchmarkVCPU.
func (p Peak) VCPU() float64 { return math.Max(p.DeployVCPU(), p.BenchmarkVCPU()) }

func sumOneOffs(ts []OneOff) float64 {
	v := 0.0
	for _, t := range ts {
		v += t.VCPU
	}
	return v
}

// Explain says how the peak is made up, one line for each part.
func (p Peak) Explain() []string {
	var out []string
	for _, s := range p.Services {
		most := fmt.Sprintf("%d tasks (desired_count)", s.MostTasks)
		if s.Autoscaling {
			most = fmt.Sprintf("%d tasks (the larger of desired_count %d and the autoscaling maximum)", s.MostTasks, s.DesiredTasks)
		}
		out = append(out, fmt.Sprintf("%s: %s x %d%% (deployment_maximum_percent), rounded down = %d tasks during a deployment x %s vCPU = %s vCPU",
			s.Address, most, s.MaximumPercent, s.RollTasks, num(s.TaskVCPU), num(s.RollVCPU())))
	}
	for _, t := range p.DeployTasks {
		out = append(out, fmt.Sprintf("%s: %s vCPU, started by %s", t.Address, num(t.VCPU), t.StartedBy))
	}
	out = append(out, fmt.Sprintf("during a deploy: %s vCPU", num(p.DeployVCPU())))
	if len(p.BenchmarkTasks) > 0 {
		out = append(out, fmt.Sprintf("during a benchmark (no deployment; the load generator's %s vCPU on top of the services' %s): %s vCPU",
			num(sumOneOffs(p.BenchmarkTasks)), num(p.BenchmarkVCPU()-sumOneOffs(p.BenchmarkTasks)), num(p.BenchmarkVCPU())))
	}
	return out
}

func num(x float64) string { return fmt.Sprintf("%g", x) }

var taskDefinitionRef = regexp.MustCompile(`^\$\{aws_ecs_task_definition\.([A-Za-z0-9_-]+)\.(arn|arn_without_revision|family)\}$`)

// Compute reads the peak from a synthesized stack with the deploy's variable values (name=value as given to
// --var; the variables' defaults otherwise). An expression it cannot read is an error: no figure is guessed.
func Compute(s *cost.Stack, vars map[string]string) (Peak, error) {
	values, err := s.Values(vars)
	if err != nil {
		return Peak{}, err
	}
	p := Peak{Stack: s.Name, Region: s.Region}
	number := func(r cost.Resource, key string) (float64, bool, error) {
		raw, ok := r.Body[key]
		if !ok {
			return 0, false, nil
		}
		v, err := s.Number(values, raw)
		if err != nil {
			return 0, true, fmt.Errorf("%s %s: %v", r.Address(), key, err)
		}
		return v, true, nil
	}
	taskDefs := map[string]cost.Resource{}
	for _, r := range s.OfType("aws_ecs_task_definition") {
		taskDefs[r.Name] = r
	}
	vcpu := func(td cost.Resource) (float64, error) {
		cpu, ok, err := number(td, "cpu")
		if err != nil {
			return 0, err
		}
		if !ok || cpu <= 0 {
			return 0, fmt.Errorf("%s has no task-level cpu: a Fargate task definition needs one", td.Address())
		}
		return cpu / 1024, nil
	}

	run := map[string]bool{}
	services := s.OfType("aws_ecs_service")
	for _, r := range services {
		if _, ok := r.Body["count"]; ok {
			return Peak{}, fmt.Errorf("%s has a count: the preflight reads single services only", r.Address())
		}
		if launch, _ := r.Body["launch_type"].(string); launch != "FARGATE" {
			return Peak{}, fmt.Errorf("%s launch type %q: the preflight checks Fargate services only", r.Address(), launch)
		}
		ref, _ := r.Body["task_definition"].(string)
		m := taskDefinitionRef.FindStringSubmatch(ref)
		td, ok := taskDefs[safeIndex(m, 1)]
		if !ok {
			return Peak{}, fmt.Errorf("%s task_definition %q is not a task definition in the stack", r.Address(), ref)
		}
		run[td.Name] = true
		sp := ServicePeak{Address: r.Address(), MaximumPercent: DefaultMaximumPercent}
		if sp.TaskVCPU, err = vcpu(td); err != nil {
			return Peak{}, err
		}
		desired, ok, err := number(r, "desired_count")
		if err != nil {
			return Peak{}, err
		}
		if !ok {
			return Peak{}, fmt.Errorf("%s has no desired_count", r.Address())
		}
		sp.DesiredTasks, sp.MostTasks = int(desired), int(desired)
		if pct, ok, err := number(r, "deployment_maximum_percent"); err != nil {
			return Peak{}, err
		} else if ok {
			sp.MaximumPercent = int(pct)
		}
		most, found, err := autoscalingMax(s, values, r, len(services) == 1)
		if err != nil {
			return Peak{}, err
		}
		if found {
			sp.Autoscaling = true
			sp.MostTasks = max(sp.MostTasks, most)
		}
		// ECS: "the upper limit on the number of tasks during a deployment" is desired x maximumPercent / 100,
		// rounded down.
		sp.RollTasks = sp.MostTasks * sp.MaximumPercent / 100
		p.Services = append(p.Services, sp)
	}

	for _, name := range sortedKeys(taskDefs) {
		td := taskDefs[name]
		if run[name] {
			continue
		}
		v, err := vcpu(td)
		if err != nil {
			return Peak{}, err
		}
		if family, _ := td.Body["family"].(string); strings.HasSuffix(family, loadgen.FamilySuffix) {
			p.BenchmarkTasks = append(p.BenchmarkTasks, OneOff{td.Address(), "./help benchmark, after the deploy", v})
			continue
		}
		by := startedBy(s.OfType("terraform_data"), td)
		if by == "" {
			by = "nothing in the stack (counted in case it runs during a deploy)"
		} else {
			by += " during the deploy"
		}
		p.DeployTasks = append(p.DeployTasks, OneOff{td.Address(), by, v})
	}
	if len(p.Services) == 0 {
		return Peak{}, fmt.Errorf("stack %s has no ECS service", s.Name)
	}
	return p, nil
}

// autoscalingMax is the largest max_capacity of the ECS autoscaling targets that scale the service: those
// whose resource_id ends in the service's name, or every ECS target when the stack has one service.
func autoscalingMax(s *cost.Stack, values map[string]any, service cost.Resource, only bool) (int, bool, error) {
	name, _ := s.Eval(values, service.Body["name"])
	most, found := 0, false
	for _, r := range s.OfType("aws_appautoscaling_target") {
		if dim, _ := r.Body["scalable_dimension"].(string); dim != "ecs:service:DesiredCount" {
			continue
		}
		id, _ := r.Body["resource_id"].(string)
		if n, ok := name.(string); !only && (!ok || !strings.HasSuffix(id, "/"+n)) {
			continue
		}
		v, err := s.Number(values, r.Body["max_capacity"])
		if err != nil {
			return 0, false, fmt.Errorf("%s max_capacity: %v", r.Address(), err)
		}
		most, found = max(most, int(v)), true
	}
	return most, found, nil
}

// startedBy is the address of the first resource that refers to the task definition, if any.
func startedBy(rs []cost.Resource, td cost.Resource) string {
	ref := "${" + td.Address() + "."
	for _, r := range rs {
		if raw, _ := json.Marshal(r.Body); strings.Contains(string(raw), ref) {
			return r.Address()
		}
	}
	return ""
}

func safeIndex(m []string, i int) string {
	if i < len(m) {
		return m[i]
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
