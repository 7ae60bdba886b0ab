package proxyservice

import (
	"fmt"
	"sort"
	"strings"
)

// memoryRange is the task memory Fargate allows for one CPU size, in MiB.
type memoryRange struct{ Min, Max, Step int }

// FargateSizes maps task CPU units to the memory Fargate accepts with them (Linux, platform 1.4.0).
var FargateSizes = map[int]memoryRange{
	256:   {512, 2048, 0}, // 512, 1024 or 2048
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// Memories lists every memory size Fargate accepts with cpu.
func (r memoryRange) Memories() []int {
	if r.Step == 0 {
		return []int{512, 1024, 2048}
	}
	var out []int
	for m := r.Min; m <= r.Max; m += r.Step {
		out = append(out, m)
	}
	return out
}

func (r memoryRange) String() string {
	if r.Step == 0 {
		return "512, 1024 or 2048"
	}
	return fmt.Sprintf("%d-%d in steps of %d", r.Min, r.Max, r.Step)
}

// FargateCPUs lists the valid task CPU sizes, ascending.
func FargateCPUs() []int {
	out := make([]int, 0, len(FargateSizes))
	for c := range FargateSizes {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// CheckFargateSize says what is wrong with a CPU/memory pair, or "" when Fargate runs it.
func CheckFargateSize(cpu, memoryMiB int) string {
	r, ok := FargateSizes[cpu]
	if !ok {
		return fmt.Sprintf("task CPU %d is not a Fargate size: allowed %s", cpu, joinInts(FargateCPUs()))
	}
	for _, m := range r.Memories() {
		if m == memoryMiB {
			return ""
		}
	}
	return fmt.Sprintf("task memory %d MiB is not valid with %d CPU units: allowed %s", memoryMiB, cpu, r)
}

// FargateSizesText describes every valid pair, for error messages at plan time.
func FargateSizesText() string {
	var parts []string
	for _, c := range FargateCPUs() {
		parts = append(parts, fmt.Sprintf("%d: %s", c, FargateSizes[c]))
	}
	return strings.Join(parts, "; ")
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
