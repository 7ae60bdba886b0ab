// Package cost estimates what a stack costs a month on AWS, line by line, from the same profile values the
// stacks are built from and a table of us-east-1 list prices kept in prices.go (dated, not fetched live).
// Always-on resources (Fargate, RDS, the load balancer, NAT gateways, public IPv4 addresses, secrets and
// an optional Redis) are priced exactly; traffic-driven charges are a range from idle to a stated load.
// It reads profiles only: it builds no stack and starts no jsii runtime.
package cost
