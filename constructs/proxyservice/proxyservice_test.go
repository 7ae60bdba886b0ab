package proxyservice_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/network"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

var secretVar = synthtest.SecretVar

func TestValidateRejects(t *testing.T) {
	const literalKey = "sk-recognizable-master-key-0001"
	stack := synthtest.NewStack()
	key := secretVar(stack, "master_key")
	cases := []struct {
		name   string
		modify func(*proxyservice.Props)
		want   string
	}{
		{"literal master key", func(p *proxyservice.Props) { p.MasterKey = literalKey }, "MasterKey (not shown) is a literal string: allowed only a Terraform expression"},
		{"no master key", func(p *proxyservice.Props) { p.MasterKey = "" }, "MasterKey is required"},
		{"bad image", func(p *proxyservice.Props) { p.Image = "ghcr.io/BerriAI/LiteLLM:main" }, `Image "ghcr.io/BerriAI/LiteLLM:main" is not a container image reference`},
		{"zero tasks", func(p *proxyservice.Props) { p.DesiredCount = -1 }, "DesiredCount -1 is out of range: allowed whole numbers 1-100"},
		{"fractional workers", func(p *proxyservice.Props) { p.WorkersPerTask = 2.5 }, "WorkersPerTask 2.5 is out of range: allowed whole numbers 1-32"},
		{"max below desired", func(p *proxyservice.Props) { p.MaxCount = 2 }, "MaxCount 2 is below DesiredCount 4"},
		{"bad Fargate pair", func(p *proxyservice.Props) { p.MemoryMiB = 4096 }, "CPU/MemoryMiB: task memory 4096 MiB is not valid with 4096 CPU units: allowed 8192-30720 in steps of 1024"},
		{"config without models", func(p *proxyservice.Props) { p.Config = "general_settings: {}" }, "Config: model_list is missing or empty"},
		{"batch write", func(p *proxyservice.Props) { p.ProxyBatchWriteAtSeconds = 4000 }, "ProxyBatchWriteAtSeconds 4000 is out of range: allowed 1-3600"},
		{"log retention", func(p *proxyservice.Props) { p.LogRetentionDays = 2 }, "LogRetentionDays 2 is not a CloudWatch Logs retention period"},
		{"min above desired", func(p *proxyservice.Props) { p.Autoscaling, p.MinCount = true, 5 }, "MinCount 5 is above DesiredCount 4: allowed 1 to DesiredCount"},
		{"CPU target", func(p *proxyservice.Props) { p.AutoscalingCPUTargetPercent = 99 }, "AutoscalingCPUTargetPercent 99 is out of range: allowed 10-95"},
		{"requests per target", func(p *proxyservice.Props) { p.AutoscalingRequestsPerTarget = -1 }, "AutoscalingRequestsPerTarget -1 is out of range: allowed 0 (off) or more"},
		{"budget exceeded", func(p *proxyservice.Props) { p.DesiredCount, p.MaxCount = 30, 30 }, "database connection budget exceeded: 30 tasks x 4 workers x 5 connections = 600, but the database allows 360"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := proxyservice.Props{Name: "litellm-test", Region: "us-east-1", MasterKey: key,
				Database: &database.Database{ConnectionBudget: 360}}.WithDefaults()
			tc.modify(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), literalKey) {
				t.Fatalf("the error shows the master key: %v", err)
			}
		})
	}
}

type fixture struct {
	doc *synthtest.Doc
	svc *proxyservice.ProxyService
}

// build wires a proxy service to a real network, load balancer and database, as the stacks do.
func build(t *testing.T, modify func(stack cdktf.TerraformStack, p *proxyservice.Props)) fixture {
	t.Helper()
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	lb := loadbalancer.New(stack, "lb", loadbalancer.Props{Name: "t", Network: net})
	db := database.New(stack, "db", database.Props{Name: "t", Network: net, Password: secretVar(stack, "db_password")})
	p := proxyservice.Props{Name: "litellm-test", Region: "us-east-1", Network: net, LoadBalancer: lb, Database: db,
		MasterKey: secretVar(stack, "master_key")}
	if modify != nil {
		modify(stack, &p)
	}
	svc := proxyservice.New(stack, "proxy", p)
	return fixture{synthtest.Synth(t, stack), svc}
}

type container struct {
	Name             string
	Image            string
	Command          []string
	Environment      []struct{ Name, Value string }
	Secrets          []struct{ Name, ValueFrom string }
	PortMappings     []struct{ ContainerPort int }
	HealthCheck      struct{ Command []string }
	LogConfiguration struct {
		LogDriver string
		Options   map[string]string
	}
}

func containerOf(t *testing.T, doc *synthtest.Doc) (map[string]any, container) {
	t.Helper()
	td := doc.One(t, *ecstaskdefinition.EcsTaskDefinition_TfResourceType())
	var cs []container
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("container_definitions: %v, %d containers", err, len(cs))
	}
	return td, cs[0]
}

func TestNamesAndWiring(t *testing.T) {
	f := build(t, nil)
	doc := f.doc

	cluster := doc.One(t, *ecscluster.EcsCluster_TfResourceType())
	if cluster["name"] != "litellm-test-LiteLLM-Cluster" || !strings.Contains(synthtest.JSON(cluster["setting"]), `{"name":"containerInsights","value":"enabled"}`) {
		t.Errorf("cluster = %v", cluster)
	}
	logs := doc.Where(*cloudwatchloggroup.CloudwatchLogGroup_TfResourceType(), map[string]any{"name": "/ecs/litellm-test-litellm"})
	if len(logs) != 1 {
		t.Errorf("log group /ecs/litellm-test-litellm: found %d", len(logs))
	}
	secret := doc.Where(*secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), map[string]any{"name": "litellm-test-master-key"})
	if len(secret) != 1 {
		t.Errorf("secret litellm-test-master-key: found %d", len(secret))
	}

	td, c := containerOf(t, doc)
	for k, want := range map[string]string{"family": `"litellm-test-litellm"`, "cpu": `"4096"`, "memory": `"8192"`,
		"network_mode": `"awsvpc"`, "requires_compatibilities": `["FARGATE"]`} {
		if got := synthtest.JSON(td[k]); got != want {
			t.Errorf("task definition %s = %s, want %s", k, got, want)
		}
	}
	if c.Image != "ghcr.io/berriai/litellm-database:main-stable" || c.Name != "litellm" {
		t.Errorf("container = %+v", c)
	}
	if strings.Join(c.Command, " ") != "--port 4000 --num_workers 4" {
		t.Errorf("command = %v", c.Command)
	}
	if len(c.PortMappings) != 1 || c.PortMappings[0].ContainerPort != 4000 {
		t.Errorf("ports = %+v", c.PortMappings)
	}
	if c.LogConfiguration.LogDriver != "awslogs" || c.LogConfiguration.Options["awslogs-group"] != "/ecs/litellm-test-litellm" {
		t.Errorf("logs = %+v", c.LogConfiguration)
	}
	if !strings.Contains(strings.Join(c.HealthCheck.Command, " "), "/health/liveliness") {
		t.Errorf("container health check = %v", c.HealthCheck.Command)
	}

	svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
	net := svc["network_configuration"].(map[string]any)
	lbs := svc["load_balancer"].([]any)[0].(map[string]any)
	breaker := svc["deployment_circuit_breaker"].(map[string]any)
	if svc["name"] != "litellm-test-litellm-service" || svc["desired_count"] != float64(4) || svc["launch_type"] != "FARGATE" ||
		net["assign_public_ip"] != false || lbs["container_port"] != float64(4000) || lbs["container_name"] != "litellm" ||
		breaker["enable"] != true || breaker["rollback"] != true || svc["deployment_minimum_healthy_percent"] != float64(100) ||
		svc["health_check_grace_period_seconds"] != float64(180) {
		t.Errorf("service = %v", svc)
	}
	for _, s := range net["subnets"].([]any) {
		if !strings.Contains(s.(string), "private-") {
			t.Errorf("service runs in a non-private subnet: %v", s)
		}
	}
	if !strings.Contains(synthtest.JSON(svc["depends_on"]), "aws_lb_listener.") {
		t.Errorf("service does not wait for the listener: %v", svc["depends_on"])
	}
	if f.svc.ClusterName != "litellm-test-LiteLLM-Cluster" || f.svc.ServiceName != "litellm-test-litellm-service" ||
		f.svc.LogGroupName != "/ecs/litellm-test-litellm" || f.svc.MasterKeySecretName != "litellm-test-master-key" {
		t.Errorf("exposed names: %+v", f.svc)
	}
}

func TestSecretsOnlyThroughSecrets(t *testing.T) {
	_, c := containerOf(t, build(t, nil).doc)
	secrets := map[string]string{}
	for _, s := range c.Secrets {
		secrets[s.Name] = s.ValueFrom
	}
	if !strings.Contains(secrets["LITELLM_MASTER_KEY"], "aws_secretsmanager_secret.") || !strings.Contains(secrets["DATABASE_URL"], "aws_secretsmanager_secret.") {
		t.Errorf("secrets = %v", secrets)
	}
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
		for _, bad := range []string{"MASTER_KEY", "API_KEY", "PASSWORD", "SECRET", "TOKEN", "DATABASE_URL"} {
			if strings.Contains(e.Name, bad) {
				t.Errorf("environment holds %s", e.Name)
			}
		}
		if strings.Contains(e.Value, "var.master_key") || strings.Contains(e.Value, "var.db_password") {
			t.Errorf("environment %s carries a secret: %s", e.Name, e.Value)
		}
	}
	if env["LITELLM_CONFIG_BUCKET_OBJECT_KEY"] != "litellm/config.yaml" || !strings.Contains(env["LITELLM_CONFIG_BUCKET_NAME"], "aws_s3_bucket.") ||
		env["LITELLM_LOG"] != "ERROR" || !strings.Contains(env["LITELLM_CONFIG_SHA256"], "sha256(aws_s3_object.") {
		t.Errorf("environment = %v", env)
	}
}

func TestSecurityGroups(t *testing.T) {
	doc := build(t, nil).doc
	ingress := doc.Resources(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType())
	var toService, toDB int
	for _, r := range ingress {
		switch r["from_port"] {
		case float64(4000):
			toService++
			if !strings.Contains(r["referenced_security_group_id"].(string), "lb_security-group") || r["cidr_ipv4"] != nil {
				t.Errorf("port 4000 open to something other than the load balancer: %v", r)
			}
		case float64(5432):
			toDB++
			if !strings.Contains(r["referenced_security_group_id"].(string), "proxy_security-group") || r["cidr_ipv4"] != nil {
				t.Errorf("port 5432 open to something other than the service: %v", r)
			}
		}
	}
	if toService != 1 || toDB != 1 {
		t.Errorf("want one ingress rule to the service and one to the database; got %d and %d", toService, toDB)
	}
	egress := doc.Resources(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType())
	ports := map[float64]bool{}
	for _, r := range egress {
		ports[r["from_port"].(float64)] = true
		if r["cidr_ipv4"] == "0.0.0.0/0" && r["from_port"] != float64(443) {
			t.Errorf("egress to anywhere on a port other than 443: %v", r)
		}
	}
	if !ports[443] || !ports[5432] || !ports[4000] || len(egress) != 3 {
		t.Errorf("egress rules = %v", egress)
	}
}

func TestIAMLeastPrivilege(t *testing.T) {
	cases := []struct {
		name      string
		image     string
		wantStars int
	}{
		{"public image needs no registry permission", "", 0},
		{"ECR image may log in to the registry", "123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm:1.2.3", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.Image = tc.image }).doc
			if n := len(doc.Resources(*iamrole.IamRole_TfResourceType())); n != 3 { // execution, task, flow logs
				t.Errorf("%d roles", n)
			}
			stars := 0
			for name, pol := range doc.Resources(*iamrolepolicy.IamRolePolicy_TfResourceType()) {
				var doc struct {
					Statement []struct {
						Sid              string
						Action, Resource []string
					}
				}
				if err := json.Unmarshal([]byte(pol["policy"].(string)), &doc); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, s := range doc.Statement {
					for _, r := range s.Resource {
						if r == "*" {
							stars++
							if strings.Join(s.Action, ",") != "ecr:GetAuthorizationToken" {
								t.Errorf("%s: %v on every resource", name, s.Action)
							}
						}
					}
					switch s.Sid {
					case "ReadSecrets":
						if len(s.Resource) != 2 || strings.Join(s.Action, ",") != "secretsmanager:GetSecretValue" {
							t.Errorf("execution role reads %v", s.Resource)
						}
					case "ReadConfig":
						if len(s.Resource) != 1 || !strings.HasSuffix(s.Resource[0], "/litellm/config.yaml") || strings.Join(s.Action, ",") != "s3:GetObject" {
							t.Errorf("task role: %v on %v", s.Action, s.Resource)
						}
					case "EcrPull":
						if s.Resource[0] != "arn:aws:ecr:us-east-1:123456789012:repository/litellm" {
							t.Errorf("ECR pull on %v", s.Resource)
						}
					}
				}
			}
			if stars != tc.wantStars {
				t.Errorf("%d statements on every resource, want %d", stars, tc.wantStars)
			}
		})
	}
}

func TestConfigBucket(t *testing.T) {
	doc := build(t, nil).doc
	enc := doc.One(t, *s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationA_TfResourceType())
	if !strings.Contains(synthtest.JSON(enc["rule"]), `"sse_algorithm":"AES256"`) {
		t.Errorf("bucket encryption = %v", enc)
	}
	pab := doc.One(t, *s3bucketpublicaccessblock.S3BucketPublicAccessBlock_TfResourceType())
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	ver := doc.One(t, *s3bucketversioning.S3BucketVersioningA_TfResourceType())
	if !strings.Contains(synthtest.JSON(ver["versioning_configuration"]), `"status":"Enabled"`) {
		t.Errorf("versioning = %v", ver)
	}
	pol := doc.One(t, *s3bucketpolicy.S3BucketPolicy_TfResourceType())
	if p := pol["policy"].(string); !strings.Contains(p, `"aws:SecureTransport":"false"`) || !strings.Contains(p, `"Effect":"Deny"`) {
		t.Errorf("bucket policy = %s", p)
	}
	obj := doc.One(t, *s3object.S3Object_TfResourceType())
	content := obj["content"].(string)
	for _, want := range []string{"model_name: fake-openai-endpoint", "database_connection_pool_limit: 20", "proxy_batch_write_at: 60", "master_key: os.environ/LITELLM_MASTER_KEY"} {
		if !strings.Contains(content, want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, content)
		}
	}
	if obj["key"] != "litellm/config.yaml" {
		t.Errorf("object key = %v", obj["key"])
	}
}

// TestDeployTimeSizes: with the sizes as Terraform variables, the pool limit is computed by Terraform and
// the rules Validate applies to literals become plan-time preconditions.
func TestDeployTimeSizes(t *testing.T) {
	num := func(stack cdktf.TerraformStack, name string) float64 {
		return *cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{Type: jsii.String("number")}).NumberValue()
	}
	f := build(t, func(stack cdktf.TerraformStack, p *proxyservice.Props) {
		p.DesiredCount, p.WorkersPerTask = num(stack, "desired_task_count"), num(stack, "num_workers_per_task")
		p.CPU, p.MemoryMiB = num(stack, "task_cpu"), num(stack, "task_memory")
	})
	td, c := containerOf(t, f.doc)
	if td["cpu"] != "${var.task_cpu}" || td["memory"] != "${var.task_memory}" || c.Command[3] != "${var.num_workers_per_task}" {
		t.Errorf("sizes not wired: cpu %v memory %v command %v", td["cpu"], td["memory"], c.Command)
	}
	if svc := f.doc.One(t, *ecsservice.EcsService_TfResourceType()); svc["desired_count"] != "${var.desired_task_count}" {
		t.Errorf("desired_count = %v", svc["desired_count"])
	}
	var limit string
	for name, v := range f.doc.RawLocals() {
		if strings.Contains(name, "database_connection_pool_limit") {
			limit = synthtest.JSON(v)
		}
	}
	if !strings.Contains(limit, "min(20, floor((20 / (var.desired_task_count * var.num_workers_per_task))))") &&
		!strings.Contains(limit, "var.desired_task_count * var.num_workers_per_task") {
		t.Errorf("pool limit local = %s", limit)
	}
	pre := synthtest.JSON(td["lifecycle"])
	for _, want := range []string{`tostring(var.task_cpu)`, `var.task_memory`, `Database connection budget exceeded`, `>= 5`} {
		if !strings.Contains(pre, want) {
			t.Errorf("preconditions lack %q: %s", want, pre)
		}
	}
	obj := f.doc.One(t, *s3object.S3Object_TfResourceType())
	if !strings.Contains(obj["content"].(string), "database_connection_pool_limit: ${local.") {
		t.Errorf("config does not take the computed pool limit: %s", obj["content"])
	}
}

func TestAutoscaling(t *testing.T) {
	cases := []struct {
		name         string
		autoscaling  bool
		requests     int
		wantPolicies []string
		wantPool     string
	}{
		{"off: a fixed task count", false, 0, nil, "database_connection_pool_limit: 20"},
		{"on: CPU target tracking, pools sized for 10 tasks", true, 0, []string{"ECSServiceAverageCPUUtilization"}, "database_connection_pool_limit: 9"},
		{"on with requests per target", true, 1000, []string{"ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"}, "database_connection_pool_limit: 9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, func(_ cdktf.TerraformStack, p *proxyservice.Props) {
				p.Autoscaling, p.AutoscalingRequestsPerTarget = tc.autoscaling, tc.requests
			}).doc
			targets := doc.Resources(*appautoscalingtarget.AppautoscalingTarget_TfResourceType())
			policies := doc.Resources(*appautoscalingpolicy.AppautoscalingPolicy_TfResourceType())
			svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
			ignores := synthtest.JSON(svc["lifecycle"])
			if !tc.autoscaling {
				if len(targets)+len(policies) != 0 || strings.Contains(ignores, "desired_count") {
					t.Fatalf("autoscaling resources without autoscaling: %v %v %s", targets, policies, ignores)
				}
			} else {
				target := doc.One(t, *appautoscalingtarget.AppautoscalingTarget_TfResourceType())
				if target["min_capacity"] != float64(2) || target["max_capacity"] != float64(10) ||
					target["resource_id"] != "service/litellm-test-LiteLLM-Cluster/litellm-test-litellm-service" ||
					target["scalable_dimension"] != "ecs:service:DesiredCount" {
					t.Errorf("scalable target = %v", target)
				}
				if !strings.Contains(ignores, `"ignore_changes":["desired_count"]`) {
					t.Errorf("service lifecycle = %s, want desired_count ignored", ignores)
				}
			}
			var metrics []string
			for _, p := range policies {
				cfg := p["target_tracking_scaling_policy_configuration"].(map[string]any)
				spec := cfg["predefined_metric_specification"].(map[string]any)
				metrics = append(metrics, spec["predefined_metric_type"].(string))
				switch spec["predefined_metric_type"] {
				case "ECSServiceAverageCPUUtilization":
					if cfg["target_value"] != float64(70) {
						t.Errorf("CPU target = %v", cfg["target_value"])
					}
				case "ALBRequestCountPerTarget":
					if cfg["target_value"] != float64(tc.requests) || !strings.Contains(spec["resource_label"].(string), ".arn_suffix}/${aws_lb_target_group.") {
						t.Errorf("requests policy = %v", cfg)
					}
				}
			}
			sort.Strings(metrics)
			if strings.Join(metrics, ",") != strings.Join(tc.wantPolicies, ",") {
				t.Errorf("policies on %v, want %v", metrics, tc.wantPolicies)
			}
			if c := doc.One(t, *s3object.S3Object_TfResourceType())["content"].(string); !strings.Contains(c, tc.wantPool) {
				t.Errorf("config.yaml lacks %q:\n%s", tc.wantPool, c)
			}
		})
	}
}

func TestRedis(t *testing.T) {
	f := build(t, func(stack cdktf.TerraformStack, p *proxyservice.Props) {
		p.Redis = cache.New(stack, "redis", p.Network, cache.Props{Name: "t", AuthToken: secretVar(stack, "redis_auth_token")})
	})
	_, c := containerOf(t, f.doc)
	env := map[string]string{}
	for _, e := range c.Environment {
		env[e.Name] = e.Value
	}
	if !strings.Contains(env["REDIS_HOST"], "primary_endpoint_address") || env["REDIS_PORT"] != "6379" || env["REDIS_SSL"] != "True" {
		t.Errorf("environment = %v", env)
	}
	var password string
	for _, s := range c.Secrets {
		if s.Name == "REDIS_PASSWORD" {
			password = s.ValueFrom
		}
	}
	if !strings.Contains(password, "aws_secretsmanager_secret.redis_auth-token") {
		t.Errorf("REDIS_PASSWORD comes from %q", password)
	}
	egress := f.doc.Where(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType(), map[string]any{"from_port": 6379})
	ingress := f.doc.Where(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), map[string]any{"from_port": 6379})
	if len(egress) != 1 || len(ingress) != 1 {
		t.Errorf("6379: %d egress and %d ingress rules", len(egress), len(ingress))
	}
	for _, pol := range f.doc.Resources(*iamrolepolicy.IamRolePolicy_TfResourceType()) {
		if strings.Contains(pol["policy"].(string), "ReadSecrets") && !strings.Contains(pol["policy"].(string), "redis_auth-token") {
			t.Errorf("the execution role cannot read the Redis token: %s", pol["policy"])
		}
	}
	content := f.doc.One(t, *s3object.S3Object_TfResourceType())["content"].(string)
	for _, want := range []string{"redis_host: os.environ/REDIS_HOST", "redis_password: os.environ/REDIS_PASSWORD", "use_redis_transaction_buffer: true", "mode: default_off", "ssl: true"} {
		if !strings.Contains(content, want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, content)
		}
	}
}
