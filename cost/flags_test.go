package cost

import "flag"

// `go test ./... -update` passes -update to every test binary; this package has no golden files.
var _ = flag.Bool("update", false, "rewrite golden files (unused here)")
