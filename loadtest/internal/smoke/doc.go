// Package smoke is the seed's post-deploy check in Go: GET /health/readiness, then one chat completion
// with the master key, each failure explained in terms of what usually causes it on a fresh stack (a
// load balancer name that does not resolve yet, no healthy targets, a wrong key).
package smoke
