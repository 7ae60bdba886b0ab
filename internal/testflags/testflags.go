// Package testflags defines the flags every test binary of this module accepts, so that
// `go test ./... -update` works in packages that have no golden files as well as in those that do.
package testflags

import "flag"

// Update rewrites golden files instead of comparing with them: go test ./... -update
var Update = flag.Bool("update", false, "rewrite golden files under testdata/")
