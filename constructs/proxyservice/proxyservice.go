package proxyservice

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/internal/bucketchain"
	"litellm-aws/internal/opt"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/sgrule"
	"litellm-aws/internal/writeonly"
)

// ProxyService is LiteLLM running on ECS.
type ProxyService struct {
	scope constructs.Construct // what every resource here is created in
	// ClusterName, ServiceName, TaskFamily and LogGroupName are the names the seed's operational commands use.
	ClusterName  *string
	ServiceName  *string
	TaskFamily   *string
	LogGroupName *string
	// MigrationTaskFamily is the one-off task that migrates the database schema before the service starts.
	MigrationTaskFamily *string
	// MasterKeySecretName holds the master key as a plain string; SaltKeySecretName holds LITELLM_SALT_KEY.
	MasterKeySecretName *string
	SaltKeySecretName   *string
	// SaltKey is the salt key's secret and the version that wrote it: what a teardown keeps, as the credentials
	// LiteLLM stored in the database (and so in its final snapshot) can be read only with it.
	SaltKey *writeonly.Secret
	// MasterKeySecretArn is the master key secret's ARN, for clients that read the key (the load generator).
	MasterKeySecretArn *string
	// SecurityGroupID is the tasks' security group.
	SecurityGroupID *string
	// ConfigBucket is the S3 bucket holding ConfigObjectKey, LiteLLM's config.yaml.
	ConfigBucket *string
	// ConfigBucketSettings is the last of the config bucket's settings, applied one after another
	// (bucketchain.Chain): what a further setting of that bucket, such as its access logging, must follow.
	ConfigBucketSettings bucketchain.Setting
	ConfigObjectKey      *string
	// PoolLimit is database_connection_pool_limit as written into the config: a number, or a Terraform
	// number expression when the sizes are deploy-time.
	PoolLimit float64
	// Service and TaskDefinition are the ECS resources, for autoscaling and alarms.
	Service        ecsservice.EcsService
	TaskDefinition ecstaskdefinition.EcsTaskDefinition
	// Migration runs the migration task; the service depends on it.
	Migration cdktf.DataResource
	// Steady waits after each deployment until the service is steady, and fails the apply when it is not.
	Steady cdktf.DataResource
	// databaseRules open the way from the tasks to the database.
	databaseRules []cdktf.ITerraformDependable
}

// ConfigObjectKey is where config.yaml lives in the config bucket.
const ConfigObjectKey = "litellm/config.yaml"

// New builds the service. It panics on invalid props; call Props.Validate first to get the problems as an error.
func New(scope constructs.Construct, id string, props Props) *ProxyService {
	p := props.WithDefaults()
	if err := p.Validate(); err != nil {
		panic(err)
	}
	if p.Network == nil || p.LoadBalancer == nil || p.Database == nil {
		panic("proxyservice.New: Props.Network, Props.LoadBalancer, Props.Database are required: the construct is wired to them")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &ProxyService{
		scope:               c,
		ClusterName:         jsii.String(p.Name + "-LiteLLM-Cluster"),
		ServiceName:         jsii.String(p.Name + "-litellm-service"),
		TaskFamily:          jsii.String(p.Name + "-litellm"),
		MigrationTaskFamily: jsii.String(p.Name + "-litellm-migrate"),
		LogGroupName:        jsii.String("/ecs/" + p.Name + "-litellm"),
		MasterKeySecretName: jsii.String(p.Name + "-master-key"),
		SaltKeySecretName:   jsii.String(p.Name + "-salt-key"),
		ConfigObjectKey:     jsii.String(ConfigObjectKey),
	}
	port := p.LoadBalancer.TargetPort

	sg := s.securityGroup(p, port)
	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            s.LogGroupName,
		RetentionInDays: jsii.Number(float64(p.LogRetentionDays)),
		KmsKeyId:        opt.String(p.KMSKeyArn),
	})
	secrets := s.secrets(p)
	s.MasterKeySecretArn = jsii.String(secrets.arns[0])

	s.PoolLimit = s.poolLimit(p)
	config := s.configBucket(p)
	roles := s.roles(p, *logs.Arn(), secrets.arns, *config.objectArn)

	s.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String("task"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  s.TaskFamily,
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(rule.Number(p.CPU).Text()),
		Memory:                  jsii.String(rule.Number(p.MemoryMiB).Text()),
		ExecutionRoleArn:        roles.execution,
		TaskRoleArn:             roles.task,
		RuntimePlatform:         linuxX86(),
		ContainerDefinitions:    jsii.String(containerDefinitions(s.proxyContainer(p, port, config, secrets))),
		Lifecycle:               rule.Preconditions(p.crossRules()...),
	})

	cluster := ecscluster.NewEcsCluster(c, jsii.String("cluster"), &ecscluster.EcsClusterConfig{
		Name: s.ClusterName,
		Setting: &[]*ecscluster.EcsClusterSetting{
			{Name: jsii.String("containerInsights"), Value: jsii.String("enabled")},
		},
	})
	s.Migration = s.migration(p, cluster, roles, sg, secrets)

	// ECS refuses a target group that no listener uses yet; no task may start before the schema is migrated
	// (nor on a new image whose migration failed), its secrets are written and its roles may read them.
	dependsOn := append([]cdktf.ITerraformDependable{p.LoadBalancer.Listener, s.Migration}, secrets.written...)
	dependsOn = append(dependsOn, roles.policies...)
	s.Service = ecsservice.NewEcsService(c, jsii.String("service"), &ecsservice.EcsServiceConfig{
		Name:            s.ServiceName,
		Cluster:         cluster.Arn(),
		TaskDefinition:  s.TaskDefinition.Arn(),
		DesiredCount:    jsii.Number(p.DesiredCount),
		LaunchType:      jsii.String("FARGATE"),
		PlatformVersion: jsii.String("LATEST"),
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets:        &p.Network.PrivateSubnetIDs,
			SecurityGroups: &[]*string{sg},
			AssignPublicIp: jsii.Bool(false),
		},
		LoadBalancer: &[]*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: p.LoadBalancer.TargetGroupArn,
			ContainerName:  jsii.String(ContainerName),
			ContainerPort:  jsii.Number(float64(port)),
		}},
		HealthCheckGracePeriodSeconds: jsii.Number(float64(p.HealthCheckGracePeriodSeconds)),
		// Never fewer healthy tasks than asked for during a deployment; a failing one rolls back on its own. The
		// maximum is the peak the database pools are sized for (PeakTasks).
		DeploymentMinimumHealthyPercent: jsii.Number(100),
		DeploymentMaximumPercent:        jsii.Number(float64(p.DeploymentMaximumPercent)),
		DeploymentCircuitBreaker: &ecsservice.EcsServiceDeploymentCircuitBreaker{
			Enable:   jsii.Bool(true),
			Rollback: jsii.Bool(true),
		},
		AvailabilityZoneRebalancing: jsii.String("ENABLED"),
		EnableEcsManagedTags:        jsii.Bool(true),
		PropagateTags:               jsii.String("SERVICE"),
		// A task reads its secrets when it starts, so a rotated secret reaches the tasks by a new deployment:
		// the triggers change with each secret's version, and force_new_deployment then starts fresh tasks.
		ForceNewDeployment: jsii.Bool(true),
		Triggers:           secrets.versions,
		DependsOn:          &dependsOn,
		Lifecycle:          s.serviceLifecycle(p),
	})
	s.Steady = s.steady(p, cluster, secrets)
	if p.Autoscaling {
		s.autoscaling(p)
	}
	return s
}

func linuxX86() *ecstaskdefinition.EcsTaskDefinitionRuntimePlatform {
	return &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
		OperatingSystemFamily: jsii.String("LINUX"),
		CpuArchitecture:       jsii.String("X86_64"),
	}
}

// securityGroup lets the load balancer in on the LiteLLM port, and lets the tasks out to the database
// and to HTTPS (image registry, AWS APIs, LLM providers) only.
func (s *ProxyService) securityGroup(p Props, port int) *string {
	sg := sgrule.NewGroup(s.scope, "service", p.Network.VpcID, p.Name+"-service", "LiteLLM tasks: port "+fmt.Sprint(port)+" from the load balancer only", nil)
	s.SecurityGroupID = sg.ID
	sgrule.Allow(p.LoadBalancer, s, port, sgrule.Descriptions{
		Egress: fmt.Sprintf("to targets on port %d", port), Ingress: "LiteLLM from the load balancer"})
	s.databaseRules = sgrule.Allow(s, p.Database, database.Port, sgrule.Descriptions{
		Egress: "PostgreSQL to the database", Ingress: "PostgreSQL from the LiteLLM tasks"}).Dependables()
	sgrule.AllowToCIDR(s, "egress-https", "0.0.0.0/0", 443, "HTTPS to the image registry, AWS APIs and LLM providers")
	if p.Redis != nil {
		sgrule.Allow(s, p.Redis, cache.Port, sgrule.Descriptions{
			Egress: "Redis (TLS) to the cache", Ingress: "Redis from the LiteLLM tasks"})
	}
	return sg.ID
}

// SecurityGroup is the tasks' security group. Rules on it are created in the service's scope.
func (s *ProxyService) SecurityGroup() sgrule.Group {
	return sgrule.Group{Scope: s.scope, ID: s.SecurityGroupID, Label: "service"}
}

// poolLimit is database_connection_pool_limit (PoolLimit) at the peak of a roll of the most tasks: a number
// when the sizes are literals, else a Terraform local that plan computes.
func (s *ProxyService) poolLimit(p Props) float64 {
	peak := PeakTasks(rule.Number(p.MaxCount), rule.Number(float64(p.DeploymentMaximumPercent)))
	limit := PoolLimit(rule.Number(p.Database.ConnectionBudget), peak, rule.Number(p.WorkersPerTask))
	if limit.Known() {
		return limit.Float()
	}
	return *cdktf.NewTerraformLocal(s.scope, jsii.String("database_connection_pool_limit"), limit.TF()).AsNumber()
}
