// Package proxyservice runs LiteLLM on ECS Fargate behind the load balancer: the cluster, task definition,
// service, log group, master key secret, IAM roles, and the LiteLLM config.yaml, delivered from a private
// S3 bucket the way LiteLLM documents for Fargate, with production settings and a database connection pool
// sized to the database's connection budget.
package proxyservice
