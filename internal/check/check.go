// Package check collects validation problems so that a Validate method can report every one of them at
// once, each naming the input, the value it got and what is allowed.
package check

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/rule"
)

// Problems is the list of what is wrong with one set of props.
type Problems []string

// Addf records one problem.
func (p *Problems) Addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// Err returns nil when there is no problem, else one error listing them all under the given heading.
func (p Problems) Err(heading string) error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(heading + ":\n  - " + strings.Join(p, "\n  - "))
}

// IsTokenString reports whether s holds a Terraform token.
func IsTokenString(s string) bool { return *cdktf.Token_IsUnresolved(jsii.String(s)) }

// Rules records the message of every rule that Go can decide now and that is broken; the rest are left to
// Terraform, which checks them at plan time.
func (p *Problems) Rules(rules ...rule.Rule) {
	*p = append(*p, rule.Problems(rules...)...)
}

// Name checks a resource name prefix: AWS limits names to letters, digits and hyphens, starting with a
// letter, not ending with a hyphen, and to a length that depends on the resource.
func (p *Problems) Name(field, v string, maxLen int) {
	if !nameRE.MatchString(v) {
		p.Addf("%s %q is not a valid name: allowed lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen", field, v)
	}
	if len(v) > maxLen {
		p.Addf("%s %q is %d characters long: allowed at most %d", field, v, len(v), maxLen)
	}
}

var nameRE = regexp.MustCompile(`^[a-z]([a-z0-9]|-[a-z0-9])*$`)

// CIDR checks an IPv4 CIDR block in canonical form (10.0.0.0/16, not 10.0.0.1/16) within a prefix range.
func (p *Problems) CIDR(field, v string, minBits, maxBits int) {
	pfx, err := netip.ParsePrefix(v)
	switch {
	case err != nil || !pfx.Addr().Is4():
		p.Addf("%s %q is not an IPv4 CIDR block: allowed a.b.c.d/n", field, v)
	case pfx.Masked() != pfx:
		p.Addf("%s %q has host bits set: allowed %s", field, v, pfx.Masked())
	case pfx.Bits() < minBits || pfx.Bits() > maxBits:
		p.Addf("%s %q has a /%d prefix: allowed /%d to /%d", field, v, pfx.Bits(), minBits, maxBits)
	}
}

// LogRetentionDays are the values CloudWatch Logs accepts for a log group's retention.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// RetentionDays checks a CloudWatch Logs retention period.
func (p *Problems) RetentionDays(field string, v int) {
	for _, ok := range LogRetentionDays {
		if v == ok {
			return
		}
	}
	p.Addf("%s %d is not a CloudWatch Logs retention period: allowed %v", field, v, LogRetentionDays)
}

var kmsKeyRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key/[0-9a-f-]{36}$`)

// KMSKeyArn checks an optional customer-managed KMS key ARN (empty is allowed; a Terraform expression, such
// as the ARN of a key the stack creates, is left to Terraform).
func (p *Problems) KMSKeyArn(field, v string) {
	if v != "" && !IsTokenString(v) && !kmsKeyRE.MatchString(v) {
		p.Addf("%s %q is not a KMS key ARN: allowed arn:aws:kms:<region>:<account>:key/<key id>", field, v)
	}
}

// Secret checks a secret prop: required, and a Terraform expression (such as a sensitive variable's
// StringValue()), never a literal, which would be written into the synthesized JSON. The value is never
// echoed; noun names it in the message ("password", "key", "token").
func (p *Problems) Secret(field, v, noun string) {
	switch {
	case v == "":
		p.Addf("%s is required", field)
	case !IsTokenString(v):
		p.Addf("%s (not shown) is a literal string: allowed only a Terraform expression, such as a sensitive variable's StringValue(), so that the %s never appears in the synthesized JSON", field, noun)
	}
}

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// BucketName checks an optional S3 bucket name (empty is allowed).
func (p *Problems) BucketName(field, v string) {
	if v != "" && !bucketRE.MatchString(v) {
		p.Addf("%s %q is not an S3 bucket name: allowed 3-63 lower-case letters, digits, dots and hyphens", field, v)
	}
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)

// Region checks a required AWS region name, a literal such as us-east-1 (policies and principals are named
// after it, so a Terraform expression will not do).
func (p *Problems) Region(field, v string) {
	switch {
	case v == "":
		p.Addf("%s is required", field)
	case !regionRE.MatchString(v):
		p.Addf("%s %q is not an AWS region: allowed a literal name such as us-east-1", field, v)
	}
}
