package cache

import (
	"fmt"
	"litellm-aws/constructs/network"
	"regexp"

	"litellm-aws/internal/check"
	"litellm-aws/internal/rule"
)

// Props configures the cache.
type Props struct {
	// Name prefixes the replication group ("<name>-redis"), its subnet group, security group and secret.
	// Required; at most 34 characters (replication group ids are capped at 40).
	Name string
	// Network provides the VPC and the private subnets the cache runs in. Required.
	Network *network.Network
	// AuthToken is Redis's password: a Terraform expression such as a sensitive variable's StringValue(),
	// never a literal. Plan checks it against AuthTokenPattern. Required.
	AuthToken string
	// NodeType is the ElastiCache node type, or a Terraform string expression. Default: cache.t4g.medium.
	NodeType string
	// Nodes is the number of nodes: a primary and Nodes-1 replicas in other zones, with automatic failover
	// from 2 up. Default: 2.
	Nodes int
	// EngineVersion is the Redis version. Default: "7.1".
	EngineVersion string
	// SnapshotRetentionDays keeps daily snapshots; 0 turns them off. Default: 1.
	SnapshotRetentionDays int
	// KMSKeyArn encrypts the auth token secret and the data at rest with this customer-managed key instead of the AWS-managed default; its key
	// policy must let Secrets Manager and ElastiCache use it. Default: empty, AWS-managed encryption.
	KMSKeyArn string
}

// Defaults for optional fields.
const (
	DefaultNodeType              = "cache.t4g.medium"
	DefaultNodes                 = 2
	DefaultEngineVersion         = "7.1"
	DefaultSnapshotRetentionDays = 1
	Port                         = 6379
	MaxNameLength                = 34
)

// AuthTokenPattern is ElastiCache's rule for an auth token: 16-128 printable ASCII characters other than
// '/', '"', '@' and space. RE2, so Terraform's regex() reads it too.
const AuthTokenPattern = `^[!#-.0-?A-~]{16,128}$`

// AuthTokenRule says AuthTokenPattern in words.
const AuthTokenRule = `16-128 printable ASCII characters except / " @ and space`

// AuthTokenRuleFor: the auth token; the message never shows it.
func AuthTokenRuleFor(name string, x rule.Expr) rule.Rule {
	return rule.Secret(name, x, AuthTokenPattern, "does not meet ElastiCache's rules", AuthTokenRule)
}

// NodeTypeRule: a node type this project knows.
func NodeTypeRule(name string, x rule.Expr) rule.Rule {
	return rule.OneOfStrings(name, x, NodeTypes, "an ElastiCache node type this project knows")
}

// NodeTypes are the node types this project accepts.
var NodeTypes = []string{
	"cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium",
	"cache.t3.micro", "cache.t3.small", "cache.t3.medium",
	"cache.m7g.large", "cache.m7g.xlarge", "cache.m7g.2xlarge",
	"cache.m6g.large", "cache.m6g.xlarge", "cache.m6g.2xlarge",
	"cache.r7g.large", "cache.r7g.xlarge", "cache.r7g.2xlarge",
	"cache.r6g.large", "cache.r6g.xlarge", "cache.r6g.2xlarge",
}

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.NodeType == "" {
		p.NodeType = DefaultNodeType
	}
	if p.Nodes == 0 {
		p.Nodes = DefaultNodes
	}
	if p.EngineVersion == "" {
		p.EngineVersion = DefaultEngineVersion
	}
	if p.SnapshotRetentionDays == 0 {
		p.SnapshotRetentionDays = DefaultSnapshotRetentionDays
	}
	return p
}

var versionRE = regexp.MustCompile(`^[67]\.\d+$`)

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Secret("AuthToken", p.AuthToken, "token")
	errs.Rules(NodeTypeRule("NodeType", rule.String(p.NodeType)))
	if p.Nodes < 1 || p.Nodes > 6 {
		errs.Addf("Nodes %d is out of range: allowed 1-6 (a primary and up to 5 replicas)", p.Nodes)
	}
	if !versionRE.MatchString(p.EngineVersion) {
		errs.Addf("EngineVersion %q is not a Redis 6 or 7 version: allowed major.minor such as 7.1", p.EngineVersion)
	}
	if p.SnapshotRetentionDays < 0 || p.SnapshotRetentionDays > 35 {
		errs.Addf("SnapshotRetentionDays %d is out of range: allowed 0-35", p.SnapshotRetentionDays)
	}
	errs.KMSKeyArn("KMSKeyArn", p.KMSKeyArn)
	return errs.Err(fmt.Sprintf("cache %q", p.Name))
}
