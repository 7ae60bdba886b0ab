// Package monitoring builds one CloudWatch dashboard per stack with the proxy's key metrics (ECS CPU and
// memory; ALB latency percentiles, requests, target health and 5xx; RDS connections, CPU and freeable
// memory), alarms on what means users are affected or soon will be, and the SNS topic every alarm notifies,
// encrypted with the stack's key, with an optional email subscription.
package monitoring
