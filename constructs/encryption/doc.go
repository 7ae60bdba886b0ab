// Package encryption builds the stack's one customer-managed KMS key and its alias: the key that encrypts
// the stack's log groups, secrets and alarm topic. Not Redis: ElastiCache cannot change the key of a running
// replication group, so the cache keeps AWS-managed encryption unless the user brings a key from the start. Its key policy lets the account administer and use
// the key through IAM, CloudWatch Logs use it for the stack's own log groups only, and CloudWatch alarms
// publish to the topic it encrypts; it grants no kms:*.
package encryption
