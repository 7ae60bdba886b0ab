package cost

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"litellm-aws/internal/check"
	"litellm-aws/internal/published"
)

// bill is one estimate in the making: the stack, what its expressions resolve to, and the lines so far.
// The readers below turn a resource's attributes into the counts and sizes a price applies to; an
// attribute they cannot resolve is an error the line reports, never a zero.
type bill struct {
	stack    *Stack
	scope    *scope
	opts     Options
	lines    []Line
	excluded []Excluded
	notes    []string
	problems check.Problems
}

// Lines.

func (b *bill) fixed(typ, item, group, detail string, price Price, qty float64) {
	b.lines = append(b.lines, Line{Type: typ, Item: item, Group: group, Detail: detail, Price: price, LowQty: qty, HighQty: qty})
}

func (b *bill) ranged(typ, item, group, detail string, price Price, low, high float64) {
	b.lines = append(b.lines, Line{Type: typ, Item: item, Group: group, Detail: detail, Price: price, LowQty: low, HighQty: high, Usage: true})
}

// traffic adds a usage line of perGB units for each GB the load sends through one leg, from idle to the load.
func (b *bill) traffic(typ, item, group, detail string, price Price, perGB float64) {
	gb, err := b.trafficGB()
	if err != nil {
		b.missing(typ, item, group, detail, err.Error())
		return
	}
	b.ranged(typ, item, group, detail, price, 0, perGB*gb)
}

// missing adds a line the estimate cannot price, saying why; it makes the estimate incomplete.
func (b *bill) missing(typ, item, group, detail, why string) {
	b.lines = append(b.lines, Line{Type: typ, Item: item, Group: group, Detail: detail, Missing: why})
	b.problems.Addf("%s: %s", item, why)
}

func (b *bill) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// exclude records resources no line prices, with the reason.
func (b *bill) exclude(typ string, rs []Resource, reason string, billed bool) {
	if len(rs) == 0 {
		return
	}
	n := 0
	for _, r := range rs {
		c, err := b.count(r)
		if err != nil {
			n = -1
			break
		}
		n += c
	}
	b.excluded = append(b.excluded, Excluded{Type: typ, Count: n, Reason: reason, Billed: billed})
}

// Attributes.

// count is how many instances a resource block makes: its count or for_each, else 1.
func (b *bill) count(r Resource) (int, error) {
	if _, ok := r.Body["count"]; ok {
		n, err := b.number(r, "count", 1)
		return int(n), err
	}
	if fe, ok := r.Body["for_each"]; ok {
		v, err := b.scope.evalValue(fe)
		if err != nil {
			return 0, fmt.Errorf("%s for_each: %v", r.Address(), err)
		}
		switch v := v.(type) {
		case []any:
			return len(v), nil
		case map[string]any:
			return len(v), nil
		}
		return 0, fmt.Errorf("%s for_each is a %T", r.Address(), v)
	}
	return 1, nil
}

// value evaluates an attribute; present is false when the resource leaves it out.
func (b *bill) value(r Resource, key string) (v any, present bool, err error) {
	raw, ok := r.Body[key]
	if !ok {
		return nil, false, nil
	}
	v, err = b.scope.evalValue(raw)
	if err != nil {
		return nil, true, fmt.Errorf("%s %s: %v", r.Address(), key, err)
	}
	return v, true, nil
}

func (b *bill) number(r Resource, key string, def float64) (float64, error) {
	v, ok, err := b.value(r, key)
	if err != nil || !ok {
		return def, err
	}
	f, err := toNumber(v)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %v", r.Address(), key, err)
	}
	return f, nil
}

func (b *bill) wholeNumber(r Resource, key string, def int) (int, error) {
	f, err := b.number(r, key, float64(def))
	if err == nil && (f != math.Trunc(f) || f < 0) {
		err = fmt.Errorf("%s %s = %v is not a whole number", r.Address(), key, f)
	}
	return int(f), err
}

func (b *bill) str(r Resource, key, def string) (string, error) {
	v, ok, err := b.value(r, key)
	if err != nil || !ok {
		return def, err
	}
	s, err := toString(v)
	if err != nil {
		return "", fmt.Errorf("%s %s: %v", r.Address(), key, err)
	}
	return s, nil
}

func (b *bill) boolean(r Resource, key string, def bool) (bool, error) {
	v, ok, err := b.value(r, key)
	if err != nil || !ok {
		return def, err
	}
	switch v := v.(type) {
	case bool:
		return v, nil
	case string: // the provider takes "true" too
		if v == "true" || v == "false" {
			return v == "true", nil
		}
	}
	return false, fmt.Errorf("%s %s = %v is not a bool", r.Address(), key, v)
}

// toNumber converts as Terraform does: numbers, and strings that hold one.
func toNumber(v any) (float64, error) {
	switch v := v.(type) {
	case float64:
		return v, nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", v)
		}
		return f, nil
	}
	return 0, fmt.Errorf("a %T is not a number", v)
}

// toString converts as Terraform does: strings, numbers and bools.
func toString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("a %T is not a string", v)
}

// block returns a nested block (synthesized as an object, or a list of one).
func block(r Resource, key string) map[string]any {
	switch v := r.Body[key].(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	}
	return nil
}

// nameOf is what a resource calls itself: the attribute given, else its Name tag, else its address.
func (b *bill) nameOf(r Resource, key string) string {
	if s, err := b.str(r, key, ""); err == nil && s != "" {
		return s
	}
	if tags, ok := r.Body["tags"].(map[string]any); ok {
		if s, ok := tags["Name"].(string); ok && !strings.Contains(s, "${") {
			return s
		}
	}
	return r.Address()
}

// names lists what the resources call themselves.
func (b *bill) names(rs []Resource, key string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = b.nameOf(r, key)
	}
	return strings.Join(out, ", ")
}

// total adds up the resources' counts.
func (b *bill) total(rs []Resource) (int, error) {
	n := 0
	for _, r := range rs {
		c, err := b.count(r)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// resourceRef is an attribute of another resource: ${aws_s3_bucket.logs_bucket_5A22438C.id}.
var resourceRef = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$`)

// refersTo reports whether an attribute value names the target resource: directly, or through the same
// attribute of a resource in between (${aws_s3_bucket_policy.logs.bucket}, the policy's bucket being the
// target's).
func (b *bill) refersTo(v any, target Resource) bool {
	for hops := 0; hops < 3; hops++ {
		ref, _ := v.(string)
		m := resourceRef.FindStringSubmatch(ref)
		if m == nil {
			return false
		}
		if m[1] == target.Type && m[2] == target.Name {
			return true
		}
		var next any
		for _, r := range b.stack.OfType(m[1]) {
			if r.Name == m[2] {
				next = r.Body[m[3]]
			}
		}
		v = next
	}
	return false
}

// What the stack runs, read from its resources for the lines that depend on it.

// fargateService is one ECS service's task-hours: Tasks tasks of CPU units and MemoryMiB each.
type fargateService struct {
	Tasks, CPU, MemoryMiB int
}

var taskDefinitionRef = regexp.MustCompile(`^\$\{aws_ecs_task_definition\.([A-Za-z0-9_-]+)\.(arn|arn_without_revision|family)\}$`)

// fargate reads a service: its desired count, and the size of the Fargate task definition it runs.
func (b *bill) fargate(r Resource) (fargateService, error) {
	var f fargateService
	n, err := b.count(r)
	if err != nil {
		return f, err
	}
	desired, err := b.wholeNumber(r, "desired_count", 0)
	if err != nil {
		return f, err
	}
	f.Tasks = n * desired
	launch, err := b.str(r, "launch_type", "")
	if err != nil {
		return f, err
	}
	if launch != "FARGATE" {
		return f, fmt.Errorf("%s launch type %q: the table prices Fargate only", r.Address(), launch)
	}
	ref, _ := r.Body["task_definition"].(string)
	m := taskDefinitionRef.FindStringSubmatch(ref)
	if m == nil {
		return f, fmt.Errorf("%s task_definition %q is not a task definition in the stack", r.Address(), ref)
	}
	var td Resource
	for _, t := range b.stack.OfType("aws_ecs_task_definition") {
		if t.Name == m[1] {
			td = t
		}
	}
	if td.Type == "" {
		return f, fmt.Errorf("%s runs %s, which the stack does not define", r.Address(), m[1])
	}
	cpu, err := b.wholeNumber(td, "cpu", 0)
	if err != nil {
		return f, err
	}
	mem, err := b.wholeNumber(td, "memory", 0)
	if err != nil {
		return f, err
	}
	if cpu == 0 || mem == 0 {
		return f, fmt.Errorf("%s has no task-level cpu and memory", td.Address())
	}
	f.CPU, f.MemoryMiB = cpu, mem
	if p := block(td, "runtime_platform"); p != nil {
		arch, _ := p["cpu_architecture"].(string)
		family, _ := p["operating_system_family"].(string)
		if arch != "" && arch != "X86_64" || family != "" && family != "LINUX" {
			return f, fmt.Errorf("%s runs on %s %s: the table prices Linux/x86 Fargate only", td.Address(), family, arch)
		}
	}
	if e := block(td, "ephemeral_storage"); e != nil {
		if gib, _ := toNumber(e["size_in_gib"]); gib > 20 {
			return f, fmt.Errorf("%s asks for %v GiB of ephemeral storage: beyond the 20 GiB included it has no price in the table", td.Address(), gib)
		}
	}
	return f, nil
}

// tasks is how many tasks every service together runs.
func (b *bill) tasks() (int, error) {
	n := 0
	for _, r := range b.stack.OfType("aws_ecs_service") {
		f, err := b.fargate(r)
		if err != nil {
			return 0, err
		}
		n += f.Tasks
	}
	return n, nil
}

// zones is how many availability zones the stack's subnets span.
func (b *bill) zones() (int, error) {
	seen := map[string]bool{}
	for _, r := range b.stack.OfType("aws_subnet") {
		az, err := b.str(r, "availability_zone", "")
		if err != nil {
			return 0, err
		}
		if az == "" {
			return 0, fmt.Errorf("%s names no availability_zone", r.Address())
		}
		seen[az] = true
	}
	return len(seen), nil
}

// requestsPerSecond is the load the usage lines' high end assumes: the one given, or LiteLLM's published
// rate for the stack's task count.
func (b *bill) requestsPerSecond() (float64, error) {
	if b.opts.RequestsPerSecond > 0 {
		return b.opts.RequestsPerSecond, nil
	}
	tasks, err := b.tasks()
	if err != nil {
		return 0, fmt.Errorf("no load to price: %v (or give -rps)", err)
	}
	if tasks < 1 {
		return 0, fmt.Errorf("no load to price: the stack runs no task (give -rps)")
	}
	return LoadRPS(tasks), nil
}

func (b *bill) trafficGB() (float64, error) {
	rps, err := b.requestsPerSecond()
	return trafficGB(rps, b.opts.KBPerRequest), err
}

// trafficGB is the GB (GiB, as AWS bills them) a month each leg carries at rps requests a second of kb KiB.
func trafficGB(rps, kb float64) float64 { return rps * 3600 * HoursPerMonth * kb / (1 << 20) }

// LoadRPS is the request rate the usage lines' high end assumes for a task count by default: LiteLLM's
// published rate for that many instances, or scaled from the 4-instance run (internal/published).
func LoadRPS(tasks int) float64 { return published.For(tasks).RPS }
