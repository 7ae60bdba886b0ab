// Package opt turns unset optional props into absent Terraform attributes.
package opt

import "github.com/aws/jsii-runtime-go"

// String is nil for an empty string, so an unset option leaves the attribute out of the synthesized JSON.
func String(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
