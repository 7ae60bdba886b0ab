package stacks

import (
	"fmt"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/check"
	"litellm-aws/internal/facts"
	"litellm-aws/internal/rule"
)

// Profile is one scale of the deployment. The sizes are the defaults of the stack's deploy-time
// variables, so `cdktf deploy <stack> --var desired_task_count=6` changes them without a rebuild.
type Profile struct {
	// StackName is the stack id and the prefix of every AWS name (the seed's $STACK_NAME). Required; at most
	// 28 characters, as AWS caps load balancer names at 32.
	StackName string
	// Region is the AWS region. Default: us-east-1.
	Region string
	// DesiredTaskCount is the number of LiteLLM tasks. Required.
	DesiredTaskCount int
	// WorkersPerTask is LiteLLM's --num_workers. Default: 4.
	WorkersPerTask int
	// TaskCPU is each task's CPU units. Default: 4096.
	TaskCPU int
	// TaskMemoryMiB is each task's memory. Default: 8192.
	TaskMemoryMiB int
	// DBInstanceClass is the RDS instance class. Default: db.t3.medium.
	DBInstanceClass string
	// DeploymentMaximumPercent is ECS's maximumPercent: how far above the desired count a roll may go; the
	// database pools are sized for that peak. Default: proxyservice.DefaultDeploymentMaximumPercent (150),
	// which every profile keeps: it is the least a roll of the autoscaling minimum (2 tasks) needs, and at it
	// each profile's peak, with autoscaling on or off, fits db.t3.medium (see the README's profile table).
	DeploymentMaximumPercent int

	// AvailabilityZones the network spans. Default: the region's a and b zones.
	AvailabilityZones []string
	// VPCCIDR is the VPC's block. Default: 10.0.0.0/16.
	VPCCIDR string
	// NatGatewayPerZone gives each zone its own NAT gateway. Default: false, one shared.
	NatGatewayPerZone bool
	// AllowedCIDRs may reach the load balancer. Default: anywhere.
	AllowedCIDRs []string
	// Image is the default of the litellm_image variable: a pinned LiteLLM image. Default:
	// proxyservice.DefaultImage.
	Image string
	// LiteLLMConfig is a config.yaml to serve instead of the benchmark's fake-openai-endpoint model.
	// Default: proxyservice.BenchmarkConfig.
	LiteLLMConfig string
	// DBMultiAZ keeps a standby database in a second zone. Default: false.
	DBMultiAZ bool
	// Autoscaling adds ECS target tracking on CPU between the autoscaling_min_task_count and
	// autoscaling_max_task_count variables (2 and 10 by default, as in the seed). Default: false, the
	// benchmark's fixed task count. Set from LITELLM_AUTOSCALING.
	Autoscaling bool
	// Redis adds an ElastiCache for Redis replication group (2 nodes of the redis_node_type variable,
	// cache.t4g.medium by default) that LiteLLM's instances share for rate limits, router state, the response
	// cache and spend buffering; its auth token is generated unless redis_auth_token is given. Default: false;
	// TwoInstance and EightInstance turn it on. LITELLM_REDIS=on or off overrides it for every profile.
	Redis bool
	// CertificateArn turns on HTTPS: a listener on 443 with this ACM certificate, and port 80 redirecting to
	// it; the outputs then use https://. Set from LITELLM_CERTIFICATE_ARN. Default: HTTP only.
	CertificateArn string
	// DomainName and HostedZoneID add a Route 53 alias record for the load balancer (with a certificate
	// covering the name); the outputs then use the name. Set from LITELLM_DOMAIN_NAME and
	// LITELLM_HOSTED_ZONE_ID. Default: none.
	DomainName   string
	HostedZoneID string
	// KMSKeyArn encrypts the log groups, secrets, alarm topic and Redis with this customer-managed key instead
	// of the key the stack makes (constructs/encryption); its policy must let CloudWatch Logs, Secrets Manager,
	// CloudWatch alarms and ElastiCache use it. Set from LITELLM_KMS_KEY_ARN. Default: the stack's own key for
	// everything but Redis, which keeps AWS-managed encryption (ElastiCache cannot change a running group's key).
	KMSKeyArn string
	// ALBAccessLogsBucket receives the load balancer's access logs (the bucket must allow ELB log delivery).
	// Set from LITELLM_ALB_ACCESS_LOGS_BUCKET. Default: none.
	ALBAccessLogsBucket string
	// WebACLArn puts a regional WAFv2 web ACL in front of the load balancer. Set from LITELLM_WEB_ACL_ARN.
	// Default: none.
	WebACLArn string
	// AutoscalingRequestsPerTarget adds target tracking on ALB requests per task per minute; 0 leaves it
	// off. Default: 0.
	AutoscalingRequestsPerTarget int

	// StateBucket keeps the stack's Terraform state in this S3 bucket (key litellm-aws/<stack>.tfstate,
	// encrypted), locked through the StateLockTable DynamoDB table, instead of a local file. Set from
	// LITELLM_STATE_BUCKET and LITELLM_STATE_LOCK_TABLE; both or neither. Default: local state in
	// terraform.<stack>.tfstate at the project root.
	StateBucket    string
	StateLockTable string
}

// Benchmark is LiteLLM's published benchmark: 4 tasks x 4 vCPU x 8 GB, 4 workers each. No Redis: the
// published run used none ("Redis: Not used"), and this profile reproduces it.
func Benchmark() Profile { return judgedAs("benchmark") }

// TwoInstance is the seed's reference configuration with 2 tasks, and Redis: LiteLLM's production guide
// (docs/proxy/prod.md) asks for it as soon as more than one instance runs, or each enforces rate limits and
// serves cache hits on its own.
func TwoInstance() Profile { return judgedAs("two-instance") }

// EightInstance is the seed's higher-throughput configuration with 8 tasks, and Redis, as TwoInstance.
func EightInstance() Profile { return judgedAs("eight-instance") }

// All returns every profile, in the order the README lists them: one per stack of internal/facts.
func All() []Profile {
	var all []Profile
	for _, s := range facts.Stacks() {
		all = append(all, fromFacts(s))
	}
	return all
}

// judgedAs is the profile of the stack internal/facts judges against the load tester's profile.
func judgedAs(loadTestProfile string) Profile {
	s, ok := facts.StackFor(loadTestProfile)
	if !ok {
		panic(fmt.Sprintf("internal/facts/facts.txt has no stack for the load test profile %q", loadTestProfile))
	}
	return fromFacts(s)
}

// fromFacts is a stack's profile: its name and task count, as internal/facts has them, Redis where
// withoutRedis does not say otherwise; the rest defaults.
func fromFacts(s facts.Stack) Profile {
	return Profile{StackName: s.Name, DesiredTaskCount: s.TaskCount, Redis: !withoutRedis[s.Name]}
}

// withoutRedis are the stacks without Redis by default: the benchmark, as the published run it reproduces had
// none. Every stack runs more than one instance, where LiteLLM's production guide asks for Redis.
var withoutRedis = map[string]bool{"litellm-benchmark": true}

// Defaults shared by every profile.
const (
	DefaultRegion = "us-east-1"
)

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Profile) WithDefaults() Profile {
	if p.Region == "" {
		p.Region = DefaultRegion
	}
	if p.WorkersPerTask == 0 {
		p.WorkersPerTask = proxyservice.DefaultWorkersPerTask
	}
	if p.TaskCPU == 0 {
		p.TaskCPU = proxyservice.DefaultCPU
	}
	if p.TaskMemoryMiB == 0 {
		p.TaskMemoryMiB = proxyservice.DefaultMemoryMiB
	}
	if p.Image == "" {
		p.Image = proxyservice.DefaultImage
	}
	if p.DBInstanceClass == "" {
		p.DBInstanceClass = database.DefaultInstanceClass
	}
	if p.DeploymentMaximumPercent == 0 {
		p.DeploymentMaximumPercent = proxyservice.DefaultDeploymentMaximumPercent
	}
	return p
}

// MaxTaskCount is the largest desired count the profile runs (the autoscaling maximum's default when
// autoscaling is on); a roll of it, PeakTaskCount, sizes the database connection pools.
func (p Profile) MaxTaskCount() int {
	if p.Autoscaling {
		return max(p.DesiredTaskCount, proxyservice.DefaultAutoscalingMaxCount)
	}
	return p.DesiredTaskCount
}

// FewestTaskCount is the smallest desired count the profile runs (the autoscaling minimum's default when
// autoscaling is on); a roll of it must still have room for a new task.
func (p Profile) FewestTaskCount() int {
	if p.Autoscaling {
		return min(p.DesiredTaskCount, proxyservice.DefaultMinCount)
	}
	return p.DesiredTaskCount
}

// PeakTaskCount is the most tasks running at once: a roll of MaxTaskCount at DeploymentMaximumPercent.
func (p Profile) PeakTaskCount() int {
	return int(proxyservice.PeakTasks(rule.Number(float64(p.MaxTaskCount())), rule.Number(float64(p.DeploymentMaximumPercent))).Float())
}

// Validate checks the profile's sizes, which reach the constructs as deploy-time variables and so are
// checked here rather than by the constructs. Everything else is checked by the constructs' own props.
func (p Profile) Validate() error {
	var errs check.Problems
	errs.Name("StackName", p.StackName, loadbalancer.MaxNameLength)
	checkState(&errs, p.StateBucket, p.StateLockTable)
	n := func(v int) rule.Expr { return rule.Number(float64(v)) }
	errs.Rules(
		proxyservice.ImageRuleFor("Image", rule.String(p.Image)),
		proxyservice.TaskCountRule("DesiredTaskCount", n(p.DesiredTaskCount)),
		proxyservice.WorkersRule("WorkersPerTask", n(p.WorkersPerTask)),
		proxyservice.FargateSizeRule("TaskCPU", n(p.TaskCPU), "TaskMemoryMiB", n(p.TaskMemoryMiB)),
		database.InstanceClassRule("DBInstanceClass", rule.String(p.DBInstanceClass)))
	errs.Rules(proxyservice.DeploymentMaximumPercentRule("DeploymentMaximumPercent", n(p.DeploymentMaximumPercent)))
	if p.DesiredTaskCount >= 1 {
		errs.Rules(proxyservice.RollRoomRule("DeploymentMaximumPercent", n(p.DeploymentMaximumPercent), "FewestTaskCount", n(p.FewestTaskCount())))
	}
	if budget, err := database.ConnectionBudget(p.DBInstanceClass); err == nil && p.DesiredTaskCount >= 1 && p.WorkersPerTask >= 1 {
		errs.Rules(proxyservice.ConnectionBudgetRule("DBInstanceClass "+p.DBInstanceClass, n(budget),
			"MaxTaskCount", n(p.MaxTaskCount()), "DeploymentMaximumPercent", n(p.DeploymentMaximumPercent),
			"WorkersPerTask", n(p.WorkersPerTask)))
	}
	return errs.Err(fmt.Sprintf("profile %q", p.StackName))
}
