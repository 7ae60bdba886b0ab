// Package loadbalancer builds the internet-facing Application Load Balancer in front of the LiteLLM tasks:
// its security group, an IP target group health-checked on LiteLLM's readiness endpoint, and the listener.
package loadbalancer
