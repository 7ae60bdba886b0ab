package proxyservice

import (
	"fmt"
	"slices"
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

// FargateMemories lists every memory size Fargate accepts with some CPU size, ascending.
func FargateMemories() []int {
	var out []int
	for _, c := range FargateCPUs() {
		for _, m := range FargateSizes[c].Memories() {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	sort.Ints(out)
	return out
}

// FargateSizesText describes every valid pair, for error messages at plan time.
func FargateSizesText() string {
	var parts []string
	for _, c := range FargateCPUs() {
		parts = append(parts, fmt.Sprintf("%d: %s", c, FargateSizes[c]))
	}
	return strings.Join(parts, "; ")
}
