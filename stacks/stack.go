package stacks

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/encryption"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/loadgen"
	"litellm-aws/constructs/logbucket"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/network"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/writeonly"
)

// ProviderVersion is the hashicorp/aws line the stacks need: write-only arguments and ephemeral resources
// keep every secret out of the state (internal/writeonly). The Go bindings are older (5.84); what they lack
// is written as overrides there.
var ProviderVersion = writeonly.ProviderVersion

// TerraformVersion is the Terraform CLI the stacks need: ephemeral values and write-only arguments (1.11).
// ./help builds this version when no terraform on PATH is new enough.
var TerraformVersion = writeonly.TerraformVersion

// New builds one profile's stack. It checks everything first and returns every problem at once; on error
// the caller must not synthesize.
func New(scope constructs.Construct, profile Profile) (cdktf.TerraformStack, error) {
	p := profile.WithDefaults()
	stack := cdktf.NewTerraformStack(scope, jsii.String(p.StackName))
	vars := newVariables(stack, p)
	// One deploy-time switch for the database, the load balancer and the salt key alike.
	deletionProtection := deploytime.BoolExpr(vars.DeletionProtection)

	netProps := network.Props{
		Name:              p.StackName,
		Region:            p.Region,
		CIDR:              p.VPCCIDR,
		AvailabilityZones: p.AvailabilityZones,
		NatGatewayPerZone: p.NatGatewayPerZone,
		KMSKeyArn:         p.KMSKeyArn,
	}
	dbProps := database.Props{
		Name:                    p.StackName,
		FinalSnapshotIdentifier: vars.FinalSnapshotIdentifier,
		SnapshotIdentifier:      vars.DBSnapshotIdentifier,
		Password:                vars.DBPassword,
		PasswordVersion:         vars.DBPasswordVersion,
		InstanceClass:           vars.DBInstanceClass,
		MultiAZ:                 p.DBMultiAZ,
		DeletionProtection:      deletionProtection,
		KMSKeyArn:               p.KMSKeyArn,
	}
	lbProps := loadbalancer.Props{
		Name:               p.StackName,
		AllowedCIDRs:       p.AllowedCIDRs,
		DeletionProtection: deletionProtection,
		CertificateArn:     p.CertificateArn,
		DomainName:         p.DomainName,
		HostedZoneID:       p.HostedZoneID,
		AccessLogsBucket:   p.ALBAccessLogsBucket,
		WebACLArn:          p.WebACLArn,
	}
	svcProps := proxyservice.Props{
		Name:               p.StackName,
		Region:             p.Region,
		MasterKey:          vars.MasterKey,
		MasterKeyVersion:   vars.MasterKeyVersion,
		Image:              vars.Image,
		DeletionProtection: deletionProtection,
		DesiredCount:       vars.DesiredTaskCount,
		WorkersPerTask:     vars.WorkersPerTask,
		CPU:                vars.TaskCPU,
		MemoryMiB:          vars.TaskMemory,
		Config:             p.LiteLLMConfig,
		KMSKeyArn:          p.KMSKeyArn,

		DeploymentMaximumPercent:     p.DeploymentMaximumPercent,
		Autoscaling:                  p.Autoscaling,
		MinCount:                     vars.MinTaskCount,
		MaxCount:                     vars.MaxTaskCount,
		AutoscalingCPUTargetPercent:  vars.CPUTargetPercent,
		AutoscalingRequestsPerTarget: p.AutoscalingRequestsPerTarget,
	}
	var cacheProps cache.Props
	var cacheErr error
	if p.Redis {
		cacheProps = cache.Props{Name: p.StackName, AuthToken: vars.RedisAuthToken, NodeType: vars.RedisNodeType, KMSKeyArn: p.KMSKeyArn}
		cacheErr = cacheProps.WithDefaults().Validate()
	}
	monProps := monitoring.Props{Name: p.StackName, Region: p.Region, AlarmEmail: vars.AlarmEmail, KMSKeyArn: p.KMSKeyArn}
	// The account and partition the stack deploys into, read once from Terraform, as terraform-aws-modules
	// does: the key's policy and the log bucket's name them, whoever owns a key brought in.
	account := *dataawscalleridentity.NewDataAwsCallerIdentity(stack, jsii.String("caller"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	partition := *dataawspartition.NewDataAwsPartition(stack, jsii.String("partition"), &dataawspartition.DataAwsPartitionConfig{}).Partition()
	keyProps := encryption.Props{Name: p.StackName, Region: p.Region, AccountID: account, Partition: partition,
		// The stack's key takes over the alarm topic's key of stacks deployed before it had one.
		MovedFromKey: encryption.MonitoringTopicKeyAddress, MovedFromAlias: encryption.MonitoringTopicKeyAliasAddress}
	logProps := logbucket.Props{Name: p.StackName, Region: p.Region, AccountID: account}
	if err := errors.Join(p.Validate(), cacheErr, monProps.WithDefaults().Validate(),
		keyProps.WithDefaults().Validate(),
		logProps.WithDefaults().Validate(),
		netProps.WithDefaults().Validate(),
		dbProps.WithDefaults().Validate(),
		lbProps.WithDefaults().Validate(),
		svcProps.WithDefaults().Validate(),
		// The one rule across two constructs' props: the service's keep-alive outlasts the load balancer's idle timeout.
		proxyservice.KeepAliveOutlasts(svcProps.WithDefaults().KeepAliveTimeoutSeconds, lbProps.WithDefaults().IdleTimeoutSeconds),
	); err != nil {
		return nil, err
	}

	providerConfig := &provider.AwsProviderConfig{
		Region: jsii.String(p.Region),
		// Every taggable resource carries these, so cost reports and the console group them by stack.
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{
			Tags: &map[string]*string{
				"Project":   jsii.String("litellm-benchmark"),
				"Stack":     jsii.String(p.StackName),
				"ManagedBy": jsii.String("cdktf"),
			},
		}},
	}
	provider.NewAwsProvider(stack, jsii.String("aws"), providerConfig)
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(ProviderVersion))
	stack.AddOverride(jsii.String("terraform.required_version"), jsii.String(TerraformVersion))
	backend(stack, p)

	// One customer-managed key per stack encrypts every secret, log group and the alarm topic, unless
	// LITELLM_KMS_KEY_ARN brings one.
	var key *encryption.Key
	kmsKeyArn := p.KMSKeyArn
	if kmsKeyArn == "" {
		key = encryption.New(stack, "encryption", keyProps)
		kmsKeyArn = *key.Arn
	}
	// Redis's data is the exception: ElastiCache cannot change the key of a running replication group
	// (kms_key_id forces a new one), so it keeps AWS-managed encryption at rest unless LITELLM_KMS_KEY_ARN is
	// set from the start. Its auth token's secret takes the key like every other secret.
	netProps.KMSKeyArn, dbProps.KMSKeyArn, svcProps.KMSKeyArn, monProps.KMSKeyArn = kmsKeyArn, kmsKeyArn, kmsKeyArn, kmsKeyArn
	cacheProps.TokenKMSKeyArn = kmsKeyArn
	logs := logbucket.New(stack, "logs", logProps)
	lbProps.LogBucket = logs

	net := network.New(stack, "network", netProps)
	dbProps.Network = net
	db := database.New(stack, "database", dbProps)
	lbProps.Network = net
	lb := loadbalancer.New(stack, "load-balancer", lbProps)
	svcProps.Network, svcProps.LoadBalancer, svcProps.Database = net, lb, db
	if p.Redis {
		cacheProps.Network = net
		svcProps.Redis = cache.New(stack, "redis", cacheProps)
	}
	svc := proxyservice.New(stack, "proxy", svcProps)
	logs.LogServerAccess("config-bucket-logging", *svc.ConfigBucket, logbucket.S3Prefix("config"), svc.ConfigBucketSettings)
	monProps.Service, monProps.LoadBalancer, monProps.Database = svc, lb, db
	mon := monitoring.New(stack, "monitoring", monProps)

	// The load generator: what ./help benchmark starts; nothing of it runs until then.
	gen := loadgen.New(stack, "loadgen", loadgen.Props{
		Name: p.StackName, Region: p.Region, Network: net, LoadBalancer: lb, KMSKeyArn: kmsKeyArn,
		MasterKeySecretArn: svc.MasterKeySecretArn, ReportBucket: logs.Bucket, ReportBucketArn: logs.Arn,
		Profile: loadgen.ProfileOf(p.StackName),
	})

	outputs(stack, lb, db, svc, mon, svcProps.Redis, gen)
	kept := []cdktf.TerraformResource{svc.SaltKey.Secret, svc.SaltKey.Version}
	if key != nil {
		kept = append(kept, key.Key, key.Alias)
	}
	protectFromDestroy(stack, p.StackName, vars.DeletionProtection, kept)
	return stack, nil
}

func outputs(stack cdktf.TerraformStack, lb *loadbalancer.LoadBalancer, db *database.Database, svc *proxyservice.ProxyService,
	mon *monitoring.Monitoring, redis *cache.Cache, gen *loadgen.LoadGen) {
	out := func(name, description string, value *string) {
		cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{
			Value:       value,
			Description: jsii.String(description),
		})
	}
	out("load_balancer_url", "Base URL of the LiteLLM proxy: curl $URL/health/readiness", lb.URL)
	out("api_endpoint", "OpenAI-compatible API base URL: POST $URL/chat/completions with the master key", jsii.String(*lb.URL+"/v1"))
	out("cluster_name", "ECS cluster: aws ecs describe-services --cluster <this> --services <service_name>", svc.ClusterName)
	out("service_name", "ECS service running the LiteLLM tasks", svc.ServiceName)
	out("log_group_name", "CloudWatch log group of the LiteLLM containers: aws logs tail <this> --follow", svc.LogGroupName)
	out("db_instance_endpoint", "PostgreSQL endpoint (address:port), reachable only from the LiteLLM tasks", db.Endpoint)
	out("db_instance_identifier", "RDS instance identifier: aws rds describe-db-instances --db-instance-identifier <this>", db.Identifier)
	out("master_key_secret_name", "Secrets Manager secret holding the master key: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text", svc.MasterKeySecretName)
	out("config_bucket_name", "S3 bucket holding LiteLLM's config.yaml", svc.ConfigBucket)
	out("dashboard_url", "CloudWatch dashboard of the stack's key metrics (ECS, ALB, RDS)", mon.DashboardURL)
	out("alarm_topic_arn", "SNS topic the stack's alarms publish to: subscribe more endpoints here", mon.TopicArn)
	// --- load generator outputs, read by ./help benchmark (terraform output -json)
	out("loadgen_repository_url", "ECR repository of the load tester's image: ./help benchmark pushes to it", gen.RepositoryURL)
	out("loadgen_task_family", "Task definition family of the load generator: ./help benchmark registers a revision with the pushed image and runs it in cluster_name", gen.TaskFamily)
	out("loadgen_log_group_name", "CloudWatch log group of the load generator: aws logs tail <this> --log-stream-names loadgen/loadgen/<task id>", gen.LogGroupName)
	out("loadgen_security_group_id", "Security group of the load generator's task: out to the load balancer's listener ports only", gen.SecurityGroupID)
	cdktf.NewTerraformOutput(stack, jsii.String("private_subnet_ids"), &cdktf.TerraformOutputConfig{
		Value:       gen.SubnetIDs,
		Description: jsii.String("Private subnets (out through NAT) the load generator and the LiteLLM tasks run in"),
	})
	out("benchmark_report_bucket", "S3 bucket (the stack's log bucket) the load generator puts its reports in, under benchmark_report_prefix", gen.ReportBucket)
	out("benchmark_report_prefix", "Key prefix of the load generator's reports in benchmark_report_bucket; the task role may write nowhere else", gen.ReportPrefix)
	// --- end load generator outputs
	if redis != nil {
		out("redis_endpoint", "Redis primary endpoint (TLS, port 6379), reachable only from the LiteLLM tasks", redis.Address)
	}
}
