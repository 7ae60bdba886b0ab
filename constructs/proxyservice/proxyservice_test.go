package proxyservice_test

import (
	"encoding/json"
	"fmt"
	"slices"
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
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/cache"
	"litellm-aws/constructs/database"
	"litellm-aws/constructs/loadbalancer"
	"litellm-aws/constructs/network"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/deploytime"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/writeonly"
)

func TestMain(m *testing.M) { synthtest.Main(m) }

// Families and names the fixture's props give; every test below reads them from the synthesized JSON.
const (
	proxyFamily   = "litellm-test-litellm"
	migrateFamily = "litellm-test-litellm-migrate"
	logGroup      = "/ecs/litellm-test-litellm"
)

// ephemeralVar declares an optional secret input the way the stacks do: sensitive, ephemeral, null unless given.
func ephemeralVar(stack cdktf.TerraformStack, name string) string {
	v := cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{
		Type: jsii.String("string"), Sensitive: jsii.Bool(true), Nullable: jsii.Bool(true),
	})
	v.AddOverride(jsii.String("default"), cdktf.Token_NullValue())
	writeonly.Ephemeral(v)
	return *v.StringValue()
}

func numberVar(stack cdktf.TerraformStack, name string) float64 {
	return *cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{Type: jsii.String("number")}).NumberValue()
}

func stringVar(stack cdktf.TerraformStack, name string) string {
	return *cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{Type: jsii.String("string")}).StringValue()
}

// setup changes the props of the constructs the proxy service is wired to, and of the service itself.
type setup struct {
	lb    func(*loadbalancer.Props)
	db    func(cdktf.TerraformStack, *database.Props)
	proxy func(cdktf.TerraformStack, *proxyservice.Props)
}

type fixture struct {
	doc *synthtest.Doc
	svc *proxyservice.ProxyService
}

// build wires a proxy service to a real network, load balancer and database, as the stacks do. By default
// every secret is generated (no bring-your-own values).
func (s setup) build(t *testing.T) fixture {
	t.Helper()
	stack := synthtest.NewStack()
	net := network.New(stack, "net", network.Props{Name: "t", Region: "us-east-1"})
	lbp := loadbalancer.Props{Name: "t", Network: net}
	if s.lb != nil {
		s.lb(&lbp)
	}
	lb := loadbalancer.New(stack, "lb", lbp)
	dbp := database.Props{Name: "t", Network: net}
	if s.db != nil {
		s.db(stack, &dbp)
	}
	db := database.New(stack, "db", dbp)
	p := proxyservice.Props{Name: "litellm-test", Region: "us-east-1", Network: net, LoadBalancer: lb, Database: db}
	if s.proxy != nil {
		s.proxy(stack, &p)
	}
	svc := proxyservice.New(stack, "proxy", p)
	return fixture{synthtest.Synth(t, stack), svc}
}

func build(t *testing.T, modify func(stack cdktf.TerraformStack, p *proxyservice.Props)) fixture {
	t.Helper()
	return setup{proxy: modify}.build(t)
}

// only returns the logical name and body of the one resource of a type whose attributes include attrs.
func only(t *testing.T, doc *synthtest.Doc, tfType string, attrs map[string]any) (string, map[string]any) {
	t.Helper()
	rs := doc.Where(tfType, attrs)
	if len(rs) != 1 {
		t.Fatalf("want one %s with %v, found %d: %v", tfType, attrs, len(rs), synthtest.Names(doc.Resources(tfType)))
	}
	for name, r := range rs {
		return name, r
	}
	return "", nil
}

// nameOf returns the logical name of the only resource of a type.
func nameOf(t *testing.T, doc *synthtest.Doc, tfType string) string {
	t.Helper()
	name, _ := only(t, doc, tfType, nil)
	return name
}

// addr is a resource's address, as depends_on lists it.
func addr(tfType, name string) string { return tfType + "." + name }

// ref is a Terraform reference to a resource attribute, as cdktf writes it.
func ref(tfType, name, attr string) string { return "${" + tfType + "." + name + "." + attr + "}" }

type containerDef struct {
	Name         string
	Image        string
	Essential    bool
	EntryPoint   []string
	Command      []string
	Environment  []struct{ Name, Value string }
	Secrets      []struct{ Name, ValueFrom string }
	DockerLabels map[string]string
	PortMappings []struct {
		ContainerPort, HostPort int
		Protocol                string
	}
	HealthCheck struct {
		Command                                 []string
		Interval, Timeout, Retries, StartPeriod int
	}
	LogConfiguration struct {
		LogDriver string
		Options   map[string]string
	}
}

func (c containerDef) env() map[string]string {
	out := map[string]string{}
	for _, e := range c.Environment {
		out[e.Name] = e.Value
	}
	return out
}

func (c containerDef) secrets() map[string]string {
	out := map[string]string{}
	for _, s := range c.Secrets {
		out[s.Name] = s.ValueFrom
	}
	return out
}

// taskOf returns the task definition of a family (its logical name and body) and its only container.
func taskOf(t *testing.T, doc *synthtest.Doc, family string) (string, map[string]any, containerDef) {
	t.Helper()
	name, td := only(t, doc, *ecstaskdefinition.EcsTaskDefinition_TfResourceType(), map[string]any{"family": family})
	var cs []containerDef
	if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("%s container_definitions: %v, %d containers", family, err, len(cs))
	}
	return name, td, cs[0]
}

func keys[V any](m map[string]V) []string { return synthtest.Names(m) }

// strs reads a JSON list of strings.
func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// problems splits a Validate error into its problems.
func problems(err error) []string {
	if err == nil {
		return nil
	}
	_, list, _ := strings.Cut(err.Error(), ":\n  - ")
	return strings.Split(list, "\n  - ")
}

// pinnedRule is what Validate says a pinned image is.
const pinnedRule = "a registry/repository with a version tag of LiteLLM 1.103.3 or newer, such as " + proxyservice.DefaultImage +
	", optionally followed by @sha256:<digest> to pin what runs; older releases can report a failed migration as a success, " +
	"and moving tags (latest, main-latest, main-stable, stable, lts, ...) are refused, as a task started later could run another LiteLLM"

func TestValidateRejects(t *testing.T) {
	const literalKey = "sk-recognizable-master-key-0001"
	stack := synthtest.NewStack()
	key := ephemeralVar(stack, "master_key")
	image := func(ref string) string {
		return fmt.Sprintf("Image = %q is not a pinned image: allowed %s.", ref, pinnedRule)
	}
	cases := []struct {
		name   string
		modify func(*proxyservice.Props)
		want   string // one of the problems, exactly
	}{
		{"literal master key", func(p *proxyservice.Props) { p.MasterKey = literalKey },
			"MasterKey (not shown) is a literal string: allowed only a Terraform expression, such as an ephemeral variable, so that the key never appears in the synthesized JSON"},
		{"master key version 0", func(p *proxyservice.Props) { p.MasterKeyVersion = 0 }, "MasterKeyVersion = 0 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"fractional master key version", func(p *proxyservice.Props) { p.MasterKeyVersion = 2.5 }, "MasterKeyVersion = 2.5 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"negative master key version", func(p *proxyservice.Props) { p.MasterKeyVersion = -3 }, "MasterKeyVersion = -3 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."},
		{"moving tag latest", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:latest" }, image("ghcr.io/berriai/litellm-database:latest")},
		{"moving tag main-stable", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:main-stable" }, image("ghcr.io/berriai/litellm-database:main-stable")},
		{"moving tag lts", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:lts" }, image("ghcr.io/berriai/litellm-database:lts")},
		{"moving tag main-latest", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:main-latest" }, image("ghcr.io/berriai/litellm-database:main-latest")},
		{"no tag at all", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database" }, image("ghcr.io/berriai/litellm-database")},
		{"malformed image", func(p *proxyservice.Props) { p.Image = "ghcr.io/BerriAI/LiteLLM:main" }, image("ghcr.io/BerriAI/LiteLLM:main")},
		{"short digest", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm@sha256:abc123" }, image("ghcr.io/berriai/litellm@sha256:abc123")},
		{"keep-alive equal to the idle timeout", func(p *proxyservice.Props) { p.KeepAliveTimeoutSeconds = 300 },
			"KeepAliveTimeoutSeconds 300 is not longer than the load balancer's idle timeout (300 s): allowed 301 or more, " +
				"or the load balancer reuses connections LiteLLM is closing and clients get 502s"},
		{"default keep-alive under a longer idle timeout", func(p *proxyservice.Props) { p.LoadBalancer = &loadbalancer.LoadBalancer{IdleTimeoutSeconds: 600} },
			"KeepAliveTimeoutSeconds 310 is not longer than the load balancer's idle timeout (600 s): allowed 601 or more, " +
				"or the load balancer reuses connections LiteLLM is closing and clients get 502s"},
		{"keep-alive beyond uvicorn's range", func(p *proxyservice.Props) { p.KeepAliveTimeoutSeconds = 5000 }, "KeepAliveTimeoutSeconds 5000 is out of range: allowed 1-4000"},
		{"negative start period", func(p *proxyservice.Props) { p.HealthCheckStartPeriodSeconds = -1 }, "HealthCheckStartPeriodSeconds -1 is out of range: allowed 0-300 (ECS's limit)"},
		{"start period beyond ECS's limit", func(p *proxyservice.Props) { p.HealthCheckStartPeriodSeconds = 301 }, "HealthCheckStartPeriodSeconds 301 is out of range: allowed 0-300 (ECS's limit)"},
		{"user config turns schema updates on", func(p *proxyservice.Props) {
			p.Config = "model_list: [{model_name: a}]\ngeneral_settings:\n  disable_prisma_schema_update: false\n"
		}, "Config: general_settings.disable_prisma_schema_update is false: allowed only true (or unset), as the migration task migrates the database and the proxy tasks must not"},
		{"negative tasks", func(p *proxyservice.Props) { p.DesiredCount = -1 }, "DesiredCount = -1 is out of range: allowed whole numbers 1-100."},
		{"fractional workers", func(p *proxyservice.Props) { p.WorkersPerTask = 2.5 }, "WorkersPerTask = 2.5 is out of range: allowed whole numbers 1-32."},
		{"max below desired", func(p *proxyservice.Props) { p.MaxCount = 2 }, "DesiredCount = 4 is above MaxCount = 2: allowed at most MaxCount."},
		{"bad Fargate pair", func(p *proxyservice.Props) { p.MemoryMiB = 4096 }, "MemoryMiB = 4096 MiB is not valid with CPU = 4096 CPU units: allowed 8192-30720 in steps of 1024."},
		{"config without models", func(p *proxyservice.Props) { p.Config = "general_settings: {}" }, "Config: model_list is missing or empty: allowed a config.yaml with at least one model (see BenchmarkConfig)"},
		{"batch write", func(p *proxyservice.Props) { p.ProxyBatchWriteAtSeconds = 4000 }, "ProxyBatchWriteAtSeconds 4000 is out of range: allowed 1-3600"},
		{"recycling every few requests", func(p *proxyservice.Props) { p.MaxRequestsBeforeRestart = 50 },
			"MaxRequestsBeforeRestart 50 is out of range: allowed 1000-100000000 (a worker restart re-imports LiteLLM, so not every few requests)"},
		{"no requests in flight", func(p *proxyservice.Props) { p.MaxInFlightRequestsPerWorker = -1 }, "MaxInFlightRequestsPerWorker -1 is out of range: allowed 1-10000"},
		{"an old release", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:main-v1.74.9-stable" }, image("ghcr.io/berriai/litellm-database:main-v1.74.9-stable")},
		{"a digest without a version", func(p *proxyservice.Props) {
			p.Image = "ghcr.io/berriai/litellm-database@sha256:" + strings.Repeat("ab", 32)
		},
			image("ghcr.io/berriai/litellm-database@sha256:" + strings.Repeat("ab", 32))},
		{"min above desired", func(p *proxyservice.Props) { p.Autoscaling, p.MinCount = true, 5 }, "MinCount = 5 is above DesiredCount = 4: allowed at most DesiredCount."},
		{"CPU target", func(p *proxyservice.Props) { p.AutoscalingCPUTargetPercent = 99 }, "AutoscalingCPUTargetPercent = 99 is out of range: allowed 10-95."},
		{"deployment maximum 100%", func(p *proxyservice.Props) { p.DeploymentMaximumPercent = 100 }, "DeploymentMaximumPercent = 100 is out of range: allowed whole numbers 101-200."},
		{"no room to roll one task", func(p *proxyservice.Props) { p.DesiredCount, p.MaxCount = 1, 1 },
			"DeploymentMaximumPercent = 150 leaves a roll of DesiredCount = 1 tasks no room: ECS rounds 1 x 150% down to 1 tasks" +
				" and keeps every old task until its replacement is healthy, so no new task starts: allowed at least 200 for 1 tasks."},
		{"no room to roll the autoscaling minimum", func(p *proxyservice.Props) { p.Autoscaling, p.MinCount, p.MaxCount = true, 1, 10 },
			"DeploymentMaximumPercent = 150 leaves a roll of MinCount = 1 tasks no room: ECS rounds 1 x 150% down to 1 tasks" +
				" and keeps every old task until its replacement is healthy, so no new task starts: allowed at least 200 for 1 tasks."},
		{"requests per target", func(p *proxyservice.Props) { p.AutoscalingRequestsPerTarget = -1 }, "AutoscalingRequestsPerTarget -1 is out of range: allowed 0 (off) or more"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProps(key)
			tc.modify(&p)
			err := p.Validate()
			if !slices.Contains(problems(err), tc.want) {
				t.Fatalf("Validate() = %v\nwant the problem %q", err, tc.want)
			}
			if strings.Contains(err.Error(), literalKey) {
				t.Fatalf("the error shows the master key: %v", err)
			}
		})
	}
	t.Run("log retention", func(t *testing.T) {
		p := validProps(key)
		p.LogRetentionDays = 2
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "LogRetentionDays 2 is not a CloudWatch Logs retention period") {
			t.Fatalf("Validate() = %v", err)
		}
	})
	t.Run("budget exceeded", func(t *testing.T) {
		p := validProps(key)
		p.DesiredCount, p.MaxCount = 12, 12
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "MaxCount = 12 tasks at DeploymentMaximumPercent = 150 is 18 tasks at the peak of a roll; "+
			"with WorkersPerTask = 4 workers and at least 5 connections each, plus 11 for the migration task, they need 371 connections, "+
			"above the 360 that the database instance class allows LiteLLM") {
			t.Fatalf("Validate() = %v", err)
		}
	})
}

// validProps are props that validate, before a case breaks one of them.
func validProps(masterKey string) proxyservice.Props {
	return proxyservice.Props{Name: "litellm-test", Region: "us-east-1", MasterKey: masterKey,
		LoadBalancer: &loadbalancer.LoadBalancer{IdleTimeoutSeconds: loadbalancer.DefaultIdleTimeoutSeconds},
		Database:     &database.Database{ConnectionBudget: 360}}.WithDefaults()
}

func TestValidateAccepts(t *testing.T) {
	stack := synthtest.NewStack()
	digest := strings.Repeat("0123456789abcdef", 4)
	cases := []struct {
		name   string
		modify func(*proxyservice.Props)
	}{
		{"defaults: generated master key", func(p *proxyservice.Props) { p.MasterKey = "" }},
		{"bring-your-own master key", func(p *proxyservice.Props) { p.MasterKey = ephemeralVar(stack, "master_key") }},
		{"deploy-time master key version", func(p *proxyservice.Props) { p.MasterKeyVersion = numberVar(stack, "master_key_version") }},
		{"highest master key version", func(p *proxyservice.Props) { p.MasterKeyVersion = 1000000 }},
		{"stable release tag", func(p *proxyservice.Props) { p.Image = "ghcr.io/berriai/litellm-database:main-v1.108.21-stable" }},
		{"oldest accepted release", func(p *proxyservice.Props) {
			p.Image = "ghcr.io/berriai/litellm-database:v" + proxyservice.MinImageVersion
		}},
		{"tag and digest", func(p *proxyservice.Props) { p.Image = proxyservice.DefaultImage + "@sha256:" + digest }},
		{"ECR image", func(p *proxyservice.Props) {
			p.Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm:v1.108.21"
		}},
		{"deploy-time image", func(p *proxyservice.Props) { p.Image = stringVar(stack, "litellm_image") }},
		{"keep-alive one second longer than the idle timeout", func(p *proxyservice.Props) { p.KeepAliveTimeoutSeconds = 301 }},
		{"start period 300", func(p *proxyservice.Props) { p.HealthCheckStartPeriodSeconds = 300 }},
		{"user config keeps schema updates off", func(p *proxyservice.Props) {
			p.Config = "model_list: [{model_name: a}]\ngeneral_settings:\n  disable_prisma_schema_update: true\n"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProps("")
			tc.modify(&p)
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want no problem", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	p := proxyservice.Props{}.WithDefaults()
	got := map[string]any{
		"Image": p.Image, "MasterKeyVersion": p.MasterKeyVersion, "KeepAliveTimeoutSeconds": p.KeepAliveTimeoutSeconds,
		"HealthCheckStartPeriodSeconds": p.HealthCheckStartPeriodSeconds, "HealthCheckGracePeriodSeconds": p.HealthCheckGracePeriodSeconds,
		"DeletionProtection": p.DeletionProtection, "MasterKey": p.MasterKey,
	}
	want := map[string]any{
		"Image": "ghcr.io/berriai/litellm-database:v1.108.21", "MasterKeyVersion": float64(1), "KeepAliveTimeoutSeconds": 310,
		"HealthCheckStartPeriodSeconds": 90, "HealthCheckGracePeriodSeconds": 120, "DeletionProtection": deploytime.True(), "MasterKey": "",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("default %s = %v, want %v", k, got[k], v)
		}
	}
	// The default keep-alive outlasts the default load balancer, and the start period fits in the grace period.
	if p.KeepAliveTimeoutSeconds <= loadbalancer.DefaultIdleTimeoutSeconds {
		t.Errorf("default keep-alive %d s does not outlast the load balancer's default idle timeout %d s", p.KeepAliveTimeoutSeconds, loadbalancer.DefaultIdleTimeoutSeconds)
	}
	if p.HealthCheckStartPeriodSeconds >= p.HealthCheckGracePeriodSeconds {
		t.Errorf("start period %d s is not inside the grace period %d s", p.HealthCheckStartPeriodSeconds, p.HealthCheckGracePeriodSeconds)
	}
}

func TestNamesAndWiring(t *testing.T) {
	f := build(t, nil)
	doc := f.doc

	cluster := doc.One(t, *ecscluster.EcsCluster_TfResourceType())
	if cluster["name"] != "litellm-test-LiteLLM-Cluster" || !strings.Contains(synthtest.JSON(cluster["setting"]), `{"name":"containerInsights","value":"enabled"}`) {
		t.Errorf("cluster = %v", cluster)
	}
	if logs := doc.Where(*cloudwatchloggroup.CloudwatchLogGroup_TfResourceType(), map[string]any{"name": logGroup}); len(logs) != 1 {
		t.Errorf("log group %s: found %d", logGroup, len(logs))
	}
	for _, name := range []string{"litellm-test-master-key", "litellm-test-salt-key"} {
		if n := len(doc.Where(*secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), map[string]any{"name": name})); n != 1 {
			t.Errorf("secret %s: found %d", name, n)
		}
	}
	families := []string{}
	for _, td := range doc.Resources(*ecstaskdefinition.EcsTaskDefinition_TfResourceType()) {
		families = append(families, td["family"].(string))
	}
	sort.Strings(families)
	if strings.Join(families, ",") != proxyFamily+","+migrateFamily {
		t.Errorf("task families = %v, want %s and %s", families, proxyFamily, migrateFamily)
	}

	_, td, c := taskOf(t, doc, proxyFamily)
	for k, want := range map[string]string{"cpu": `"4096"`, "memory": `"8192"`, "network_mode": `"awsvpc"`, "requires_compatibilities": `["FARGATE"]`} {
		if got := synthtest.JSON(td[k]); got != want {
			t.Errorf("task definition %s = %s, want %s", k, got, want)
		}
	}
	if c.Image != proxyservice.DefaultImage || c.Name != proxyservice.ContainerName || !c.Essential {
		t.Errorf("container = %+v", c)
	}
	if len(c.PortMappings) != 1 || c.PortMappings[0].ContainerPort != 4000 || c.PortMappings[0].HostPort != 4000 {
		t.Errorf("ports = %+v", c.PortMappings)
	}
	if c.LogConfiguration.LogDriver != "awslogs" || c.LogConfiguration.Options["awslogs-group"] != logGroup ||
		c.LogConfiguration.Options["awslogs-stream-prefix"] != "litellm" || c.LogConfiguration.Options["awslogs-region"] != "us-east-1" {
		t.Errorf("logs = %+v", c.LogConfiguration)
	}

	svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
	net := svc["network_configuration"].(map[string]any)
	lbs := svc["load_balancer"].([]any)[0].(map[string]any)
	breaker := svc["deployment_circuit_breaker"].(map[string]any)
	if svc["name"] != "litellm-test-litellm-service" || svc["desired_count"] != float64(4) || svc["launch_type"] != "FARGATE" ||
		net["assign_public_ip"] != false || lbs["container_port"] != float64(4000) || lbs["container_name"] != "litellm" ||
		breaker["enable"] != true || breaker["rollback"] != true || svc["deployment_minimum_healthy_percent"] != float64(100) {
		t.Errorf("service = %v", svc)
	}
	taskName, _, _ := taskOf(t, doc, proxyFamily)
	if svc["task_definition"] != ref(*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), taskName, "arn") {
		t.Errorf("service runs %v, want the proxy task definition %s", svc["task_definition"], taskName)
	}
	for _, s := range net["subnets"].([]any) {
		if !strings.Contains(s.(string), "private-") {
			t.Errorf("service runs in a non-private subnet: %v", s)
		}
	}
	exposed := map[string]*string{
		"litellm-test-LiteLLM-Cluster": f.svc.ClusterName, "litellm-test-litellm-service": f.svc.ServiceName,
		proxyFamily: f.svc.TaskFamily, migrateFamily: f.svc.MigrationTaskFamily, logGroup: f.svc.LogGroupName,
		"litellm-test-master-key": f.svc.MasterKeySecretName, "litellm-test-salt-key": f.svc.SaltKeySecretName,
		"litellm/config.yaml": f.svc.ConfigObjectKey,
	}
	for want, got := range exposed {
		if got == nil || *got != want {
			t.Errorf("exposed name %v, want %s", got, want)
		}
	}
}

// TestServiceRollout: the service starts only after the migration, and rolls when a secret it reads is written again.
func TestServiceRollout(t *testing.T) {
	cases := []struct {
		name                  string
		setup                 setup
		wantKey, wantPassword string
		wantGrace             any
		wantMaxPercent        any
	}{
		{"defaults", setup{}, "1", "1", float64(120), float64(150)},
		{"rotated secrets", setup{
			db:    func(_ cdktf.TerraformStack, p *database.Props) { p.PasswordVersion = 2 },
			proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.MasterKeyVersion = 3 },
		}, "3", "2", float64(120), float64(150)},
		{"deploy-time versions", setup{
			db: func(s cdktf.TerraformStack, p *database.Props) {
				p.PasswordVersion = numberVar(s, "db_password_version")
			},
			proxy: func(s cdktf.TerraformStack, p *proxyservice.Props) {
				p.MasterKeyVersion = numberVar(s, "master_key_version")
				p.HealthCheckGracePeriodSeconds = 300
				p.DeploymentMaximumPercent = 200
			},
		}, "${var.master_key_version}", "${var.db_password_version}", float64(300), float64(200)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.setup.build(t).doc
			svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
			if svc["force_new_deployment"] != true {
				t.Errorf("force_new_deployment = %v: a changed trigger would not start new tasks", svc["force_new_deployment"])
			}
			want := map[string]any{"master_key_version": tc.wantKey, "db_password_version": tc.wantPassword}
			if got := synthtest.JSON(svc["triggers"]); got != synthtest.JSON(want) {
				t.Errorf("triggers = %s, want %s", got, synthtest.JSON(want))
			}
			if svc["deployment_maximum_percent"] != tc.wantMaxPercent || svc["deployment_minimum_healthy_percent"] != float64(100) {
				t.Errorf("deployment maximum %v, minimum %v; want %v and 100", svc["deployment_maximum_percent"], svc["deployment_minimum_healthy_percent"], tc.wantMaxPercent)
			}
			if svc["health_check_grace_period_seconds"] != tc.wantGrace {
				t.Errorf("grace period = %v, want %v", svc["health_check_grace_period_seconds"], tc.wantGrace)
			}
			listener := addr(*lblistener.LbListener_TfResourceType(), nameOf(t, doc, *lblistener.LbListener_TfResourceType()))
			migration := addr(dataType, migrationName(t, doc))
			deps := slices.Sorted(slices.Values(strs(svc["depends_on"])))
			// Also the secret values it writes and the roles' policies: a task must find both in place.
			wantDeps := []string{listener, migration}
			for name := range doc.Resources(*secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType()) {
				if strings.HasPrefix(name, "proxy_") {
					wantDeps = append(wantDeps, addr(*secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType(), name))
				}
			}
			for name := range doc.Resources(*iamrolepolicy.IamRolePolicy_TfResourceType()) {
				if strings.HasPrefix(name, "proxy_execution-policy") || strings.HasPrefix(name, "proxy_task-policy") {
					wantDeps = append(wantDeps, addr(*iamrolepolicy.IamRolePolicy_TfResourceType(), name))
				}
			}
			if len(wantDeps) != 6 || !slices.Equal(deps, slices.Sorted(slices.Values(wantDeps))) {
				t.Errorf("service depends on %v, want exactly %v (listener, migration, 2 secret values, 2 policies)", deps, slices.Sorted(slices.Values(wantDeps)))
			}
		})
	}
}

func TestHealthCheck(t *testing.T) {
	cases := []struct {
		name            string
		setup           setup
		wantStartPeriod int
		wantPort        int
	}{
		{"defaults", setup{}, 90, 4000},
		{"slow start", setup{proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.HealthCheckStartPeriodSeconds = 200 }}, 200, 4000},
		{"another port", setup{lb: func(p *loadbalancer.Props) { p.TargetPort = 8080 }}, 90, 8080},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, c := taskOf(t, tc.setup.build(t).doc, proxyFamily)
			hc := c.HealthCheck
			if hc.StartPeriod != tc.wantStartPeriod || hc.Interval != 30 || hc.Timeout != 5 || hc.Retries != 3 {
				t.Errorf("health check = %+v, want startPeriod %d", hc, tc.wantStartPeriod)
			}
			url := fmt.Sprintf("http://127.0.0.1:%d/health/liveliness", tc.wantPort)
			if len(hc.Command) != 4 || hc.Command[0] != "CMD" || hc.Command[1] != "python" || !strings.Contains(hc.Command[3], url) {
				t.Errorf("health check command = %q, want python calling %s", hc.Command, url)
			}
			if len(c.PortMappings) != 1 || c.PortMappings[0].ContainerPort != tc.wantPort {
				t.Errorf("ports = %+v", c.PortMappings)
			}
		})
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

type statement struct {
	Sid              string
	Effect           string
	Action, Resource []string
	Condition        map[string]map[string]any
}

// statementsOf parses a policy document. It is a Terraform template: an interpolation may hold quotes (a
// deploy-time image's regex), so each ${...} is set aside while the JSON is read, as Terraform renders it first.
func statementsOf(t *testing.T, policy map[string]any) map[string]statement {
	t.Helper()
	text, exprs := hideInterpolations(t, policy["policy"].(string))
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("policy %v: %v\n%s", policy["name"], err, text)
	}
	restore := strings.NewReplacer(exprs...)
	out := map[string]statement{}
	for _, s := range doc.Statement {
		for i := range s.Resource {
			s.Resource[i] = restore.Replace(s.Resource[i])
		}
		out[s.Sid] = s
	}
	return out
}

// hideInterpolations replaces each ${...} (braces balanced) with a placeholder; exprs pairs placeholders with
// what they stand for, for strings.NewReplacer.
func hideInterpolations(t *testing.T, s string) (string, []string) {
	t.Helper()
	var b strings.Builder
	var exprs []string
	for {
		start := strings.Index(s, "${")
		if start < 0 {
			b.WriteString(s)
			return b.String(), exprs
		}
		depth, end := 0, -1
		for i := start + 1; i < len(s) && end < 0; i++ {
			switch s[i] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					end = i
				}
			}
		}
		if end < 0 {
			t.Fatalf("unbalanced interpolation in %s", s)
		}
		placeholder := fmt.Sprintf("@@%d@@", len(exprs)/2)
		exprs = append(exprs, placeholder, s[start:end+1])
		b.WriteString(s[:start] + placeholder)
		s = s[end+1:]
	}
}

func TestIAMLeastPrivilege(t *testing.T) {
	digest := strings.Repeat("0123456789abcdef", 4)
	policyType := *iamrolepolicy.IamRolePolicy_TfResourceType()
	cases := []struct {
		name  string
		image func(cdktf.TerraformStack) string
		// wantRepository is the ECR repository the execution policy may pull from; "" for none.
		wantRepository string
		// wantConditional: a deploy-time image gets a second policy that exists only for an ECR image.
		wantConditional bool
	}{
		{"public image needs no registry permission", func(cdktf.TerraformStack) string { return "" }, "", false},
		{"ECR image may be pulled from its repository", func(cdktf.TerraformStack) string {
			return "123456789012.dkr.ecr.us-east-1.amazonaws.com/litellm:v1.108.21"
		}, "arn:aws:ecr:us-east-1:123456789012:repository/litellm", false},
		{"ECR image in a nested repository, by digest", func(cdktf.TerraformStack) string {
			return "210987654321.dkr.ecr.eu-west-1.amazonaws.com/ml/litellm:v1.108.21@sha256:" + digest
		}, "arn:aws:ecr:eu-west-1:210987654321:repository/ml/litellm", false},
		{"deploy-time image: ECR permission decided at plan", func(s cdktf.TerraformStack) string { return stringVar(s, "litellm_image") }, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, func(s cdktf.TerraformStack, p *proxyservice.Props) { p.Image = tc.image(s) }).doc
			if n := len(doc.Resources(*iamrole.IamRole_TfResourceType())); n != 3 { // execution, task, flow logs
				t.Errorf("%d roles", n)
			}
			roleName, _ := only(t, doc, *iamrole.IamRole_TfResourceType(), map[string]any{"name": "litellm-test-ecs-execution"})
			_, execution := only(t, doc, policyType, map[string]any{"name": "litellm-execution"})
			if execution["role"] != ref(*iamrole.IamRole_TfResourceType(), roleName, "id") {
				t.Errorf("execution policy is on %v", execution["role"])
			}
			st := statementsOf(t, execution)
			wantSids := []string{"ReadSecrets", "WriteLogs"}
			if tc.wantRepository != "" {
				wantSids = []string{"EcrLogin", "EcrPull", "ReadSecrets", "WriteLogs"}
			}
			if got := keys(st); !slices.Equal(got, wantSids) {
				t.Errorf("execution policy statements = %v, want %v", got, wantSids)
			}
			if tc.wantRepository != "" {
				if s := st["EcrPull"]; !slices.Equal(s.Resource, []string{tc.wantRepository}) {
					t.Errorf("ECR pull on %v, want %s", s.Resource, tc.wantRepository)
				}
				if s := st["EcrLogin"]; !slices.Equal(s.Action, []string{"ecr:GetAuthorizationToken"}) || !slices.Equal(s.Resource, []string{"*"}) {
					t.Errorf("ECR login = %+v", s)
				}
			}

			conditional := doc.Where(policyType, map[string]any{"name": "litellm-ecr-pull"})
			if !tc.wantConditional {
				if len(conditional) != 0 {
					t.Errorf("an ECR pull policy for a literal image: %v", conditional)
				}
			} else {
				if len(conditional) != 1 {
					t.Fatalf("deploy-time image: %d ECR pull policies, want 1", len(conditional))
				}
				for _, pol := range conditional {
					wantCount := fmt.Sprintf(`${can(regex("%s", var.litellm_image)) ? 1 : 0}`, proxyservice.ECRImagePattern)
					if pol["count"] != wantCount {
						t.Errorf("count = %v, want %s", pol["count"], wantCount)
					}
					if pol["role"] != execution["role"] {
						t.Errorf("ECR pull policy is on %v, not the execution role", pol["role"])
					}
					// The repository's ARN is a local (so the policy stays plain JSON) built from the pattern's
					// groups: account, region and repository.
					pull := statementsOf(t, pol)["EcrPull"]
					if len(pull.Resource) != 1 || !strings.HasPrefix(pull.Resource[0], "${local.") {
						t.Fatalf("ECR pull on %v, want one local", pull.Resource)
					}
					local := strings.TrimSuffix(strings.TrimPrefix(pull.Resource[0], "${local."), "}")
					part := func(i int) string {
						return fmt.Sprintf(`element(regex("%s", var.litellm_image), %d)`, proxyservice.ECRImagePattern, i)
					}
					want := fmt.Sprintf(`${try(format("arn:aws:ecr:%%s:%%s:repository/%%s", %s, %s, %s), "")}`, part(1), part(0), part(2))
					if got := doc.RawLocals()[local]; got != want {
						t.Errorf("the repository ARN local = %v\nwant %s", got, want)
					}
				}
			}

			// No action on every resource, other than the ECR login, which AWS scopes no narrower.
			for name, pol := range doc.Resources(policyType) {
				for _, s := range statementsOf(t, pol) {
					if slices.Contains(s.Resource, "*") && !slices.Equal(s.Action, []string{"ecr:GetAuthorizationToken"}) {
						t.Errorf("%s: %v on every resource", name, s.Action)
					}
				}
			}
			_, task := only(t, doc, policyType, map[string]any{"name": "litellm-task"})
			bucket := nameOf(t, doc, *s3bucket.S3Bucket_TfResourceType())
			if s := statementsOf(t, task); len(s) != 1 || !slices.Equal(s["ReadConfig"].Action, []string{"s3:GetObject"}) ||
				!slices.Equal(s["ReadConfig"].Resource, []string{ref(*s3bucket.S3Bucket_TfResourceType(), bucket, "arn") + "/litellm/config.yaml"}) {
				t.Errorf("task role = %+v", s)
			}
		})
	}
}

// TestExecutionRoleReadsExactlyItsSecrets: the execution role, shared by both task definitions, reads the
// secrets their containers name and no other; KMS decrypt comes only with a customer-managed key.
func TestExecutionRoleReadsExactlyItsSecrets(t *testing.T) {
	const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
	secretType := *secretsmanagersecret.SecretsmanagerSecret_TfResourceType()
	cases := []struct {
		name    string
		setup   setup
		secrets []string // secret names the role reads
		kms     bool
	}{
		{"default", setup{}, []string{"litellm-test-master-key", "litellm-test-salt-key", "t-database-url"}, false},
		{"with Redis", setup{proxy: func(s cdktf.TerraformStack, p *proxyservice.Props) {
			p.Redis = cache.New(s, "redis", cache.Props{Network: p.Network, Name: "t", AuthToken: synthtest.SecretVar(s, "redis_auth_token")})
		}}, []string{"litellm-test-master-key", "litellm-test-salt-key", "t-database-url", "t-redis-auth-token"}, false},
		{"customer-managed key", setup{proxy: func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.KMSKeyArn = kmsKey }},
			[]string{"litellm-test-master-key", "litellm-test-salt-key", "t-database-url"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.setup.build(t).doc
			var want []string
			for _, n := range tc.secrets {
				name, _ := only(t, doc, secretType, map[string]any{"name": n})
				want = append(want, ref(secretType, name, "arn"))
			}
			sort.Strings(want)
			_, execution := only(t, doc, *iamrolepolicy.IamRolePolicy_TfResourceType(), map[string]any{"name": "litellm-execution"})
			st := statementsOf(t, execution)
			got := slices.Sorted(slices.Values(st["ReadSecrets"].Resource))
			if !slices.Equal(got, want) || !slices.Equal(st["ReadSecrets"].Action, []string{"secretsmanager:GetSecretValue"}) {
				t.Errorf("execution role reads %v %v, want %v", st["ReadSecrets"].Action, got, want)
			}
			// Every secret a container names is readable, and nothing else is.
			var named []string
			for _, family := range []string{proxyFamily, migrateFamily} {
				_, td, c := taskOf(t, doc, family)
				if td["execution_role_arn"] != ref(*iamrole.IamRole_TfResourceType(), nameOfRole(t, doc, "litellm-test-ecs-execution"), "arn") {
					t.Errorf("%s runs with execution role %v", family, td["execution_role_arn"])
				}
				for _, arn := range c.secrets() {
					named = append(named, arn)
				}
			}
			named = slices.Compact(slices.Sorted(slices.Values(named)))
			if !slices.Equal(named, want) {
				t.Errorf("containers name secrets %v, the role reads %v", named, want)
			}

			decrypt, ok := st["DecryptSecrets"]
			switch {
			case tc.kms && (!ok || !slices.Equal(decrypt.Action, []string{"kms:Decrypt"}) || !slices.Equal(decrypt.Resource, []string{kmsKey}) ||
				decrypt.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.us-east-1.amazonaws.com"):
				t.Errorf("customer-managed key: decrypt statement = %+v", decrypt)
			case !tc.kms && strings.Contains(execution["policy"].(string), "kms:"):
				t.Errorf("KMS permission without a customer-managed key: %s", execution["policy"])
			}
			if tc.kms {
				for _, n := range []string{"litellm-test-master-key", "litellm-test-salt-key"} {
					if _, s := only(t, doc, secretType, map[string]any{"name": n}); s["kms_key_id"] != kmsKey {
						t.Errorf("secret %s is encrypted with %v, want %s", n, s["kms_key_id"], kmsKey)
					}
				}
			}
		})
	}
}

func nameOfRole(t *testing.T, doc *synthtest.Doc, roleName string) string {
	t.Helper()
	name, _ := only(t, doc, *iamrole.IamRole_TfResourceType(), map[string]any{"name": roleName})
	return name
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
	for _, want := range []string{"model_name: fake-openai-endpoint", "database_connection_pool_limit: 14", "proxy_batch_write_at: 60",
		"master_key: os.environ/LITELLM_MASTER_KEY", "database_url: os.environ/DATABASE_URL", "disable_prisma_schema_update: true",
		"disable_error_logs: true", "max_in_flight_requests_per_worker: 64"} {
		if !strings.Contains(content, want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, content)
		}
	}
	if obj["key"] != "litellm/config.yaml" {
		t.Errorf("object key = %v", obj["key"])
	}
}

// TestConfigReachesTheContainer: the start command downloads the object Terraform uploads, and a new
// config.yaml changes the task definition (through a label), so the service rolls.
func TestConfigReachesTheContainer(t *testing.T) {
	doc := build(t, nil).doc
	bucket := nameOf(t, doc, *s3bucket.S3Bucket_TfResourceType())
	objName := nameOf(t, doc, *s3object.S3Object_TfResourceType())
	obj := doc.One(t, *s3object.S3Object_TfResourceType())
	_, _, c := taskOf(t, doc, proxyFamily)
	env := c.env()
	if env["CONFIG_S3_BUCKET"] != ref(*s3bucket.S3Bucket_TfResourceType(), bucket, "bucket") || obj["bucket"] != ref(*s3bucket.S3Bucket_TfResourceType(), bucket, "id") {
		t.Errorf("the container reads bucket %v, the config is in %v", env["CONFIG_S3_BUCKET"], obj["bucket"])
	}
	if env["CONFIG_S3_OBJECT"] != obj["key"] {
		t.Errorf("the container reads key %v, the config is at %v", env["CONFIG_S3_OBJECT"], obj["key"])
	}
	if env["CONFIG_FILE_PATH"] != proxyservice.ConfigFilePath {
		t.Errorf("CONFIG_FILE_PATH = %q, want %q", env["CONFIG_FILE_PATH"], proxyservice.ConfigFilePath)
	}
	want := map[string]string{"litellm-aws.config-sha256": "${sha256(aws_s3_object." + objName + ".content)}"}
	if synthtest.JSON(c.DockerLabels) != synthtest.JSON(want) {
		t.Errorf("docker labels = %v, want %v", c.DockerLabels, want)
	}
}

// TestDeployTimeSizes: with the sizes as Terraform variables, the pool limit is computed by Terraform and
// the rules Validate applies to literals become plan-time preconditions.
func TestDeployTimeSizes(t *testing.T) {
	f := build(t, func(stack cdktf.TerraformStack, p *proxyservice.Props) {
		p.DesiredCount, p.WorkersPerTask = numberVar(stack, "desired_task_count"), numberVar(stack, "num_workers_per_task")
		p.CPU, p.MemoryMiB = numberVar(stack, "task_cpu"), numberVar(stack, "task_memory")
	})
	_, td, c := taskOf(t, f.doc, proxyFamily)
	if td["cpu"] != "${var.task_cpu}" || td["memory"] != "${var.task_memory}" {
		t.Errorf("sizes not wired: cpu %v memory %v", td["cpu"], td["memory"])
	}
	if flags := startFlags(t, c); flags["--num_workers"] != "${var.num_workers_per_task}" {
		t.Errorf("--num_workers = %q", flags["--num_workers"])
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
	if !strings.Contains(limit, "(349 / (floor(((var.desired_task_count * 150) / 100)) * var.num_workers_per_task))") || !strings.Contains(limit, "min(20, floor(") {
		t.Errorf("pool limit local = %s", limit)
	}
	pre := synthtest.JSON(td["lifecycle"])
	for _, want := range []string{`tostring(var.task_cpu)`, `var.task_memory`, `tasks at the peak of a roll`, `(5 <= min(20, floor(`,
		`((var.desired_task_count + 1) <= floor(((var.desired_task_count * 150) / 100)))`} {
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
		// 4 tasks roll to 6 (150%): (360 - 11) / (6 x 4) = 14 connections per worker.
		{"off: a fixed task count", false, 0, nil, "database_connection_pool_limit: 14"},
		// 10 tasks roll to 15: (360 - 11) / (15 x 4) = 5.
		{"on: CPU target tracking, pools sized for a roll of 10 tasks", true, 0, []string{"ECSServiceAverageCPUUtilization"}, "database_connection_pool_limit: 5"},
		{"on with requests per target", true, 1000, []string{"ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"}, "database_connection_pool_limit: 5"},
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
		p.Redis = cache.New(stack, "redis", cache.Props{Network: p.Network, Name: "t", AuthToken: synthtest.SecretVar(stack, "redis_auth_token")})
	})
	_, _, c := taskOf(t, f.doc, proxyFamily)
	env := c.env()
	if !strings.Contains(env["REDIS_HOST"], "primary_endpoint_address") || env["REDIS_PORT"] != "6379" || env["REDIS_SSL"] != "true" {
		t.Errorf("environment = %v", env)
	}
	if password := c.secrets()["REDIS_PASSWORD"]; !strings.Contains(password, "aws_secretsmanager_secret.redis_auth-token") {
		t.Errorf("REDIS_PASSWORD comes from %q", password)
	}
	if _, _, m := taskOf(t, f.doc, migrateFamily); len(m.secrets()) != 1 {
		t.Errorf("the migration task reads %v, want only DATABASE_URL", m.secrets())
	}
	egress := f.doc.Where(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType(), map[string]any{"from_port": 6379})
	ingress := f.doc.Where(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), map[string]any{"from_port": 6379})
	if len(egress) != 1 || len(ingress) != 1 {
		t.Errorf("6379: %d egress and %d ingress rules", len(egress), len(ingress))
	}
	content := f.doc.One(t, *s3object.S3Object_TfResourceType())["content"].(string)
	for _, want := range []string{"redis_host: os.environ/REDIS_HOST", "redis_password: os.environ/REDIS_PASSWORD", "use_redis_transaction_buffer: true", "mode: default_off", "ssl: true"} {
		if !strings.Contains(content, want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, content)
		}
	}
}
