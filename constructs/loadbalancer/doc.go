// Package loadbalancer builds the internet-facing Application Load Balancer in front of the LiteLLM tasks:
// its security group, an IP target group health-checked on LiteLLM's readiness endpoint, the listener, and
// access logs into the stack's log bucket (or a bucket the user names).
package loadbalancer
