// Package upload puts the load test's reports into S3 (-upload s3://bucket/prefix/), so that a run in a
// container without a shell or a volume, such as the load generator's Fargate task, hands them back. It
// uses the AWS SDK's default credential chain (an ECS task role, the environment, a profile) and honours
// AWS_ENDPOINT_URL, with path-style addressing, for a local emulator.
package upload
