// Package network builds the VPC the LiteLLM fleet runs in: public subnets for the load balancer and NAT
// gateways, private subnets for the tasks and the database, one of each per availability zone, with the
// internet gateway, NAT gateways and route tables that connect them.
package network
