// Package loadgen builds the stack's load generator: the load tester (loadtest/) as a Fargate task in the
// stack's private subnets, ready to be started by `./help benchmark`. It adds an ECR repository for the
// tester's image (KMS-encrypted, immutable tags, scanned on push, the last few images kept), a task
// definition family whose revisions the benchmark registers with the image it pushed, the task's log group,
// an execution role that may pull that image, write that log group and read the master key, a task role that
// may only put reports under the benchmark prefix of the stack's log bucket, and a security group that lets
// the task out to the load balancer's ports. None of it runs, or costs anything but a few megabytes of ECR
// storage, until a benchmark starts a task.
package loadgen
