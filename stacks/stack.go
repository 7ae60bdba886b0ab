package stacks

import (
	"errors"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/monitoring"
	"litellm-aws/constructs/network"
	"litellm-aws/constructs/proxyservice"
)

// ProviderVersion accepts the whole AWS provider 5.x line from the version the Go bindings were generated
// for; the lock file written by `terraform init` records the exact version used.
const ProviderVersion = ">= 5.84.0, < 6.0.0"

// TerraformVersion is the Terraform CLI the stacks need: preconditions with references in their messages,
// and the 1.5.7 fallback that ./help builds when no terraform is on PATH.
const TerraformVersion = ">= 1.5.7"

// New builds one profile's stack. It checks everything first and returns every problem at once; on error
// the caller must not synthesize.
func New(scope constructs.Construct, profile Profile) (cdktf.TerraformStack, error) {
	p := profile.WithDefaults()
	stack := cdktf.NewTerraformStack(scope, jsii.String(p.StackName))
	vars := newVariables(stack, p)

	netProps := network.Props{
		Name:              p.StackName,
		Region:            p.Region,
		CIDR:              p.VPCCIDR,
		AvailabilityZones: p.AvailabilityZones,
		NatGatewayPerZone: p.NatGatewayPerZone,
		KMSKeyArn:         p.KMSKeyArn,
	}
	dbProps := database.Props{
		Name:               p.StackName,
		Password:           vars.DBPassword,
		InstanceClass:      vars.DBInstanceClass,
		MultiAZ:            p.DBMultiAZ,
		DeletionProtection: vars.DeletionProtection,
		KMSKeyArn:          p.KMSKeyArn,
	}
	lbProps := loadbalancer.Props{
		Name:               p.StackName,
		AllowedCIDRs:       p.AllowedCIDRs,
		DeletionProtection: vars.DeletionProtection,
		CertificateArn:     p.CertificateArn,
		DomainName:         p.DomainName,
		HostedZoneID:       p.HostedZoneID,
		AccessLogsBucket:   p.ALBAccessLogsBucket,
		WebACLArn:          p.WebACLArn,
	}
	svcProps := proxyservice.Props{
		Name:           p.StackName,
		Region:         p.Region,
		MasterKey:      vars.MasterKey,
		Image:          p.Image,
		DesiredCount:   vars.DesiredTaskCount,
		WorkersPerTask: vars.WorkersPerTask,
		CPU:            vars.TaskCPU,
		MemoryMiB:      vars.TaskMemory,
		Config:         p.LiteLLMConfig,
		KMSKeyArn:      p.KMSKeyArn,

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
	monProps := monitoring.Props{Name: p.StackName, Region: p.Region, AlarmEmail: vars.AlarmEmail}
	if err := errors.Join(p.Validate(), cacheErr, monProps.WithDefaults().Validate(),
		netProps.WithDefaults().Validate(),
		dbProps.WithDefaults().Validate(),
		lbProps.WithDefaults().Validate(),
		svcProps.WithDefaults().Validate(),
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
	if p.Endpoint != "" {
		emulate(providerConfig, p.Endpoint)
	}
	provider.NewAwsProvider(stack, jsii.String("aws"), providerConfig)
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(ProviderVersion))
	// 1.5.7 is the oldest Terraform this project is tested with (and the last MPL release, its fallback).
	stack.AddOverride(jsii.String("terraform.required_version"), jsii.String(TerraformVersion))
	backend(stack, p)

	net := network.New(stack, "network", netProps)
	dbProps.Network = net
	db := database.New(stack, "database", dbProps)
	lbProps.Network = net
	lb := loadbalancer.New(stack, "load-balancer", lbProps)
	svcProps.Network, svcProps.LoadBalancer, svcProps.Database = net, lb, db
	if p.Redis {
		svcProps.Redis = cache.New(stack, "redis", net, cacheProps)
	}
	svc := proxyservice.New(stack, "proxy", svcProps)
	monProps.Service, monProps.LoadBalancer, monProps.Database = svc, lb, db
	mon := monitoring.New(stack, "monitoring", monProps)

	outputs(stack, lb, db, svc, mon, svcProps.Redis)
	return stack, nil
}

func outputs(stack cdktf.TerraformStack, lb *loadbalancer.LoadBalancer, db *database.Database, svc *proxyservice.ProxyService,
	mon *monitoring.Monitoring, redis *cache.Cache) {
	out := func(name, description string, value *string) {
		cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{
			Value:       value,
			Description: jsii.String(description),
		})
	}
	out("load_balancer_url", "Base URL of the LiteLLM proxy: curl $URL/health/readiness", lb.URL)
	out("api_endpoint", "OpenAI-compatible API base URL: POST $URL/chat/completions with the master key", jsii.String(*lb.URL+"/v1"))
	out("cluster_name", "ECS cluster: aws ecs describe-services --cluster <this> --services <service_name>", jsii.String(svc.ClusterName))
	out("service_name", "ECS service running the LiteLLM tasks", jsii.String(svc.ServiceName))
	out("log_group_name", "CloudWatch log group of the LiteLLM containers: aws logs tail <this> --follow", jsii.String(svc.LogGroupName))
	out("db_instance_endpoint", "PostgreSQL endpoint (address:port), reachable only from the LiteLLM tasks", db.Endpoint)
	out("db_instance_identifier", "RDS instance identifier: aws rds describe-db-instances --db-instance-identifier <this>", jsii.String(db.Identifier))
	out("master_key_secret_name", "Secrets Manager secret holding the master key: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text", jsii.String(svc.MasterKeySecretName))
	out("config_bucket_name", "S3 bucket holding LiteLLM's config.yaml", svc.ConfigBucket)
	out("dashboard_url", "CloudWatch dashboard of the stack's key metrics (ECS, ALB, RDS)", jsii.String(mon.DashboardURL))
	out("alarm_topic_arn", "SNS topic the stack's alarms publish to: subscribe more endpoints here", mon.TopicArn)
	if redis != nil {
		out("redis_endpoint", "Redis primary endpoint (TLS, port 6379), reachable only from the LiteLLM tasks", redis.Address)
	}
}
