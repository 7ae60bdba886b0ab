// Package cache builds an ElastiCache for Redis replication group for LiteLLM: encrypted in transit and at
// rest, behind an auth token kept in Secrets Manager, in the network's private subnets, reachable on 6379
// only from the clients it is told about. LiteLLM uses it to share rate-limit and usage state between
// instances and to buffer spend writes, which takes load off the database.
package cache
