// Package runner is the load-test engine: it replays the seed's Locust scenario (each user POSTs one
// chat completion, waits a uniform think time, and repeats; users are started at a spawn rate) for a
// fixed duration, and records latency and LiteLLM's overhead header in HDR histograms. It knows nothing
// of flags or output formats; the cli and report packages do.
package runner
