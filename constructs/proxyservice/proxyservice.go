package proxyservice

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/internal/awsiam"
	"litellm-aws/internal/check"
	"litellm-aws/internal/opt"
)

// ProxyService is LiteLLM running on ECS.
type ProxyService struct {
	scope constructs.Construct // what every resource here is created in
	// ClusterName, ServiceName, TaskFamily and LogGroupName are the names the seed's operational commands use.
	ClusterName  string
	ServiceName  string
	TaskFamily   string
	LogGroupName string
	// MasterKeySecretName holds the master key as a plain string.
	MasterKeySecretName string
	// SecurityGroupID is the tasks' security group.
	SecurityGroupID *string
	// ConfigBucket is the S3 bucket holding ConfigObjectKey, LiteLLM's config.yaml.
	ConfigBucket    *string
	ConfigObjectKey string
	// PoolLimit is database_connection_pool_limit as written into the config: a number, or a Terraform
	// number expression when the sizes are deploy-time.
	PoolLimit float64
	// Service and TaskDefinition are the ECS resources, for autoscaling and alarms.
	Service        ecsservice.EcsService
	TaskDefinition ecstaskdefinition.EcsTaskDefinition
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
		ClusterName:         p.Name + "-LiteLLM-Cluster",
		ServiceName:         p.Name + "-litellm-service",
		TaskFamily:          p.Name + "-litellm",
		LogGroupName:        "/ecs/" + p.Name + "-litellm",
		MasterKeySecretName: p.Name + "-master-key",
		ConfigObjectKey:     ConfigObjectKey,
	}
	port := p.LoadBalancer.TargetPort

	sg := s.securityGroup(p, port)
	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String(s.LogGroupName),
		RetentionInDays: jsii.Number(float64(p.LogRetentionDays)),
		KmsKeyId:        opt.String(p.KMSKeyArn),
	})
	masterKey := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String("master-key"), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:        jsii.String(s.MasterKeySecretName),
		Description: jsii.String("LiteLLM master key (admin API key) for " + p.Name),
		// Re-created from the master_key variable on every apply, so nothing is lost by deleting it at once;
		// a recovery window would block deploying the same stack again for days.
		RecoveryWindowInDays: jsii.Number(0),
		KmsKeyId:             opt.String(p.KMSKeyArn),
	})
	secretsmanagersecretversion.NewSecretsmanagerSecretVersion(c, jsii.String("master-key-value"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
		SecretId:     masterKey.Id(),
		SecretString: jsii.String(p.MasterKey), // a plain string, so get-secret-value --query SecretString prints the key
		Lifecycle: check.SecretRule(p.MasterKey, MasterKeyPattern,
			"master_key (not shown, it is sensitive) is not a LiteLLM master key: allowed "+MasterKeyRule+"."),
	})

	s.PoolLimit = s.poolLimit(p)
	config := s.configBucket(p)

	secretArns := []string{*masterKey.Arn(), *p.Database.URLSecretArn}
	environment := []map[string]string{
		{"name": "LITELLM_CONFIG_BUCKET_NAME", "value": *config.bucket},
		{"name": "LITELLM_CONFIG_BUCKET_OBJECT_KEY", "value": ConfigObjectKey},
		// Changes whenever config.yaml does, so a config change replaces the task definition and rolls the service.
		{"name": "LITELLM_CONFIG_SHA256", "value": *config.sha256},
		{"name": "LITELLM_LOG", "value": "ERROR"},
		{"name": "LITELLM_MODE", "value": "PRODUCTION"},
		{"name": "AWS_REGION", "value": p.Region},
	}
	secrets := []map[string]string{
		{"name": "LITELLM_MASTER_KEY", "valueFrom": *masterKey.Arn()},
		{"name": "DATABASE_URL", "valueFrom": *p.Database.URLSecretArn},
	}
	if p.Redis != nil {
		environment = append(environment,
			map[string]string{"name": "REDIS_HOST", "value": *p.Redis.Address},
			map[string]string{"name": "REDIS_PORT", "value": fmt.Sprint(cache.Port)},
			// ElastiCache here only accepts TLS.
			map[string]string{"name": "REDIS_SSL", "value": "True"})
		secrets = append(secrets, map[string]string{"name": "REDIS_PASSWORD", "valueFrom": *p.Redis.AuthTokenSecretArn})
		secretArns = append(secretArns, *p.Redis.AuthTokenSecretArn)
	}

	executionRole := iamrole.NewIamRole(c, jsii.String("execution-role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(p.Name + "-ecs-execution"),
		Description:      jsii.String("ECS pulls the LiteLLM image, writes its logs and reads its secrets"),
		AssumeRolePolicy: awsiam.AssumeRolePolicy("ecs-tasks.amazonaws.com"),
	})
	iamrolepolicy.NewIamRolePolicy(c, jsii.String("execution-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("litellm-execution"),
		Role:   executionRole.Id(),
		Policy: executionPolicy(p.Image, p.KMSKeyArn, *logs.Arn(), secretArns...),
	})
	taskRole := iamrole.NewIamRole(c, jsii.String("task-role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(p.Name + "-ecs-task"),
		Description:      jsii.String("The LiteLLM container reads its config.yaml and nothing else"),
		AssumeRolePolicy: awsiam.AssumeRolePolicy("ecs-tasks.amazonaws.com"),
	})
	iamrolepolicy.NewIamRolePolicy(c, jsii.String("task-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name: jsii.String("litellm-task"),
		Role: taskRole.Id(),
		Policy: awsiam.Policy(awsiam.Statement{
			Sid:       "ReadConfig",
			Actions:   []string{"s3:GetObject"},
			Resources: []string{*config.objectArn},
		}),
	})

	container := map[string]any{
		"name":      ContainerName,
		"image":     p.Image,
		"essential": true,
		"command":   []string{"--port", fmt.Sprint(port), "--num_workers", num(p.WorkersPerTask)},
		"portMappings": []map[string]any{
			{"containerPort": port, "hostPort": port, "protocol": "tcp"},
		},
		"environment": environment,
		"secrets":     secrets,
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group":         s.LogGroupName,
				"awslogs-region":        p.Region,
				"awslogs-stream-prefix": ContainerName,
			},
		},
		// The image has Python but not necessarily curl.
		"healthCheck": map[string]any{
			"command": []string{"CMD", "python", "-c",
				fmt.Sprintf("import urllib.request; urllib.request.urlopen('http://127.0.0.1:%d/health/liveliness', timeout=4)", port)},
			"interval":    30,
			"timeout":     5,
			"retries":     3,
			"startPeriod": 120,
		},
		// A thousand concurrent users need more open sockets than the default 1024.
		"ulimits": []map[string]any{{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}},
	}
	containerJSON, err := json.Marshal([]any{container})
	if err != nil {
		panic(err)
	}

	s.TaskDefinition = ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String("task"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  jsii.String(s.TaskFamily),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(num(p.CPU)),
		Memory:                  jsii.String(num(p.MemoryMiB)),
		ExecutionRoleArn:        executionRole.Arn(),
		TaskRoleArn:             taskRole.Arn(),
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: jsii.String("LINUX"),
			CpuArchitecture:       jsii.String("X86_64"),
		},
		ContainerDefinitions: jsii.String(string(containerJSON)),
		Lifecycle:            s.preconditions(p),
	})

	cluster := ecscluster.NewEcsCluster(c, jsii.String("cluster"), &ecscluster.EcsClusterConfig{
		Name: jsii.String(s.ClusterName),
		Setting: &[]*ecscluster.EcsClusterSetting{
			{Name: jsii.String("containerInsights"), Value: jsii.String("enabled")},
		},
	})

	s.Service = ecsservice.NewEcsService(c, jsii.String("service"), &ecsservice.EcsServiceConfig{
		Name:            jsii.String(s.ServiceName),
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
		// Never fewer healthy tasks than asked for during a deployment; a failing one rolls back on its own.
		DeploymentMinimumHealthyPercent: jsii.Number(100),
		DeploymentMaximumPercent:        jsii.Number(200),
		DeploymentCircuitBreaker: &ecsservice.EcsServiceDeploymentCircuitBreaker{
			Enable:   jsii.Bool(true),
			Rollback: jsii.Bool(true),
		},
		AvailabilityZoneRebalancing: jsii.String("ENABLED"),
		EnableEcsManagedTags:        jsii.Bool(true),
		PropagateTags:               jsii.String("SERVICE"),
		// ECS refuses a target group that no listener uses yet.
		DependsOn: &[]cdktf.ITerraformDependable{p.LoadBalancer.Listener},
		Lifecycle: s.serviceLifecycle(p),
	})
	if p.Autoscaling {
		s.autoscaling(p)
	}
	return s
}

// securityGroup lets the load balancer in on the LiteLLM port, and lets the tasks out to the database
// and to HTTPS (image registry, AWS APIs, LLM providers) only.
func (s *ProxyService) securityGroup(p Props, port int) *string {
	sg := securitygroup.NewSecurityGroup(s.scope, jsii.String("security-group"), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(p.Name + "-service"),
		Description: jsii.String("LiteLLM tasks: port " + fmt.Sprint(port) + " from the load balancer only"),
		VpcId:       p.Network.VpcID,
		Tags:        &map[string]*string{"Name": jsii.String(p.Name + "-service")},
	})
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s.scope, jsii.String("ingress-from-alb"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           sg.Id(),
		Description:               jsii.String("LiteLLM from the load balancer"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(float64(port)),
		ToPort:                    jsii.Number(float64(port)),
		ReferencedSecurityGroupId: p.LoadBalancer.SecurityGroupID,
	})
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s.scope, jsii.String("egress-to-database"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           sg.Id(),
		Description:               jsii.String("PostgreSQL to the database"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(database.Port),
		ToPort:                    jsii.Number(database.Port),
		ReferencedSecurityGroupId: p.Database.SecurityGroupID,
	})
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s.scope, jsii.String("egress-https"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId: sg.Id(),
		Description:     jsii.String("HTTPS to the image registry, AWS APIs and LLM providers"),
		IpProtocol:      jsii.String("tcp"),
		FromPort:        jsii.Number(443),
		ToPort:          jsii.Number(443),
		CidrIpv4:        jsii.String("0.0.0.0/0"),
	})
	if p.Redis != nil {
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s.scope, jsii.String("egress-to-redis"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId:           sg.Id(),
			Description:               jsii.String("Redis (TLS) to the cache"),
			IpProtocol:                jsii.String("tcp"),
			FromPort:                  jsii.Number(cache.Port),
			ToPort:                    jsii.Number(cache.Port),
			ReferencedSecurityGroupId: p.Redis.SecurityGroupID,
		})
		p.Redis.AllowFrom("ingress-from-service", sg.Id(), "Redis from the LiteLLM tasks")
	}
	p.LoadBalancer.AllowTo("egress-to-service", sg.Id())
	p.Database.AllowFrom("ingress-from-service", sg.Id(), "PostgreSQL from the LiteLLM tasks")
	s.SecurityGroupID = sg.Id()
	return sg.Id()
}

// poolLimit is database_connection_pool_limit: the database's budget shared by every worker of the most
// tasks there will be, capped at MaxPoolLimit. Literal sizes give a literal; deploy-time sizes give a
// Terraform local that plan computes.
func (s *ProxyService) poolLimit(p Props) float64 {
	budget := p.Database.ConnectionBudget
	if allLiteral(budget, p.MaxCount, p.WorkersPerTask) {
		limit, _ := PoolLimit(int(budget), int(p.MaxCount), int(p.WorkersPerTask)) // Validate has checked it
		return float64(limit)
	}
	perWorker := cdktf.Fn_Floor(cdktf.Op_Div(budget, cdktf.Op_Mul(p.MaxCount, p.WorkersPerTask)))
	local := cdktf.NewTerraformLocal(s.scope, jsii.String("database_connection_pool_limit"),
		cdktf.Fn_Min(&[]*float64{jsii.Number(MaxPoolLimit), perWorker}))
	return *local.AsNumber()
}

// preconditions repeat at plan time the checks Validate makes on literals, for deploy-time values.
func (s *ProxyService) preconditions(p Props) *cdktf.TerraformResourceLifecycle {
	var out []*cdktf.Precondition
	if !allLiteral(p.CPU, p.MemoryMiB) {
		table := map[string][]int{}
		for cpu, r := range FargateSizes {
			table[fmt.Sprint(cpu)] = r.Memories()
		}
		out = append(out, &cdktf.Precondition{
			Condition: cdktf.Fn_Contains(
				cdktf.Fn_Lookup(table, cdktf.Fn_Tostring(jsii.Number(p.CPU)), &[]int{}), jsii.Number(p.MemoryMiB)),
			ErrorMessage: jsii.String(fmt.Sprintf("task_memory = %s MiB is not valid with task_cpu = %s: allowed memory for each CPU size: %s.",
				num(p.MemoryMiB), num(p.CPU), FargateSizesText())),
		})
	}
	if p.Autoscaling && !allLiteral(p.DesiredCount, p.MaxCount) {
		out = append(out, &cdktf.Precondition{
			Condition: cdktf.Op_Lte(jsii.Number(p.DesiredCount), jsii.Number(p.MaxCount)),
			ErrorMessage: jsii.String(fmt.Sprintf("desired_task_count = %s is above the autoscaling maximum %s: allowed at most the maximum.",
				num(p.DesiredCount), num(p.MaxCount))),
		})
	}
	if !allLiteral(p.Database.ConnectionBudget, p.MaxCount, p.WorkersPerTask) {
		out = append(out, &cdktf.Precondition{
			Condition: cdktf.Op_Gte(jsii.Number(s.PoolLimit), jsii.Number(MinPoolLimit)),
			ErrorMessage: jsii.String(fmt.Sprintf("Database connection budget exceeded: %s tasks x %s workers need at least %d connections each, "+
				"but the database instance class allows %s for LiteLLM (%s per worker): allowed at most %s workers in total; "+
				"use a larger db_instance_class, or fewer tasks (desired_task_count) or workers (num_workers_per_task).",
				num(p.MaxCount), num(p.WorkersPerTask), MinPoolLimit, num(p.Database.ConnectionBudget), num(s.PoolLimit),
				*cdktf.Token_AsString(cdktf.Fn_Floor(cdktf.Op_Div(p.Database.ConnectionBudget, MinPoolLimit)), nil))),
		})
	}
	if len(out) == 0 {
		return nil
	}
	return &cdktf.TerraformResourceLifecycle{Precondition: &out}
}

// num writes a number, or a number token, as a string.
func num(n float64) string {
	if check.IsTokenNumber(n) {
		return *cdktf.Token_AsString(jsii.Number(n), nil)
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

var ecrImageRE = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)`)

// executionPolicy lets ECS write the container's logs, read exactly its secrets and, for an image in ECR,
// pull it. Images from public registries such as ghcr.io need no permission.
func executionPolicy(image, kmsKeyArn, logGroupArn string, secretArns ...string) *string {
	statements := []awsiam.Statement{
		{Sid: "WriteLogs", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []string{logGroupArn + ":*"}},
		{Sid: "ReadSecrets", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: secretArns},
	}
	if kmsKeyArn != "" {
		// Secrets encrypted with a customer-managed key are decrypted with the reader's permission.
		statements = append(statements, awsiam.Statement{Sid: "DecryptSecrets", Actions: []string{"kms:Decrypt"}, Resources: []string{kmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + regionOf(kmsKeyArn) + ".amazonaws.com"}}})
	}
	if m := ecrImageRE.FindStringSubmatch(image); m != nil {
		statements = append(statements,
			// GetAuthorizationToken acts on the registry as a whole; AWS allows no narrower resource.
			awsiam.Statement{Sid: "EcrLogin", Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []string{"*"}},
			awsiam.Statement{Sid: "EcrPull", Actions: []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
				Resources: []string{fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", m[2], m[1], m[3])}})
	}
	return awsiam.Policy(statements...)
}

// regionOf is the region field of an ARN.
func regionOf(arn string) string {
	if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 {
		return parts[3]
	}
	return ""
}
