package loadbalancer

import (
	"fmt"
	"regexp"
	"strings"

	"litellm-aws/constructs/logbucket"
	"litellm-aws/constructs/network"
	"litellm-aws/internal/check"
	"litellm-aws/internal/deploytime"
)

// Props configures the load balancer.
type Props struct {
	// Name prefixes the load balancer ("<name>-alb"), target group ("<name>-tg") and security group. AWS
	// caps load balancer and target group names at 32 characters, so at most 28 here. Required.
	Name string
	// Network provides the VPC and the public subnets. Required.
	Network *network.Network
	// AllowedCIDRs may reach the listeners. Default: ["0.0.0.0/0"], anywhere.
	AllowedCIDRs []string
	// TargetPort is the port the tasks listen on. Default: 4000, LiteLLM's.
	TargetPort int
	// HealthCheckPath is polled on every target; only a 200 keeps it in service.
	// Default: "/health/readiness", which also checks LiteLLM's database connection.
	HealthCheckPath string
	// IdleTimeoutSeconds closes connections idle this long. LLM responses, streamed or not, can take minutes.
	// Default: 300.
	IdleTimeoutSeconds int
	// DeletionProtection stops the load balancer from being deleted while on: deploytime.BoolOf a bool, or
	// deploytime.BoolExpr of a Terraform bool expression such as a variable's BooleanValue(). Default (unset): on.
	DeletionProtection deploytime.Bool

	// CertificateArn is an ACM certificate for an HTTPS listener on 443; port 80 then redirects to it.
	// Default: empty, HTTP on 80 only.
	CertificateArn string
	// SSLPolicy is the HTTPS listener's TLS policy. Default: ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3
	// and 1.2 only).
	SSLPolicy string
	// DomainName and HostedZoneID add a Route 53 alias record for the load balancer; both or neither, and
	// only with a certificate (which must cover the name). Default: empty, no record.
	DomainName   string
	HostedZoneID string

	// LogBucket is the stack's log bucket: the load balancer's access logs go there, under
	// logbucket.ALBPrefix, unless AccessLogsBucket names another. Default: nil, no access logs unless
	// AccessLogsBucket is set.
	LogBucket *logbucket.LogBucket
	// AccessLogsBucket is an existing bucket for the access logs instead of LogBucket (it wins when both are
	// set), under AccessLogsPrefix; the bucket must allow ELB log delivery. Default: empty, LogBucket.
	AccessLogsBucket string
	// AccessLogsPrefix is the key prefix of the access logs in AccessLogsBucket; only that bucket takes one,
	// as LogBucket's policy admits logs under logbucket.ALBPrefix only. Default: Name.
	AccessLogsPrefix string
	// WebACLArn associates a WAFv2 web ACL (regional scope) with the load balancer. Default: empty, no WAF.
	WebACLArn string
}

// Defaults for optional fields.
const (
	DefaultTargetPort         = 4000
	DefaultHealthCheckPath    = "/health/readiness"
	DefaultIdleTimeoutSeconds = 300
	DefaultSSLPolicy          = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// MaxNameLength leaves room for the "-alb" and "-tg" suffixes within AWS's 32 characters.
	MaxNameLength = 28
)

// DeregistrationDelaySeconds is how long the target group drains a target being removed, and so the longest
// response a roll or scale-in lets finish. When ECS stops a task behind a load balancer it first deregisters it:
// the load balancer sends the task no new request, keeps relaying those in flight until they end or this delay
// runs out, then closes what remains; only after that does ECS send the task SIGTERM (Amazon ECS developer
// guide, "Optimize load balancer connection draining parameters"). Draining ends as soon as no request is left,
// so the delay costs a roll time only while long responses run. proxyservice.DefaultRequestTimeoutSeconds,
// LiteLLM's request_timeout, is this value, so a roll never cuts a provider call LiteLLM would still wait for.
const DeregistrationDelaySeconds = 600

// WithDefaults returns a copy of p with every unset optional field set to its default.
func (p Props) WithDefaults() Props {
	if len(p.AllowedCIDRs) == 0 {
		p.AllowedCIDRs = []string{"0.0.0.0/0"}
	}
	if p.TargetPort == 0 {
		p.TargetPort = DefaultTargetPort
	}
	if p.HealthCheckPath == "" {
		p.HealthCheckPath = DefaultHealthCheckPath
	}
	if p.IdleTimeoutSeconds == 0 {
		p.IdleTimeoutSeconds = DefaultIdleTimeoutSeconds
	}
	p.DeletionProtection = p.DeletionProtection.Or(deploytime.True())
	if p.SSLPolicy == "" {
		p.SSLPolicy = DefaultSSLPolicy
	}
	if p.AccessLogsBucket != "" && p.AccessLogsPrefix == "" {
		p.AccessLogsPrefix = p.Name
	}
	return p
}

var (
	certificateRE = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate/[0-9a-f-]{36}$`)
	domainRE      = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	zoneRE        = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	webACLRE      = regexp.MustCompile(`^arn:aws[a-z-]*:wafv2:[a-z]{2}(-[a-z]+)+-\d:\d{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f-]{36}$`)
)

// Validate reports every problem with the props at once.
func (p Props) Validate() error {
	var errs check.Problems
	errs.Name("Name", p.Name, MaxNameLength)
	for _, c := range p.AllowedCIDRs {
		errs.CIDR("AllowedCIDRs", c, 0, 32)
	}
	if p.TargetPort < 1 || p.TargetPort > 65535 {
		errs.Addf("TargetPort %d is out of range: allowed 1-65535", p.TargetPort)
	}
	if !strings.HasPrefix(p.HealthCheckPath, "/") || len(p.HealthCheckPath) > 1024 {
		errs.Addf("HealthCheckPath %q is not a path: allowed a path starting with / of at most 1024 characters", p.HealthCheckPath)
	}
	if p.IdleTimeoutSeconds < 1 || p.IdleTimeoutSeconds > 4000 {
		errs.Addf("IdleTimeoutSeconds %d is out of range: allowed 1-4000", p.IdleTimeoutSeconds)
	}
	if p.CertificateArn != "" && !certificateRE.MatchString(p.CertificateArn) {
		errs.Addf("CertificateArn %q is not an ACM certificate ARN: allowed arn:aws:acm:<region>:<account>:certificate/<id>", p.CertificateArn)
	}
	if !strings.HasPrefix(p.SSLPolicy, "ELBSecurityPolicy-") {
		errs.Addf("SSLPolicy %q is not an ELB security policy: allowed ELBSecurityPolicy-... names, such as %s", p.SSLPolicy, DefaultSSLPolicy)
	}
	if (p.DomainName == "") != (p.HostedZoneID == "") {
		errs.Addf("DomainName %q and HostedZoneID %q: allowed both (a Route 53 alias record) or neither", p.DomainName, p.HostedZoneID)
	}
	if p.DomainName != "" && p.CertificateArn == "" {
		errs.Addf("DomainName %q needs CertificateArn: allowed a domain only with HTTPS", p.DomainName)
	}
	if p.DomainName != "" && !domainRE.MatchString(p.DomainName) {
		errs.Addf("DomainName %q is not a DNS name: allowed lower-case labels of letters, digits and hyphens, such as llm.example.com", p.DomainName)
	}
	if p.HostedZoneID != "" && !zoneRE.MatchString(p.HostedZoneID) {
		errs.Addf("HostedZoneID %q is not a Route 53 hosted zone id: allowed Z followed by upper-case letters and digits", p.HostedZoneID)
	}
	errs.BucketName("AccessLogsBucket", p.AccessLogsBucket)
	if p.AccessLogsPrefix != "" && p.AccessLogsBucket == "" {
		errs.Addf("AccessLogsPrefix %q is set without AccessLogsBucket: allowed only with AccessLogsBucket (LogBucket takes access logs under %q only)", p.AccessLogsPrefix, logbucket.ALBPrefix)
	}
	if strings.Contains(p.AccessLogsPrefix, "AWSLogs") {
		errs.Addf("AccessLogsPrefix %q contains AWSLogs: allowed a prefix without it (ELB adds AWSLogs/<account>/ itself)", p.AccessLogsPrefix)
	}
	if p.WebACLArn != "" && !webACLRE.MatchString(p.WebACLArn) {
		errs.Addf("WebACLArn %q is not a regional WAFv2 web ACL ARN: allowed arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>", p.WebACLArn)
	}
	return errs.Err(fmt.Sprintf("load balancer %q", p.Name))
}
