package loadbalancer

import (
	"fmt"
	"strings"

	"litellm-aws/constructs/network"
	"litellm-aws/internal/check"
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
	// DeletionProtection stops the load balancer from being deleted while on: a bool, or a Terraform bool
	// expression such as a variable. Default: true.
	DeletionProtection any
}

// Defaults for optional fields.
const (
	DefaultTargetPort         = 4000
	DefaultHealthCheckPath    = "/health/readiness"
	DefaultIdleTimeoutSeconds = 300
	// MaxNameLength leaves room for the "-alb" and "-tg" suffixes within AWS's 32 characters.
	MaxNameLength = 28
)

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
	if p.DeletionProtection == nil {
		p.DeletionProtection = true
	}
	return p
}

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
	return errs.Err(fmt.Sprintf("load balancer %q", p.Name))
}
