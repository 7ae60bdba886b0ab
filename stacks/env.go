package stacks

import (
	"fmt"
	"strings"

	"litellm-aws/internal/check"
)

// Settings read from the environment when synthesizing: features that change the shape of a stack (which
// resources exist), so they cannot be Terraform variables. Each applies to every profile.
var envSettings = []struct {
	name, help string
	apply      func(p *Profile, value string) error
}{
	{"LITELLM_CERTIFICATE_ARN", "ACM certificate ARN: HTTPS on 443 with a modern TLS policy, port 80 redirecting to it", func(p *Profile, v string) error {
		p.CertificateArn = v
		return nil
	}},
	{"LITELLM_DOMAIN_NAME", "DNS name for a Route 53 alias record to the load balancer (with LITELLM_HOSTED_ZONE_ID and a certificate)", func(p *Profile, v string) error {
		p.DomainName = v
		return nil
	}},
	{"LITELLM_HOSTED_ZONE_ID", "Route 53 hosted zone holding LITELLM_DOMAIN_NAME", func(p *Profile, v string) error {
		p.HostedZoneID = v
		return nil
	}},
	{"LITELLM_KMS_KEY_ARN", "your own customer-managed KMS key instead of the stack's, for the log groups, secrets, alarm topic and Redis (its policy must let those services use it)", func(p *Profile, v string) error {
		p.KMSKeyArn = v
		return nil
	}},
	{"LITELLM_ALB_ACCESS_LOGS_BUCKET", "existing S3 bucket (allowing ELB log delivery) for the load balancer's access logs, instead of the stack's log bucket", func(p *Profile, v string) error {
		p.ALBAccessLogsBucket = v
		return nil
	}},
	{"LITELLM_WEB_ACL_ARN", "regional WAFv2 web ACL to put in front of the load balancer", func(p *Profile, v string) error {
		p.WebACLArn = v
		return nil
	}},
	{"LITELLM_DB_MULTI_AZ", "on: a standby database in a second zone", func(p *Profile, v string) error {
		on, err := parseSwitch(v)
		p.DBMultiAZ = on
		return err
	}},
	{"LITELLM_REDIS", "on or off: ElastiCache for Redis shared by the LiteLLM instances in every stack, or in none (off reproduces the seed's bill); unset: two-instance and eight-instance have it, benchmark not", func(p *Profile, v string) error {
		on, err := parseSwitch(v)
		p.Redis = on
		return err
	}},
	{"LITELLM_STATE_BUCKET", "S3 bucket for the stacks' Terraform state (encrypted; with LITELLM_STATE_LOCK_TABLE)", func(p *Profile, v string) error {
		p.StateBucket = v
		return nil
	}},
	{"LITELLM_STATE_LOCK_TABLE", "DynamoDB table (partition key LockID) that locks the remote state", func(p *Profile, v string) error {
		p.StateLockTable = v
		return nil
	}},
	{"LITELLM_AUTOSCALING", "on: ECS target tracking on CPU between autoscaling_min_task_count and autoscaling_max_task_count", func(p *Profile, v string) error {
		on, err := parseSwitch(v)
		p.Autoscaling = on
		return err
	}},
}

// EnvSettings lists the settings FromEnv reads, each with a line of help, in order.
func EnvSettings() [][2]string {
	out := make([][2]string, len(envSettings))
	for i, s := range envSettings {
		out[i] = [2]string{s.name, s.help}
	}
	return out
}

// FromEnv applies the LITELLM_* settings found by getenv to every profile, reporting every bad value.
func FromEnv(profiles []Profile, getenv func(string) string) ([]Profile, error) {
	out := append([]Profile(nil), profiles...)
	var errs check.Problems
	for _, s := range envSettings {
		v := getenv(s.name)
		if v == "" {
			continue
		}
		for i := range out {
			if err := s.apply(&out[i], v); err != nil {
				errs.Addf("%s=%q: %v", s.name, v, err)
				break
			}
		}
	}
	return out, errs.Err("environment")
}

func parseSwitch(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("not a switch: allowed on or off (also true/false, 1/0, yes/no)")
}
