package proxyservice

import (
	"fmt"

	"litellm-aws/internal/rule"
)

// LiteLLM opens up to database_connection_pool_limit connections in every worker process of every task,
// so the fleet's worst case is tasks x workers x limit. The limit is derived from the database's budget
// at the autoscaling maximum, and capped where LiteLLM's guidance (10-20 per worker) says more stops helping.
const (
	MinPoolLimit = 5
	MaxPoolLimit = 20
)

// PoolLimit is database_connection_pool_limit for a fleet of at most maxTasks tasks with workers workers each
// on a database that allows budget connections in total: min(MaxPoolLimit, floor(budget / (maxTasks x
// workers))). Known values give a number now; deploy-time ones a Terraform expression.
func PoolLimit(budget, maxTasks, workers rule.Expr) rule.Expr {
	return rule.Min(rule.Number(MaxPoolLimit), rule.Floor(rule.Div(budget, rule.Mul(maxTasks, workers))))
}

// ConnectionBudgetRule: every worker of the most tasks there will be gets at least MinPoolLimit connections.
// The names are what the message calls the three values.
func ConnectionBudgetRule(budgetName string, budget rule.Expr, tasksName string, maxTasks rule.Expr, workersName string, workers rule.Expr) rule.Rule {
	limit := PoolLimit(budget, maxTasks, workers)
	return rule.New(rule.Ge(limit, rule.Number(MinPoolLimit)),
		"Database connection budget exceeded: ", maxTasks, " tasks ("+tasksName+") x ", workers, " workers ("+workersName+
			fmt.Sprintf(") need at least %d connections each, but %s allows ", MinPoolLimit, budgetName), budget,
		" for LiteLLM (", limit, " per worker): allowed at most ", rule.Floor(rule.Div(budget, rule.Number(MinPoolLimit))),
		" workers in total; use a larger database instance class, or fewer tasks or workers.")
}
