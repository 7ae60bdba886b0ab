// Package deploytime holds props that are known either when the stack is synthesized (a Go literal) or only
// when Terraform plans it (an expression such as a variable's value), so that a construct's props say which
// kind they take instead of carrying a Terraform type in an `any`.
package deploytime
