package logbucket

import (
	"fmt"
	"regexp"

	"litellm-aws/internal/check"
)

// Props configures the log bucket.
type Props struct {
	// Name is the stack's name: the bucket is named "<name>-logs-" plus a suffix S3 picks. Required; at most
	// MaxNameLength characters.
	Name string
	// Region is the bucket's region, where the load balancer writing to it must be; it decides which Elastic
	// Load Balancing principal the policy names. Required, a literal such as us-east-1.
	Region string
	// AccountID is the account whose load balancers and buckets write logs here: the policy accepts load
	// balancer logs only under AWSLogs/<account>/ and server access logs only from its buckets. A literal of
	// 12 digits or a Terraform expression (such as encryption.Key.AccountID). Required.
	AccountID string
	// ExpirationDays deletes a log this many days after it was written, and a deleted or overwritten version
	// as many days after that. Default: 90.
	ExpirationDays int
	// RetainOnDestroy keeps the bucket when it still holds logs: `cdktf destroy` then fails on it until it is
	// emptied by hand. Default: false: destroying the stack deletes its logs too, which only ever describe
	// that stack and expire anyway.
	RetainOnDestroy bool
}

// Defaults and limits.
const (
	DefaultExpirationDays = 90
	// MaxExpirationDays is ten years: longer is an archive, not a log bucket.
	MaxExpirationDays = 3650
	// MaxNameLength fits "<name>-logs-" within S3's 37-character bucket_prefix (S3 adds 26 characters).
	MaxNameLength = 37 - len(bucketSuffix)
)

const bucketSuffix = "-logs-"

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.ExpirationDays == 0 {
		p.ExpirationDays = DefaultExpirationDays
	}
	return p
}

var (
	accountRE = regexp.MustCompile(`^\d{12}$`)
)

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Region("Region", p.Region)
	switch {
	case p.AccountID == "":
		errs.Addf("AccountID is required: allowed 12 digits or a Terraform expression such as encryption.Key.AccountID")
	case !check.IsTokenString(p.AccountID) && !accountRE.MatchString(p.AccountID):
		errs.Addf("AccountID %q is not an AWS account id: allowed 12 digits or a Terraform expression", p.AccountID)
	}
	if p.ExpirationDays < 1 || p.ExpirationDays > MaxExpirationDays {
		errs.Addf("ExpirationDays %d is out of range: allowed 1-%d", p.ExpirationDays, MaxExpirationDays)
	}
	return errs.Err(fmt.Sprintf("log bucket %q", p.Name))
}
