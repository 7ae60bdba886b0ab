// Package report turns a run's result into what people and scripts read: a plain-text table like
// Locust's summary, and a JSON document with the same figures, the verdict and a per-second timeline.
package report
