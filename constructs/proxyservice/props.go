package proxyservice

import (
	"fmt"
	"regexp"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/check"
)

// Props configures the proxy service. Numbers marked "may be deploy-time" accept a Terraform number
// token (such as a variable's NumberValue()) as well as a literal; literals are checked here, tokens by
// Terraform at plan time.
type Props struct {
	// Name prefixes the cluster ("<name>-LiteLLM-Cluster"), task family ("<name>-litellm"), service
	// ("<name>-litellm-service"), log group ("/ecs/<name>-litellm"), secret ("<name>-master-key") and roles.
	// Required.
	Name string
	// Region is where the logs go. Required.
	Region string
	// Network, LoadBalancer and Database are what the service runs in, sits behind and connects to. Required.
	Network      *network.Network
	LoadBalancer *loadbalancer.LoadBalancer
	Database     *database.Database
	// Redis, when given, is shared by every LiteLLM instance for rate limits, usage and spend buffering
	// (see addRedis). Default: nil, no Redis.
	Redis *cache.Cache
	// MasterKey is LiteLLM's admin key: a Terraform expression such as a sensitive variable's StringValue(),
	// never a literal, which would be written into the synthesized JSON. Plan checks it against
	// MasterKeyPattern. Required.
	MasterKey string
	// Image is the LiteLLM container image. Pin a version tag or digest for repeatable benchmarks.
	// Default: ghcr.io/berriai/litellm-database:main-stable.
	Image string
	// DesiredCount is the number of tasks; may be deploy-time. Default: 4.
	DesiredCount float64
	// Autoscaling tracks the tasks' average CPU (and, with AutoscalingRequestsPerTarget, the load balancer's
	// requests per task) between MinCount and MaxCount. Terraform then leaves the running task count to
	// Application Auto Scaling instead of resetting it to DesiredCount on every apply. Default: false, a
	// fixed DesiredCount, as the published benchmark ran.
	Autoscaling bool
	// MinCount is the fewest tasks autoscaling keeps; may be deploy-time. Default: 2.
	MinCount float64
	// MaxCount is the most tasks there will ever be: the autoscaling maximum, which also sizes the database
	// pools. May be deploy-time. Default: 10 with Autoscaling, DesiredCount without.
	MaxCount float64
	// AutoscalingCPUTargetPercent is the average task CPU autoscaling holds; may be deploy-time. Default: 70.
	AutoscalingCPUTargetPercent float64
	// AutoscalingRequestsPerTarget adds a second policy holding this many load balancer requests per task
	// per minute; 0 leaves it off. Default: 0.
	AutoscalingRequestsPerTarget int
	// WorkersPerTask is LiteLLM's --num_workers; may be deploy-time. Default: 4, one per vCPU.
	WorkersPerTask float64
	// CPU is the task's CPU units; may be deploy-time. Default: 4096 (4 vCPU).
	CPU float64
	// MemoryMiB is the task's memory; may be deploy-time. Default: 8192.
	MemoryMiB float64
	// Config is a LiteLLM config.yaml. Production settings are merged in: master_key and database_url from
	// the environment, proxy_batch_write_at, and database_connection_pool_limit sized to the database's
	// budget (always derived; a value given here is replaced). Default: BenchmarkConfig.
	Config string
	// ProxyBatchWriteAtSeconds is how often LiteLLM batches spend writes to the database, unless Config sets
	// it. Default: 60.
	ProxyBatchWriteAtSeconds int
	// LogRetentionDays keeps container logs this long. Default: 30.
	LogRetentionDays int
	// HealthCheckGracePeriodSeconds lets a new task start (and run database migrations) before the load
	// balancer's health checks count. Default: 180.
	HealthCheckGracePeriodSeconds int
	// KMSKeyArn encrypts the log group and the master key secret with this customer-managed key instead of the AWS-managed default; its key
	// policy must let CloudWatch Logs; the execution role is granted kms:Decrypt on it use it. Default: empty, AWS-managed encryption.
	KMSKeyArn string
}

// Defaults for optional fields.
const (
	DefaultImage                         = "ghcr.io/berriai/litellm-database:main-stable"
	DefaultDesiredCount                  = 4
	DefaultMinCount                      = 2
	DefaultAutoscalingMaxCount           = 10
	DefaultAutoscalingCPUTargetPercent   = 70
	DefaultWorkersPerTask                = 4
	DefaultCPU                           = 4096
	DefaultMemoryMiB                     = 8192
	DefaultProxyBatchWriteAtSeconds      = 60
	DefaultLogRetentionDays              = 30
	DefaultHealthCheckGracePeriodSeconds = 180
	// MaxNameLength keeps "<name>-ecs-execution" within IAM's 64 characters and matches the load balancer's limit.
	MaxNameLength = 28
	// ContainerName is the LiteLLM container's name in the task definition.
	ContainerName = "litellm"
)

// Limits on counts, shared with the Terraform variables' validation.
const (
	MinTasks, MaxTasks     = 1, 100
	MinWorkers, MaxWorkers = 1, 32
)

// MasterKeyPattern is what LiteLLM accepts as a master key, with a length floor: "sk-" and at least 16
// more printable characters. RE2, so Terraform's regex() reads it too.
const MasterKeyPattern = `^sk-[!-~]{16,}$`

// MasterKeyRule says MasterKeyPattern in words.
const MasterKeyRule = `"sk-" followed by at least 16 printable ASCII characters, no spaces`

// ImagePattern is a container image reference: registry/path with a :tag and/or @sha256:digest.
const ImagePattern = `^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`

var (
	imageRE = regexp.MustCompile(ImagePattern)
)

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if p.Image == "" {
		p.Image = DefaultImage
	}
	if p.DesiredCount == 0 {
		p.DesiredCount = DefaultDesiredCount
	}
	if p.MinCount == 0 {
		p.MinCount = DefaultMinCount
	}
	if p.MaxCount == 0 {
		p.MaxCount = p.DesiredCount
		if p.Autoscaling {
			p.MaxCount = DefaultAutoscalingMaxCount
			if !check.IsTokenNumber(p.DesiredCount) && p.DesiredCount > p.MaxCount {
				p.MaxCount = p.DesiredCount
			}
		}
	}
	if p.AutoscalingCPUTargetPercent == 0 {
		p.AutoscalingCPUTargetPercent = DefaultAutoscalingCPUTargetPercent
	}
	if p.WorkersPerTask == 0 {
		p.WorkersPerTask = DefaultWorkersPerTask
	}
	if p.CPU == 0 {
		p.CPU = DefaultCPU
	}
	if p.MemoryMiB == 0 {
		p.MemoryMiB = DefaultMemoryMiB
	}
	if p.Config == "" {
		p.Config = BenchmarkConfig
	}
	if p.ProxyBatchWriteAtSeconds == 0 {
		p.ProxyBatchWriteAtSeconds = DefaultProxyBatchWriteAtSeconds
	}
	if p.LogRetentionDays == 0 {
		p.LogRetentionDays = DefaultLogRetentionDays
	}
	if p.HealthCheckGracePeriodSeconds == 0 {
		p.HealthCheckGracePeriodSeconds = DefaultHealthCheckGracePeriodSeconds
	}
	return p
}

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	if p.Region == "" {
		errs.Addf("Region is required")
	}
	errs.Secret("MasterKey", p.MasterKey, "key")
	if !imageRE.MatchString(p.Image) {
		errs.Addf("Image %q is not a container image reference: allowed registry/repository[:tag][@sha256:digest]", p.Image)
	}
	errs.Range("DesiredCount", p.DesiredCount, MinTasks, MaxTasks)
	errs.Range("MinCount", p.MinCount, MinTasks, MaxTasks)
	errs.Range("MaxCount", p.MaxCount, MinTasks, MaxTasks)
	if allLiteral(p.DesiredCount, p.MaxCount) && p.MaxCount < p.DesiredCount {
		errs.Addf("MaxCount %v is below DesiredCount %v: allowed DesiredCount or more", p.MaxCount, p.DesiredCount)
	}
	if p.Autoscaling && allLiteral(p.MinCount, p.DesiredCount) && p.MinCount > p.DesiredCount {
		errs.Addf("MinCount %v is above DesiredCount %v: allowed 1 to DesiredCount", p.MinCount, p.DesiredCount)
	}
	if !check.IsTokenNumber(p.AutoscalingCPUTargetPercent) && (p.AutoscalingCPUTargetPercent < 10 || p.AutoscalingCPUTargetPercent > 95) {
		errs.Addf("AutoscalingCPUTargetPercent %v is out of range: allowed 10-95", p.AutoscalingCPUTargetPercent)
	}
	if p.AutoscalingRequestsPerTarget < 0 {
		errs.Addf("AutoscalingRequestsPerTarget %d is out of range: allowed 0 (off) or more", p.AutoscalingRequestsPerTarget)
	}
	errs.Range("WorkersPerTask", p.WorkersPerTask, MinWorkers, MaxWorkers)
	if !check.IsTokenNumber(p.CPU) && !check.IsTokenNumber(p.MemoryMiB) {
		if msg := CheckFargateSize(int(p.CPU), int(p.MemoryMiB)); msg != "" {
			errs.Addf("CPU/MemoryMiB: %s", msg)
		}
	}
	if _, err := mergeConfig(p.Config, p.ProxyBatchWriteAtSeconds, p.Redis != nil); err != nil {
		errs.Addf("Config: %v", err)
	}
	if p.ProxyBatchWriteAtSeconds < 1 || p.ProxyBatchWriteAtSeconds > 3600 {
		errs.Addf("ProxyBatchWriteAtSeconds %d is out of range: allowed 1-3600", p.ProxyBatchWriteAtSeconds)
	}
	errs.RetentionDays("LogRetentionDays", p.LogRetentionDays)
	if p.HealthCheckGracePeriodSeconds < 0 || p.HealthCheckGracePeriodSeconds > 2147483647 {
		errs.Addf("HealthCheckGracePeriodSeconds %d is out of range: allowed 0-2147483647", p.HealthCheckGracePeriodSeconds)
	}
	if p.Database != nil && allLiteral(p.Database.ConnectionBudget, p.MaxCount, p.WorkersPerTask) {
		if _, err := PoolLimit(int(p.Database.ConnectionBudget), int(p.MaxCount), int(p.WorkersPerTask)); err != nil {
			errs.Addf("%v", err)
		}
	}
	errs.KMSKeyArn("KMSKeyArn", p.KMSKeyArn)
	return errs.Err(fmt.Sprintf("proxy service %q", p.Name))
}

func allLiteral(xs ...float64) bool {
	for _, x := range xs {
		if check.IsTokenNumber(x) {
			return false
		}
	}
	return true
}
