package encryption

import (
	"fmt"
	"regexp"

	"litellm-aws/internal/check"
)

// Props configures the stack's key.
type Props struct {
	// Name is the stack's name: the key's alias is "alias/<name>" and its Name tag <name>, and the default
	// log groups are named after it. Required; at most MaxNameLength characters.
	Name string
	// Region is where the key and the services that use it are: CloudWatch Logs is allowed as
	// logs.<region>.amazonaws.com, for log groups of that region. Required, a literal such as us-east-1.
	Region string
	// LogGroupNames are the CloudWatch log groups that may encrypt with the key; CloudWatch Logs may use it for
	// no other. A name may end in * to allow every group it prefixes. Default: the stack's own, as the
	// constructs name them: "/ecs/<name>-litellm" (proxyservice), "/ecs/<name>-loadgen" (the load generator)
	// and "/vpc/<name>-flow-logs" (network).
	LogGroupNames []string
	// DeletionWindowDays is how long a key scheduled for deletion (by `cdktf destroy`) can still be recovered,
	// with everything it encrypted. Default: 30, the longest KMS allows.
	DeletionWindowDays int
	// MovedFromKey and MovedFromAlias are Terraform addresses this key and its alias had before, such as
	// MonitoringTopicKeyAddress and MonitoringTopicKeyAliasAddress: a moved block hands their state to this
	// key, so a deployed key is kept and updated in place, never replaced. An address with nothing in the
	// state is ignored, so a new stack is unaffected. Default: empty, no moved block.
	MovedFromKey   string
	MovedFromAlias string
	// AccountID and Partition are the account and partition the key is made in, for its policy: Terraform
	// expressions (a stack reads data.aws_caller_identity and data.aws_partition once and passes them to every
	// construct that needs them) or literals. Default: read here from those data sources.
	AccountID string
	Partition string
}

// The addresses under which constructs/monitoring created the alarm topic's key and alias before the stack
// had a key of its own. cdktf derives them from the construct path (monitoring/topic-key), so they are the
// same in every stack; pass them as MovedFromKey and MovedFromAlias to adopt that key.
const (
	MonitoringTopicKeyAddress      = "aws_kms_key.monitoring_topic-key_98A4CC63"
	MonitoringTopicKeyAliasAddress = "aws_kms_alias.monitoring_topic-key-alias_C33A515D"
)

// Defaults and limits.
const (
	DefaultDeletionWindowDays = 30
	// MinDeletionWindowDays and MaxDeletionWindowDays are what KMS accepts.
	MinDeletionWindowDays = 7
	MaxDeletionWindowDays = 30
	// MaxNameLength keeps "alias/<name>" within KMS's 256 characters.
	MaxNameLength = 256 - len(aliasPrefix)
)

const aliasPrefix = "alias/"

// DefaultLogGroupNames are the log groups the stack's constructs create for a stack called name.
func DefaultLogGroupNames(name string) []string {
	return []string{"/ecs/" + name + "-litellm", "/ecs/" + name + "-loadgen", "/vpc/" + name + "-flow-logs"}
}

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if len(p.LogGroupNames) == 0 && p.Name != "" {
		p.LogGroupNames = DefaultLogGroupNames(p.Name)
	}
	if p.DeletionWindowDays == 0 {
		p.DeletionWindowDays = DefaultDeletionWindowDays
	}
	return p
}

var (
	logGroupNameRE = regexp.MustCompile(`^[A-Za-z0-9_./#-]{1,512}\*?$`)
	keyAddressRE   = regexp.MustCompile(`^aws_kms_key\.[A-Za-z_][A-Za-z0-9_-]*$`)
	aliasAddressRE = regexp.MustCompile(`^aws_kms_alias\.[A-Za-z_][A-Za-z0-9_-]*$`)
)

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Region("Region", p.Region)
	if len(p.LogGroupNames) == 0 {
		errs.Addf("LogGroupNames is empty: allowed one or more log group names (leave it unset for the stack's own)")
	}
	for _, n := range p.LogGroupNames {
		if !logGroupNameRE.MatchString(n) {
			errs.Addf("LogGroupNames %q is not a log group name: allowed 1-512 letters, digits and _ . / # -, optionally ending in *", n)
		}
	}
	if p.DeletionWindowDays < MinDeletionWindowDays || p.DeletionWindowDays > MaxDeletionWindowDays {
		errs.Addf("DeletionWindowDays %d is out of range: allowed %d-%d", p.DeletionWindowDays, MinDeletionWindowDays, MaxDeletionWindowDays)
	}
	if p.MovedFromKey != "" && !keyAddressRE.MatchString(p.MovedFromKey) {
		errs.Addf("MovedFromKey %q is not a key's Terraform address: allowed aws_kms_key.<name>, such as %s", p.MovedFromKey, MonitoringTopicKeyAddress)
	}
	if p.MovedFromAlias != "" && !aliasAddressRE.MatchString(p.MovedFromAlias) {
		errs.Addf("MovedFromAlias %q is not an alias's Terraform address: allowed aws_kms_alias.<name>, such as %s", p.MovedFromAlias, MonitoringTopicKeyAliasAddress)
	}
	return errs.Err(fmt.Sprintf("encryption %q", p.Name))
}
