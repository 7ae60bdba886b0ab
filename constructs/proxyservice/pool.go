package proxyservice

import "fmt"

// LiteLLM opens up to database_connection_pool_limit connections in every worker process of every task,
// so the fleet's worst case is tasks x workers x limit. The limit is derived from the database's budget
// at the autoscaling maximum, and capped where LiteLLM's guidance (10-20 per worker) says more stops helping.
const (
	MinPoolLimit = 5
	MaxPoolLimit = 20
)

// PoolLimit is database_connection_pool_limit for a fleet of at most maxTasks tasks with workers workers
// each on a database that allows budget connections in total.
func PoolLimit(budget, maxTasks, workers int) (int, error) {
	limit := min(budget/(maxTasks*workers), MaxPoolLimit)
	if limit < MinPoolLimit {
		return limit, fmt.Errorf("database connection budget exceeded: %d tasks x %d workers x %d connections = %d, "+
			"but the database allows %d for LiteLLM: allowed at most %d workers in total (%d / %d) on this instance class; "+
			"use a larger database instance class, fewer tasks or fewer workers",
			maxTasks, workers, MinPoolLimit, maxTasks*workers*MinPoolLimit, budget, budget/MinPoolLimit, budget, MinPoolLimit)
	}
	return limit, nil
}
