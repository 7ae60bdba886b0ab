// Package facts holds what ./help (bash) and the Go code both need: the stacks with their load test profile and
// task count, and the versions of Terraform, the AWS provider and the cdktf CLI. They are written once, in
// facts.txt, which this package embeds and scripts/lib.sh reads; neither side keeps a copy.
package facts
