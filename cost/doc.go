// Package cost estimates what a stack costs a month on AWS, line by line, from what the stack's synthesized
// Terraform JSON (cdk.tf.json) holds: its resource types, their counts and sizes, with `${var.x}` and the
// other expressions evaluated by HCL with Terraform's functions over the variables' defaults or values given
// like `--var` (expr.go), and a table of us-east-1 list prices kept in prices.go (dated, not fetched live).
//
// Billing (billing.go) is the one table of how each resource type is billed: priced by a function, or free or left
// out with the reason. A resource type without a billing entry, a size the price table lacks, or a value known only
// after apply is reported as unpriced, never priced at $0. Always-on resources (Fargate, RDS, the load
// balancer, NAT gateways, public IPv4 addresses, secrets, KMS keys, alarms, dashboards and an optional
// Redis) are priced exactly; traffic-driven charges are a range from idle to a stated load, LiteLLM's
// published benchmark rate for the task count by default (internal/published).
//
// Synthesize builds the stacks in-process (it starts the jsii runtime); ReadStack reads an existing cdktf.out.
package cost
