package stacks

import (
	"net"
	"net/url"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"

	"litellm-aws/internal/check"
)

// EndpointEnv names the environment variable main reads into Profile.Endpoint.
const EndpointEnv = "LITELLM_AWS_ENDPOINT"

// checkEndpoint allows only loopback addresses: the switch exists for a local emulator, and an emulator
// elsewhere is not something a test here may talk to.
func checkEndpoint(errs *check.Problems, endpoint string) {
	if endpoint == "" {
		return
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" && u.Path != "/" {
		errs.Addf("Endpoint %q (%s) is not a URL: allowed http://127.0.0.1:PORT or another loopback address", endpoint, EndpointEnv)
		return
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		errs.Addf("Endpoint %q (%s) is not on this machine: allowed loopback addresses only (127.0.0.0/8, localhost, [::1]), for a local AWS emulator", endpoint, EndpointEnv)
	}
}

// emulate points every AWS service the stacks use at one local endpoint, with the provider's checks
// that need real AWS turned off. Credentials come from the environment (./help sets fake ones).
func emulate(cfg *provider.AwsProviderConfig, endpoint string) {
	e := jsii.String(endpoint)
	cfg.Endpoints = &[]*provider.AwsProviderEndpoints{{
		Acm: e, Appautoscaling: e, Cloudwatch: e, Logs: e, Ec2: e, Ecr: e, Ecs: e, Elasticache: e, Elbv2: e,
		Iam: e, Kms: e, Rds: e, Route53: e, S3: e, Secretsmanager: e, Sns: e, Sts: e, Wafv2: e,
	}}
	cfg.SkipCredentialsValidation = true
	// Not skip_requesting_account_id: the emulator answers the account lookup, and without the account id
	// the provider reads referenced security groups back as "<account>/sg-...", so every plan shows changes.
	cfg.SkipMetadataApiCheck = jsii.String("true")
	cfg.S3UsePathStyle = true
}
