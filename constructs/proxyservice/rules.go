package proxyservice

import (
	"litellm-aws/internal/rule"
)

// The proxy service's input rules, each stated once: its Validate applies them to literal props, the stacks'
// variables and this construct's preconditions to deploy-time values. name is what the message calls the
// value (a props field, or a variable).

// TaskCountRule: a number of tasks (desired, autoscaling minimum or maximum).
func TaskCountRule(name string, x rule.Expr) rule.Rule {
	return rule.Whole(name, x, MinTasks, MaxTasks)
}

// WorkersRule: LiteLLM's --num_workers.
func WorkersRule(name string, x rule.Expr) rule.Rule {
	return rule.Whole(name, x, MinWorkers, MaxWorkers)
}

// CPUTargetRule: the average CPU autoscaling holds, in percent.
func CPUTargetRule(name string, x rule.Expr) rule.Rule { return rule.Between(name, x, 10, 95) }

// DeploymentMaximumPercentRule: ECS's maximumPercent for a rolling update. Above 200 a roll still starts no
// more than one new task per old one, so the pools' peak would be overstated (RollRoomRule says how much a
// given task count needs).
func DeploymentMaximumPercentRule(name string, x rule.Expr) rule.Rule {
	return rule.Whole(name, x, MinDeploymentMaximumPercent, MaxDeploymentMaximumPercent)
}

// ImageRuleFor: a pinned container image reference.
func ImageRuleFor(name string, x rule.Expr) rule.Rule {
	return rule.Pattern(name, x, ImagePattern, "a pinned image", ImageRule)
}

// MasterKeyRuleFor: a master key brought in; the message never shows it.
func MasterKeyRuleFor(name string, x rule.Expr) rule.Rule {
	return rule.Secret(name, x, MasterKeyPattern, "is not a LiteLLM master key", MasterKeyRule+", or leave it unset to have one generated")
}

// TaskCPURule and TaskMemoryRule: each size on its own is one Fargate has (a variable's validation).
func TaskCPURule(name string, x rule.Expr) rule.Rule {
	return rule.OneOfNumbers(name, x, FargateCPUs(), "a Fargate size")
}

// TaskMemoryRule: see TaskCPURule.
func TaskMemoryRule(name string, x rule.Expr) rule.Rule {
	return rule.OneOfNumbers(name, x, FargateMemories(), "a Fargate size")
}

// FargateSizeRule: Fargate runs a task of this CPU and memory together.
func FargateSizeRule(cpuName string, cpu rule.Expr, memoryName string, memory rule.Expr) rule.Rule {
	memories := map[string][]float64{}
	words := map[string]string{}
	for c, r := range FargateSizes {
		key := rule.List([]int{c})
		memories[key], words[key] = rule.Numbers(r.Memories()), r.String()
	}
	key := rule.NumberText(cpu)
	return rule.New(rule.InTable(memories, key, memory),
		memoryName, " = ", memory, " MiB is not valid with ", cpuName, " = ", cpu, " CPU units: allowed ",
		rule.Lookup(words, key, "CPU units "+rule.List(FargateCPUs())+" only"), ".")
}
