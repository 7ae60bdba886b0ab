package localaws

import "sort"

// endpointKeys are the keys of the hashicorp/aws provider's `endpoints` block for every service the stacks use,
// plus the few they are likely to grow into. Each is the provider's own name for the service, not an alias:
// 5.x accepts aliases (applicationautoscaling, cloudwatchlogs, elasticloadbalancingv2, s3api, ...) but warns
// "Only one of the following attributes should be set" when an alias and its name are both given, and an alias
// may go away. Checked against `terraform providers schema -json` of provider 5.100.0 by TestApplyReplanDestroy.
var endpointKeys = []string{
	"acm",            // certificates for an HTTPS listener
	"appautoscaling", // Application Auto Scaling (alias: applicationautoscaling)
	"cloudwatch",     // dashboards and metric alarms
	"ec2",            // VPC, subnets, NAT, security groups, flow logs
	"ecr",            // container images
	"ecs",            // Fargate cluster, task definitions, services
	"elasticache",    // Redis
	"elbv2",          // application load balancer (alias: elasticloadbalancingv2)
	"iam",            // roles and policies; also the provider's account id lookup
	"kms",            // keys for logs, secrets, RDS, S3, SNS
	"logs",           // CloudWatch Logs (aliases: cloudwatchlog, cloudwatchlogs)
	"rds",            // PostgreSQL
	"route53",        // DNS records
	"s3",             // buckets and objects (alias: s3api)
	"secretsmanager", // master key, database password
	"sns",            // alarm topics and subscriptions
	"ssm",            // parameters
	"sts",            // caller identity
	"wafv2",          // web ACL in front of the load balancer
}

// ProviderEndpoints returns the hashicorp/aws provider's `endpoints` block that sends every service the stacks
// use to url. Services not listed still go to url when AWS_ENDPOINT_URL is set (the emulator's environment
// sets it); the block is what keeps the provider off AWS when it is not.
func ProviderEndpoints(url string) map[string]string {
	m := make(map[string]string, len(endpointKeys))
	for _, k := range endpointKeys {
		m[k] = url
	}
	return m
}

// EndpointKeys returns the keys ProviderEndpoints sets, sorted.
func EndpointKeys() []string {
	keys := append([]string(nil), endpointKeys...)
	sort.Strings(keys)
	return keys
}
