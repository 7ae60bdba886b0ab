// Package cli is the loadtest command: it parses and checks the flags (reporting every bad one at once),
// then runs the load test, the smoke check or the stub server. main only wires it to the process.
package cli
