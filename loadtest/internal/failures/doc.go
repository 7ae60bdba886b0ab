// Package failures names why a request failed (timeout, connection refused, HTTP 401, HTTP 503, ...) so
// the load test can count failures by cause and the smoke check can say what to do about each one.
package failures
