// Package logbucket builds the stack's log bucket: private, SSE-S3 encrypted (the only encryption load
// balancer access logs may be delivered into), versioned, TLS-only, with the stack's logs expiring after a
// set number of days. Its policy lets the Application Load Balancer deliver access logs under ALBPrefix and
// S3 deliver server access logs of the stack's other buckets under S3Prefix(label).
package logbucket
