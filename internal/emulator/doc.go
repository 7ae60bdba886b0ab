// Package emulator runs a local AWS emulator (moto, patched by emulator/server.py) on a loopback port, so
// Terraform can apply, re-plan and destroy the stacks offline, with fake credentials and no call to AWS.
package emulator
