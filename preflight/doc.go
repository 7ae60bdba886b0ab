// Package preflight checks, before a deploy creates anything, that the AWS account can run the stack: that
// there are credentials, that they are for the stack's region, and that the account's Fargate On-Demand vCPU
// quota covers the most vCPU the stack runs at once (Peak), read from the synthesized stack itself. A service
// whose tasks cannot start for want of quota otherwise deploys green and serves nothing.
package preflight
