// Package stacks holds the three scale profiles of the LiteLLM benchmark deployment and the one function,
// New, that turns a profile into a Terraform stack: network, database, load balancer and proxy service,
// with deploy-time variables that default to the profile and the outputs the seed's commands use.
package stacks
