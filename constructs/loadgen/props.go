package loadgen

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/network"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/check"
	"litellm-aws/internal/facts"
	"litellm-aws/internal/rule"
)

// Props configures the load generator.
type Props struct {
	// Name prefixes the ECR repository and task family ("<name>-loadgen"), the log group
	// ("/ecs/<name>-loadgen"), the roles ("<name>-loadgen-execution", "<name>-loadgen-task") and the security
	// group ("<name>-loadgen"). Required; at most MaxNameLength characters.
	Name string
	// Region is where the task runs and writes its logs. Required.
	Region string
	// Network is the VPC the task runs in, in its private subnets (out through the NAT gateway). Required.
	Network *network.Network
	// LoadBalancer is what the task loads: its URL goes into the task's default command. Required.
	LoadBalancer *loadbalancer.LoadBalancer
	// MasterKeySecretArn is the <stack>-master-key secret; the task gets it as LITELLM_MASTER_KEY, and the
	// execution role may read this secret and no other. Required.
	MasterKeySecretArn *string
	// ReportBucket and ReportBucketArn are the bucket the task puts its reports in (the stack's log bucket);
	// the task role may put objects under ReportPrefix there and do nothing else. Required.
	ReportBucket    *string
	ReportBucketArn *string
	// ReportPrefix is the key prefix of the reports, ending in "/". Default: DefaultReportPrefix.
	ReportPrefix string
	// KMSKeyArn is the stack's customer-managed key (a literal ARN or a Terraform expression): it encrypts the
	// repository and the log group, and the execution role may decrypt the master key with it through Secrets
	// Manager only. Its key policy must let CloudWatch Logs use it for the log group (constructs/encryption
	// does). Default: empty, AWS-managed keys.
	KMSKeyArn string
	// Profile is the load tester's -profile in the task's default command, the published figures the run is
	// judged against: one of Profiles. Default: "benchmark".
	Profile string
	// CPU and MemoryMiB size the task. Default: DefaultCPU and DefaultMemoryMiB (see there for why).
	CPU       int
	MemoryMiB int
	// LogRetentionDays keeps the task's logs this long. Default: 30.
	LogRetentionDays int
	// ImagesKept is how many images the repository keeps; older ones expire. Default: 5.
	ImagesKept int
	// StopTimeoutSeconds is how long a stopped task (aws ecs stop-task) has between SIGTERM and SIGKILL: the
	// tester prints and uploads what it measured in that time. Default: 60; Fargate allows 2-120.
	StopTimeoutSeconds int
}

// Defaults for optional fields.
const (
	// DefaultCPU and DefaultMemoryMiB: 2 vCPU and 4 GiB. Measured on a 2-core machine against the stub in
	// another process: the seed's scenario (1,000 users waiting 0.1-0.5 s) runs at its closed-loop ceiling,
	// 3,300 RPS, on 0.22 cores and 55 MB; flat out (no wait) 1,000 users reach 12,000-27,000 RPS with the stub
	// sharing the cores, at about 43 us of CPU per request (BenchmarkClient in loadtest/internal/runner). The
	// eight-instance profile's 2,340 RPS thus takes about a sixth of one core over plain HTTP (think-time
	// timers included); TLS to an HTTPS listener adds a handshake per connection at ramp-up and AES-GCM on
	// ~2 KB per request. Two vCPU leave the generator at about a tenth of its capacity, so that it never
	// limits a run, even on slower Fargate cores; 4 GiB is the least Fargate pairs with 2 vCPU (the tester
	// needs well under 100 MB).
	DefaultCPU                = 2048
	DefaultMemoryMiB          = 4096
	DefaultLogRetentionDays   = 30
	DefaultImagesKept         = 5
	DefaultStopTimeoutSeconds = 60
	DefaultProfile            = "benchmark"
	// DefaultReportPrefix is where reports go in the log bucket.
	DefaultReportPrefix = "benchmark/"
	// MaxNameLength keeps "<name>-loadgen-execution" within IAM's 64 characters; the stacks allow 28.
	MaxNameLength = 64 - len("-loadgen-execution")
)

// Profiles are the load tester's -profile values (loadtest/internal/targets), one per stack of internal/facts.
var Profiles = facts.Profiles()

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.ReportPrefix == "" {
		p.ReportPrefix = DefaultReportPrefix
	}
	if p.Profile == "" {
		p.Profile = DefaultProfile
	}
	if p.CPU == 0 {
		p.CPU = DefaultCPU
	}
	if p.MemoryMiB == 0 {
		p.MemoryMiB = DefaultMemoryMiB
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = DefaultLogRetentionDays
	}
	if p.ImagesKept == 0 {
		p.ImagesKept = DefaultImagesKept
	}
	if p.StopTimeoutSeconds == 0 {
		p.StopTimeoutSeconds = DefaultStopTimeoutSeconds
	}
	return p
}

var (
	prefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$`)
)

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	errs.Region("Region", p.Region)
	if p.Network == nil {
		errs.Addf("Network is required: the task runs in its private subnets")
	}
	if p.LoadBalancer == nil {
		errs.Addf("LoadBalancer is required: the task loads its URL")
	}
	if p.MasterKeySecretArn == nil || *p.MasterKeySecretArn == "" {
		errs.Addf("MasterKeySecretArn is required: the task sends the master key")
	}
	if p.ReportBucket == nil || *p.ReportBucket == "" || p.ReportBucketArn == nil || *p.ReportBucketArn == "" {
		errs.Addf("ReportBucket and ReportBucketArn are required: the task hands its reports back through the bucket")
	} else if !check.IsTokenString(*p.ReportBucket) {
		errs.BucketName("ReportBucket", *p.ReportBucket)
	}
	if !prefixRE.MatchString(p.ReportPrefix) {
		errs.Addf("ReportPrefix %q is not a key prefix: allowed letters, digits and !_.*'()- in segments separated by and ending in \"/\", such as %q", p.ReportPrefix, DefaultReportPrefix)
	}
	errs.KMSKeyArn("KMSKeyArn", p.KMSKeyArn)
	if !slices.Contains(Profiles, p.Profile) {
		errs.Addf("Profile %q is not a load tester profile: allowed %s", p.Profile, strings.Join(Profiles, ", "))
	}
	errs.Rules(proxyservice.FargateSizeRule("CPU", rule.Number(float64(p.CPU)), "MemoryMiB", rule.Number(float64(p.MemoryMiB))))
	errs.RetentionDays("LogRetentionDays", p.LogRetentionDays)
	if p.ImagesKept < 1 || p.ImagesKept > 1000 {
		errs.Addf("ImagesKept %d is out of range: allowed 1-1000", p.ImagesKept)
	}
	if p.StopTimeoutSeconds < 2 || p.StopTimeoutSeconds > 120 {
		errs.Addf("StopTimeoutSeconds %d is out of range: allowed 2-120 (Fargate's limits)", p.StopTimeoutSeconds)
	}
	return errs.Err(fmt.Sprintf("load generator %q", p.Name))
}

// ProfileOf is the load tester's profile internal/facts gives the stack named stackName, else DefaultProfile.
func ProfileOf(stackName string) string {
	if s, ok := facts.StackNamed(stackName); ok {
		return s.Profile
	}
	return DefaultProfile
}
