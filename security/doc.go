// Package security holds the project's security checks over the synthesized stacks: the accepted-findings
// file, the tflint settings, and the gate (security/gate) that judges the scanners' reports; the project's
// own conftest policies live in policy/. Its test runs the real scanners (./help scan) over the fixtures in
// policy/testdata, to prove that each one installs, runs offline and reports what the gate can read.
package security
