package cost

// Billing is how each resource type a stack may contain is billed: priced by a function that adds lines to
// the bill, or not priced, with the reason. It is the one place that says so. A type missing from it is
// not priced at $0: the estimate reports it as unpriced and is incomplete, and TestEveryResourceTypeIsBilled
// names the type and the stack. When a stack gains a resource type, add it here.
var Billing = map[string]Billed{
	// Compute.
	"aws_ecs_service":           priced(priceFargate),
	"aws_ecs_task_definition":   priced(sortTaskDefinitions),
	"aws_ecs_cluster":           priced(priceContainerInsights),
	"aws_appautoscaling_target": free("Application Auto Scaling is free; the tasks it adds are Fargate task-hours (see the note on the most tasks)"),
	"aws_appautoscaling_policy": priced(priceTargetTrackingAlarms),

	// Database.
	"aws_db_instance":        priced(priceRDS),
	"aws_db_parameter_group": free(configuration),
	"aws_db_subnet_group":    free(configuration),

	// Redis.
	"aws_elasticache_replication_group": priced(priceElastiCache),
	"aws_elasticache_subnet_group":      free(configuration),

	// Load balancer.
	"aws_lb":                        priced(priceLoadBalancer),
	"aws_lb_listener":               free("billed through the load balancer's hours and LCUs"),
	"aws_lb_target_group":           free("billed through the load balancer's hours and LCUs"),
	"aws_wafv2_web_acl_association": free("no charge for the association; the web ACL it names (LITELLM_WEB_ACL_ARN) is billed outside the stack"),
	"aws_route53_record": free("an alias to the load balancer: alias queries to AWS resources are free; the hosted zone is outside the stack").
		checkedBy(aliasRecord),

	// Network.
	"aws_nat_gateway":                     priced(priceNATGateways),
	"aws_eip":                             priced(priceElasticIPs),
	"aws_internet_gateway":                priced(priceDataTransferOut),
	"aws_vpc":                             free(vpcConfiguration),
	"aws_subnet":                          free(vpcConfiguration),
	"aws_route_table":                     free(vpcConfiguration),
	"aws_route":                           free(vpcConfiguration),
	"aws_route_table_association":         free(vpcConfiguration),
	"aws_security_group":                  free(vpcConfiguration),
	"aws_default_security_group":          free(vpcConfiguration),
	"aws_vpc_security_group_ingress_rule": free(vpcConfiguration),
	"aws_vpc_security_group_egress_rule":  free(vpcConfiguration),
	"aws_flow_log":                        free("its records are billed as CloudWatch Logs ingestion into its log group (the CloudWatch Logs line)"),

	// Secrets and keys.
	"aws_secretsmanager_secret":         priced(priceSecrets),
	"aws_secretsmanager_secret_version": free("covered by its secret's monthly price"),
	"aws_kms_key":                       priced(priceKMSKeys),
	"aws_kms_alias":                     free("no charge for aliases"),

	// Monitoring.
	"aws_cloudwatch_log_group":    priced(priceLogs),
	"aws_cloudwatch_metric_alarm": priced(priceAlarms),
	"aws_cloudwatch_dashboard":    priced(priceDashboards),
	"aws_sns_topic":               notCounted("a few alarm notifications a month, at $0.50 per million publishes"),
	"aws_sns_topic_subscription":  notCounted("email deliveries of those notifications: the first 1,000 a month are free"),

	// Buckets.
	"aws_s3_bucket":                                      priced(priceBuckets),
	"aws_s3_object":                                      notCounted("a few KB, stored in its bucket"),
	"aws_s3_bucket_logging":                              free("S3 server access logging: the logs it writes are stored, and priced, in its target bucket"),
	"aws_s3_bucket_lifecycle_configuration":              free(bucketSetting),
	"aws_s3_bucket_ownership_controls":                   free(bucketSetting),
	"aws_s3_bucket_policy":                               free(bucketSetting),
	"aws_s3_bucket_public_access_block":                  free(bucketSetting),
	"aws_s3_bucket_server_side_encryption_configuration": free(bucketSetting),
	"aws_s3_bucket_versioning":                           free(bucketSetting),

	// The load generator's image (./help benchmark).
	"aws_ecr_repository":       notCounted("the load tester's images, about 7 MB each and the last 5 kept: under 40 MB at $0.10/GB-month, under $0.01 a month"),
	"aws_ecr_lifecycle_policy": free("a repository setting, no charge"),

	// Terraform's own.
	"terraform_data": free("Terraform's own resource, nothing in AWS; a one-off task its provisioner starts is listed with its task definition"),

	// Identity.
	"aws_iam_role":        free("IAM is free"),
	"aws_iam_role_policy": free("IAM is free"),
}

// Reasons several types share.
const (
	configuration    = "configuration, no charge"
	vpcConfiguration = "VPC configuration, no charge"
	bucketSetting    = "a bucket setting, no charge"
)

// Billed is how one resource type is billed: exactly one of Price, Free and NotCounted is set.
type Billed struct {
	// Price adds the type's lines to the bill.
	Price func(b *bill, rs []Resource)
	// Free says why AWS does not bill the type, or bills it through another type's line.
	Free string
	// NotCounted says why the estimate leaves out a type AWS does bill.
	NotCounted string
	// Check, for a type without a price, returns an error for a resource the reason does not cover (a DNS
	// record that is not an alias is billed per query); that resource is then unpriced.
	Check func(b *bill, r Resource) error
}

func priced(f func(b *bill, rs []Resource)) Billed { return Billed{Price: f} }
func free(reason string) Billed                    { return Billed{Free: reason} }
func notCounted(reason string) Billed              { return Billed{NotCounted: reason} }

func (r Billed) checkedBy(f func(b *bill, r Resource) error) Billed {
	r.Check = f
	return r
}
