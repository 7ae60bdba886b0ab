// Package database builds LiteLLM's PostgreSQL database on RDS: an encrypted, private instance in the
// network's private subnets, its security group, and a Secrets Manager secret holding the connection URL
// the proxy reads. It also knows each instance class's connection limit, which sizes LiteLLM's pools.
package database
