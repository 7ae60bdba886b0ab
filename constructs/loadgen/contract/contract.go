// Package contract names what the load generator's task definition (constructs/loadgen) and the benchmark that
// starts it (loadtest/benchmark) agree on. It imports nothing, so the benchmark links none of the CDKTF bindings.
package contract

const (
	// ContainerName is the task's one container; its log streams are LogStreamPrefix/ContainerName/<task id>.
	ContainerName = "loadgen"
	// LogStreamPrefix is the awslogs stream prefix.
	LogStreamPrefix = "loadgen"
	// PlaceholderTag is the image tag of the revision Terraform registers. The repository is empty until a
	// benchmark pushes the tester, and its tags are immutable, so no tag could be both known to Terraform and
	// pushed later: the benchmark registers a revision of its own, this one with the image it pushed, pinned
	// by digest. A task started from Terraform's revision stops with CannotPullContainerError naming this tag,
	// which says what to do.
	PlaceholderTag = "push-with-help-benchmark"
	// StartedBy marks the benchmark's tasks in `aws ecs list-tasks --started-by`.
	StartedBy = "litellm-aws-benchmark"
)
