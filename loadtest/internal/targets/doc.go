// Package targets scales LiteLLM's published benchmark figures to a stack's instance count and judges a
// run against them.
//
// The figures themselves, and how they are scaled to instance counts the benchmark did not run, live in
// internal/published, which the cost estimate reads too; see its package comment for where each comes from.
package targets
