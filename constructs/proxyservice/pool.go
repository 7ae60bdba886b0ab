package proxyservice

import (
	"fmt"

	"litellm-aws/internal/rule"
)

// LiteLLM opens up to database_connection_pool_limit connections in every worker process of every task,
// so the fleet's worst case is the most tasks that ever run at once x workers x limit, and the migration task
// comes on top. The limit is derived from what is left of the database's budget at that peak, and capped
// where LiteLLM's guidance (10-20 per worker) says more stops helping.
const (
	MinPoolLimit = 5
	MaxPoolLimit = 20
	// MigrationConnections is what the migration task (`litellm --skip_server_startup`) may hold. It runs
	// without --config, so LiteLLM's CLI appends its default connection_limit of 10 to DATABASE_URL
	// (litellm/proxy/proxy_cli.py, run_server: LiteLLMDatabaseConnectionPool.database_connection_pool_limit,
	// applied `if config is None`), and a Prisma engine started with that URL opens up to connection_limit
	// connections (Prisma docs, "Connection pool"); LiteLLM's v2 migration resolver holds one more of its own,
	// a psycopg connection for its advisory lock (litellm-proxy-extras, migration_lock.py). 10 + 1, budgeted
	// in full although `prisma migrate deploy` works through one connection at a time.
	MigrationConnections = 11
)

// PeakTasks is the most tasks that run at once: during a roll ECS runs up to maxPercent of the desired
// count, "rounded down to the nearest integer" (ECS API, DeploymentConfiguration.maximumPercent), and the
// desired count is at most most (the autoscaling maximum, or the desired count itself; rule.AtMost keeps
// the desired count at or below the maximum).
func PeakTasks(most, maxPercent rule.Expr) rule.Expr {
	return rule.Floor(rule.Div(rule.Mul(most, maxPercent), rule.Number(100)))
}

// PoolLimit is database_connection_pool_limit for a fleet of at most peakTasks tasks with workers workers
// each on a database that allows budget connections in total, the migration task's taken first:
// min(MaxPoolLimit, floor((budget - MigrationConnections) / (peakTasks x workers))). Known values give a
// number now; deploy-time ones a Terraform expression.
func PoolLimit(budget, peakTasks, workers rule.Expr) rule.Expr {
	return rule.Min(rule.Number(MaxPoolLimit),
		rule.Floor(rule.Div(rule.Sub(budget, rule.Number(MigrationConnections)), rule.Mul(peakTasks, workers))))
}

// ConnectionBudgetRule: at the peak of every roll, every worker of every task gets at least MinPoolLimit
// connections and the migration task its MigrationConnections, all within the budget:
// floor(most x maxPercent / 100) x workers x MinPoolLimit + MigrationConnections <= budget. The names are
// what the message calls the values.
func ConnectionBudgetRule(budgetName string, budget rule.Expr, tasksName string, most rule.Expr,
	percentName string, maxPercent rule.Expr, workersName string, workers rule.Expr) rule.Rule {
	peak := PeakTasks(most, maxPercent)
	limit := PoolLimit(budget, peak, workers)
	need := rule.Add(rule.Mul(rule.Mul(peak, workers), rule.Number(MinPoolLimit)), rule.Number(MigrationConnections))
	allowed := rule.Floor(rule.Div(rule.Sub(budget, rule.Number(MigrationConnections)), rule.Mul(workers, rule.Number(MinPoolLimit))))
	return rule.New(rule.Ge(limit, rule.Number(MinPoolLimit)),
		tasksName, " = ", most, " tasks at ", percentName, " = ", maxPercent, " is ", peak, " tasks at the peak of a roll; with ",
		workersName, " = ", workers, fmt.Sprintf(" workers and at least %d connections each, plus %d for the migration task, they need ",
			MinPoolLimit, MigrationConnections),
		need, " connections, above the ", budget, " that "+budgetName+" allows LiteLLM (80% of max_connections; ",
		limit, " per worker): allowed at most ", allowed,
		" tasks at the peak; use a larger database instance class, fewer tasks or workers, or a lower deployment maximum percent.")
}

// RollRoomRule: a roll can start a new task. The minimum healthy percent is 100, so no running task stops
// before its replacement is healthy, and ECS rounds fewest x maxPercent / 100 down: at least one task more
// than fewest, the fewest tasks the service runs, must fit, or the deployment never progresses. fewest x p /
// 100 >= fewest + 1 first holds at p = ceil(100 x (fewest + 1) / fewest).
func RollRoomRule(percentName string, maxPercent rule.Expr, tasksName string, fewest rule.Expr) rule.Rule {
	peak := PeakTasks(fewest, maxPercent)
	least := rule.Floor(rule.Div(rule.Add(rule.Mul(rule.Number(100), rule.Add(fewest, rule.Number(1))), rule.Sub(fewest, rule.Number(1))), fewest))
	return rule.New(rule.Ge(peak, rule.Add(fewest, rule.Number(1))),
		percentName, " = ", maxPercent, " leaves a roll of ", tasksName, " = ", fewest, " tasks no room: ECS rounds ",
		fewest, " x ", maxPercent, "% down to ", peak, " tasks and keeps every old task until its replacement is healthy, so no new task starts: allowed at least ",
		least, " for ", fewest, " tasks.")
}
