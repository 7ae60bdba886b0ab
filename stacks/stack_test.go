package stacks_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticachereplicationgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/database"
	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/localaws"
	"litellm-aws/internal/rule"
	"litellm-aws/internal/synthtest"
	"litellm-aws/stacks"
)

func TestMain(m *testing.M) {
	// The emulated stacks are synthesized once, before any test: the lifecycle tests, the longest, would
	// otherwise wait their turn at jsii behind every other test's synthesis.
	dir, err := presynthesize()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	jsii.Close()
	os.Exit(code)
}

// proxyTask is the LiteLLM task definition's logical id: the same as in every stack deployed so far.
const proxyTask = "proxy_task_5B0FB4A4"

var (
	// jsiiMu serializes calls into jsii from the tests that run in parallel: its runtime is not safe
	// for concurrent use.
	jsiiMu  sync.Mutex
	synthed = map[string]*synthtest.Doc{}
)

// synth synthesizes a profile's stack once per test run.
func synth(t *testing.T, p stacks.Profile) *synthtest.Doc {
	t.Helper()
	jsiiMu.Lock()
	defer jsiiMu.Unlock()
	if d, ok := synthed[p.StackName]; ok {
		return d
	}
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatalf("stacks.New(%s): %v", p.StackName, err)
	}
	d := synthtest.Synth(t, stack)
	synthed[p.StackName] = d
	return d
}

func TestProfiles(t *testing.T) {
	cases := []struct {
		profile        stacks.Profile
		tasks, workers float64
		cpu, memory    float64
		class          string
	}{
		{stacks.Benchmark(), 4, 4, 4096, 8192, "db.t3.medium"},
		{stacks.TwoInstance(), 2, 4, 4096, 8192, "db.t3.medium"},
		{stacks.EightInstance(), 8, 4, 4096, 8192, "db.t3.medium"},
	}
	if len(stacks.All()) != len(cases) {
		t.Fatalf("stacks.All() has %d profiles, this table %d", len(stacks.All()), len(cases))
	}
	for _, tc := range cases {
		name := tc.profile.StackName
		t.Run(name, func(t *testing.T) {
			doc := synth(t, tc.profile)
			vars := doc.Block("variable")
			defaults := map[string]any{
				"desired_task_count": tc.tasks, "num_workers_per_task": tc.workers,
				"task_cpu": tc.cpu, "task_memory": tc.memory, "db_instance_class": tc.class,
			}
			for v, want := range defaults {
				if vars[v]["default"] != want {
					t.Errorf("variable %s default = %v, want %v", v, vars[v]["default"], want)
				}
			}

			// The seed's operational commands name these.
			named := []struct{ typ, attr, want string }{
				{*ecscluster.EcsCluster_TfResourceType(), "name", name + "-LiteLLM-Cluster"},
				{*ecsservice.EcsService_TfResourceType(), "name", name + "-litellm-service"},
				{*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), "family", name + "-litellm"},
				{*dbinstance.DbInstance_TfResourceType(), "identifier", name + "-litellm-db"},
				{"aws_cloudwatch_log_group", "name", "/ecs/" + name + "-litellm"},
				{*secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), "name", name + "-master-key"},
				{*lb.Lb_TfResourceType(), "name", name + "-alb"},
				{*lbtargetgroup.LbTargetGroup_TfResourceType(), "name", name + "-tg"},
			}
			for _, n := range named {
				if got := doc.Where(n.typ, map[string]any{n.attr: n.want}); len(got) != 1 {
					t.Errorf("%s with %s = %q: found %d", n.typ, n.attr, n.want, len(got))
				}
				if (n.typ == *lb.Lb_TfResourceType() || n.typ == *lbtargetgroup.LbTargetGroup_TfResourceType()) && len(n.want) > 32 {
					t.Errorf("%s name %q is over AWS's 32 characters", n.typ, n.want)
				}
			}

			svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
			if svc["desired_count"] != "${var.desired_task_count}" {
				t.Errorf("desired_count = %v, want the variable", svc["desired_count"])
			}
			td := doc.Where(*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), map[string]any{"family": name + "-litellm"})[proxyTask]
			if td == nil {
				t.Fatalf("no task definition %s-litellm (logical id %s)", name, proxyTask)
			}
			if td["cpu"] != "${var.task_cpu}" || td["memory"] != "${var.task_memory}" || !strings.Contains(td["container_definitions"].(string), `--num_workers ${var.num_workers_per_task} `) {
				t.Errorf("task sizes are not the variables: cpu %v memory %v", td["cpu"], td["memory"])
			}
			db := doc.One(t, *dbinstance.DbInstance_TfResourceType())
			if db["instance_class"] != "${var.db_instance_class}" || db["storage_encrypted"] != true || db["publicly_accessible"] != false {
				t.Errorf("db = %v", db)
			}

			provider := synthtest.JSON(doc.Raw()["provider"])
			if !strings.Contains(provider, `"region":"us-east-1"`) || !strings.Contains(provider, `"Stack":"`+name+`"`) {
				t.Errorf("provider = %s", provider)
			}
			// Write-only arguments and ephemeral values: Terraform 1.11, a 5.x provider that has them.
			if v := synthtest.JSON(doc.Raw()["terraform"]); !strings.Contains(v, `"version":">= 5.100.0, < 6.0.0"`) ||
				!strings.Contains(v, `"required_version":">= 1.11.0"`) {
				t.Errorf("version constraints: %s", v)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	for _, p := range stacks.All() {
		t.Run(p.StackName, func(t *testing.T) {
			synthtest.Golden(t, p.StackName+".json", synth(t, p).JSON)
		})
	}
}

func TestSynthIsDeterministic(t *testing.T) {
	p := stacks.TwoInstance()
	first := synth(t, p).JSON
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	if again := synthtest.Synth(t, stack).JSON; again != first {
		t.Fatal("two syntheses of the same profile differ")
	}
}

func TestVariables(t *testing.T) {
	doc := synth(t, stacks.Benchmark())
	vars := doc.Block("variable")
	want := []string{"alarm_email", "db_instance_class", "db_password", "db_password_version", "db_snapshot_identifier", "deletion_protection",
		"desired_task_count", "final_snapshot_identifier", "litellm_image", "master_key", "master_key_version", "num_workers_per_task", "task_cpu", "task_memory"}
	if got := synthtest.Names(vars); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("variables = %v, want %v", got, want)
	}
	for name, v := range vars {
		if d, _ := v["description"].(string); len(d) < 20 {
			t.Errorf("variable %s has no real description: %q", name, d)
		}
		sensitive := name == "master_key" || name == "db_password"
		if (v["sensitive"] == true) != sensitive {
			t.Errorf("variable %s sensitive = %v", name, v["sensitive"])
		}
		switch {
		case sensitive:
			// Optional (null: generated), ephemeral (never in a plan or the state), and checked by a
			// precondition rather than a validation block, which Terraform would print the value of.
			if d, has := v["default"]; !has || d != nil || v["nullable"] != true || v["ephemeral"] != true || v["validation"] != nil {
				t.Errorf("secret variable %s is not optional, ephemeral and free of validation blocks: %v", name, v)
			}
			if !strings.Contains(doc.JSON, `(var.`+name+` != null) ? can(regex(`) {
				t.Errorf("no precondition checks %s", name)
			}
		case name == "deletion_protection":
			if v["type"] != "bool" || v["default"] != true {
				t.Errorf("deletion_protection = %v", v)
			}
		default:
			rules, _ := v["validation"].([]any)
			if len(rules) == 0 {
				t.Errorf("variable %s has no validation", name)
			}
			for _, r := range rules {
				msg := r.(map[string]any)["error_message"].(string)
				if !strings.Contains(msg, name) || !strings.Contains(msg, "${var."+name+"}") || !strings.Contains(msg, "allowed") {
					t.Errorf("variable %s: message must name the input, its value and what is allowed: %q", name, msg)
				}
			}
		}
	}
}

func TestOutputs(t *testing.T) {
	doc := synth(t, stacks.Benchmark())
	outs := doc.Block("output")
	for _, name := range []string{"load_balancer_url", "api_endpoint", "cluster_name", "service_name", "log_group_name", "db_instance_endpoint", "master_key_secret_name", "dashboard_url", "alarm_topic_arn"} {
		o, ok := outs[name]
		if !ok {
			t.Errorf("output %s is missing", name)
			continue
		}
		if d, _ := o["description"].(string); d == "" {
			t.Errorf("output %s has no description", name)
		}
	}
	checks := map[string]string{
		"load_balancer_url":      `^http://\$\{aws_lb\.[^}]+\.dns_name\}$`,
		"api_endpoint":           `^http://\$\{aws_lb\.[^}]+\.dns_name\}/v1$`,
		"cluster_name":           `^litellm-benchmark-LiteLLM-Cluster$`,
		"service_name":           `^litellm-benchmark-litellm-service$`,
		"log_group_name":         `^/ecs/litellm-benchmark-litellm$`,
		"master_key_secret_name": `^litellm-benchmark-master-key$`,
		"dashboard_url":          `^https://us-east-1\.console\.aws\.amazon\.com/cloudwatch/home\?region=us-east-1#dashboards:name=litellm-benchmark-litellm$`,
	}
	for name, re := range checks {
		if v, _ := outs[name]["value"].(string); !regexp.MustCompile(re).MatchString(v) {
			t.Errorf("output %s = %q, want %s", name, v, re)
		}
	}
}

// TestSecretsFlow lists every place the secret inputs and the generated values are referenced: only the
// write-only arguments that store them and the preconditions that check them; never an output, a task
// definition, an environment variable or any attribute Terraform records.
func TestSecretsFlow(t *testing.T) {
	for _, p := range stacks.All() {
		doc := synth(t, p)
		// The locals that carry each generated value (writeonly.RandomPassword).
		generated := map[string]string{}
		for name, v := range doc.RawLocals() {
			if s, _ := v.(string); strings.HasPrefix(s, "${ephemeral.aws_secretsmanager_random_password.") {
				generated[name] = s
			}
		}
		if len(generated) != 3 {
			t.Errorf("%s: %d generated values, want 3 (master key, salt key, database password): %v", p.StackName, len(generated), generated)
		}
		refs := map[string]string{
			"var.master_key":  "aws_secretsmanager_secret_version.lifecycle,aws_secretsmanager_secret_version.secret_string_wo",
			"var.db_password": "aws_db_instance.lifecycle,aws_db_instance.password_wo,aws_secretsmanager_secret_version.secret_string_wo",
		}
		if p.Redis {
			// ElastiCache's auth_token has no write-only form: the token, given or generated, goes only to the
			// replication group and its secret (plain secret_string, as it is in the state anyway).
			refs["var.redis_auth_token"] = "aws_elasticache_replication_group.auth_token,aws_elasticache_replication_group.lifecycle,aws_secretsmanager_secret_version.secret_string"
			refs["terraform_data.redis_auth-token-generated_CC10B910.output"] = "aws_elasticache_replication_group.auth_token,aws_secretsmanager_secret_version.secret_string"
		}
		for local := range generated {
			want := "aws_secretsmanager_secret_version.secret_string_wo"
			if strings.HasSuffix(strings.TrimSuffix(local, local[strings.LastIndex(local, "_"):]), "db_password") {
				want = "aws_db_instance.password_wo,aws_secretsmanager_secret_version.secret_string_wo"
			}
			refs["local."+local] = want
		}
		for ref, want := range refs {
			// A whole reference: var.master_key, not var.master_key_version.
			re := regexp.MustCompile(regexp.QuoteMeta(ref) + `\b[^_]`)
			var places []string
			for typ, rs := range doc.Raw()["resource"].(map[string]any) {
				for _, r := range rs.(map[string]any) {
					for attr, v := range r.(map[string]any) {
						if re.MatchString(synthtest.JSON(v)) {
							places = append(places, typ+"."+attr)
						}
					}
				}
			}
			for _, block := range []string{"output", "locals"} {
				if re.MatchString(synthtest.JSON(doc.Raw()[block])) {
					places = append(places, block)
				}
			}
			sort.Strings(places)
			places = slices.Compact(places)
			if got := strings.Join(places, ","); got != want {
				t.Errorf("%s: %s is used in %s, want only %s", p.StackName, ref, got, want)
			}
		}
		// No attribute that Terraform records holds a secret: the plain forms are gone, but for the Redis token's.
		plain := 0
		if p.Redis {
			plain = 1
		}
		if n := strings.Count(doc.JSON, `"secret_string":`); n != plain {
			t.Errorf("%s: the synthesized stack has %d secret_string, want %d (the Redis token's)", p.StackName, n, plain)
		}
		if strings.Contains(doc.JSON, `"password":`) {
			t.Errorf("%s: the synthesized stack has a plain password", p.StackName)
		}
	}
}

// TestProfileConnectionBudget: every profile, with autoscaling off and on, keeps the connection rule at the
// peak of a roll on its database class: peak tasks x workers x pool limit + the migration task's connections
// within 80% of max_connections. The README's profile table shows these numbers.
func TestProfileConnectionBudget(t *testing.T) {
	cases := []struct {
		profile                  stacks.Profile
		autoscaling              bool
		peak, poolLimit, maxConn int
	}{
		{stacks.Benchmark(), false, 6, 14, 450},     // 4 tasks at 150%
		{stacks.TwoInstance(), false, 3, 20, 450},   // 2 tasks at 150%; (360 - 11) / 12 = 29, capped at 20
		{stacks.EightInstance(), false, 12, 7, 450}, // 8 tasks at 150%
		{stacks.Benchmark(), true, 15, 5, 450},      // the autoscaling maximum, 10, at 150%
		{stacks.TwoInstance(), true, 15, 5, 450},    //
		{stacks.EightInstance(), true, 15, 5, 450},  //
	}
	for _, tc := range cases {
		p := tc.profile
		p.Autoscaling = tc.autoscaling
		t.Run(fmt.Sprintf("%s autoscaling %v", p.StackName, tc.autoscaling), func(t *testing.T) {
			p = p.WithDefaults()
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			maxConn, _ := database.MaxConnections(p.DBInstanceClass)
			budget, _ := database.ConnectionBudget(p.DBInstanceClass)
			peak := p.PeakTaskCount()
			limit := int(proxyservice.PoolLimit(rule.Number(float64(budget)), rule.Number(float64(peak)), rule.Number(float64(p.WorkersPerTask))).Float())
			if peak != tc.peak || limit != tc.poolLimit || maxConn != tc.maxConn {
				t.Errorf("peak %d tasks, pool limit %d, max_connections %d; want %d, %d, %d", peak, limit, maxConn, tc.peak, tc.poolLimit, tc.maxConn)
			}
			if total := peak*p.WorkersPerTask*limit + proxyservice.MigrationConnections; limit < proxyservice.MinPoolLimit || total > maxConn*80/100 {
				t.Errorf("%d tasks x %d workers x %d + %d = %d connections: want a pool limit of at least %d within %d", peak, p.WorkersPerTask,
					limit, proxyservice.MigrationConnections, total, proxyservice.MinPoolLimit, maxConn*80/100)
			}
		})
	}
}

func TestProfileValidation(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*stacks.Profile)
		want   string
	}{
		{"long name", func(p *stacks.Profile) { p.StackName = "litellm-benchmark-far-too-long" }, `StackName "litellm-benchmark-far-too-long" is 30 characters long: allowed at most 28`},
		{"zero tasks", func(p *stacks.Profile) { p.DesiredTaskCount = 0 }, "DesiredTaskCount = 0 is out of range: allowed whole numbers 1-100."},
		{"too many workers", func(p *stacks.Profile) { p.WorkersPerTask = 64 }, "WorkersPerTask = 64 is out of range: allowed whole numbers 1-32."},
		{"Fargate pair", func(p *stacks.Profile) { p.TaskMemoryMiB = 3000 }, "TaskMemoryMiB = 3000 MiB is not valid with TaskCPU = 4096 CPU units: allowed 8192-30720 in steps of 1024."},
		{"unknown class", func(p *stacks.Profile) { p.DBInstanceClass = "db.t3.mega" }, `DBInstanceClass = "db.t3.mega" is not an RDS for PostgreSQL 16 class this project knows`},
		{"budget", func(p *stacks.Profile) { p.DesiredTaskCount, p.DBInstanceClass = 8, "db.t3.micro" },
			"MaxTaskCount = 8 tasks at DeploymentMaximumPercent = 150 is 12 tasks at the peak of a roll; with WorkersPerTask = 4 workers and " +
				"at least 5 connections each, plus 11 for the migration task, they need 251 connections, above the 89 that DBInstanceClass " +
				"db.t3.micro allows LiteLLM (80% of max_connections; 1 per worker): allowed at most 3 tasks at the peak;"},
		// (89 - 11) / 5 = 15 workers at the peak: 10 tasks roll to 15.
		{"budget boundary fits", func(p *stacks.Profile) {
			p.DesiredTaskCount, p.WorkersPerTask, p.DBInstanceClass = 10, 1, "db.t3.micro"
		}, ""},
		{"budget boundary exceeded", func(p *stacks.Profile) {
			p.DesiredTaskCount, p.WorkersPerTask, p.DBInstanceClass = 11, 1, "db.t3.micro"
		}, "MaxTaskCount = 11 tasks at DeploymentMaximumPercent = 150 is 16 tasks at the peak of a roll"},
		{"deployment maximum out of range", func(p *stacks.Profile) { p.DeploymentMaximumPercent = 250 },
			"DeploymentMaximumPercent = 250 is out of range: allowed whole numbers 101-200."},
		{"no room to roll", func(p *stacks.Profile) { p.DeploymentMaximumPercent = 120 },
			"DeploymentMaximumPercent = 120 leaves a roll of FewestTaskCount = 4 tasks no room: ECS rounds 4 x 120% down to 4 tasks"},
		{"eight-instance at 200% autoscaling to 10", func(p *stacks.Profile) {
			*p = stacks.EightInstance()
			p.DeploymentMaximumPercent, p.Autoscaling = 200, true
		}, "MaxTaskCount = 10 tasks at DeploymentMaximumPercent = 200 is 20 tasks at the peak of a roll; with WorkersPerTask = 4 workers and " +
			"at least 5 connections each, plus 11 for the migration task, they need 411 connections, above the 360 that DBInstanceClass " +
			"db.t3.medium allows LiteLLM (80% of max_connections; 4 per worker): allowed at most 17 tasks at the peak;"},
		{"zone", func(p *stacks.Profile) { p.AvailabilityZones = []string{"us-east-1a", "us-west-2b"} }, `zone "us-west-2b" is not in region us-east-1`},
		{"allowed CIDR", func(p *stacks.Profile) { p.AllowedCIDRs = []string{"10.1.2.3/8"} }, `AllowedCIDRs "10.1.2.3/8" has host bits set`},
		{"image", func(p *stacks.Profile) { p.Image = "not an image" }, `Image = "not an image" is not a pinned image`},
		{"config", func(p *stacks.Profile) { p.LiteLLMConfig = "model_list: []" }, "Config: model_list is missing or empty"},
		{"state bucket without lock table", func(p *stacks.Profile) { p.StateBucket = "my-state" }, `StateBucket "my-state" and StateLockTable "" (LITELLM_STATE_BUCKET, LITELLM_STATE_LOCK_TABLE): allowed both`},
		{"bad state bucket", func(p *stacks.Profile) { p.StateBucket, p.StateLockTable = "My_State", "locks" }, `StateBucket "My_State" is not an S3 bucket name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := stacks.Benchmark()
			tc.modify(&p)
			_, err := stacks.New(cdktf.Testing_App(nil), p)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("stacks.New = %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("stacks.New = %v\nwant an error containing %q", err, tc.want)
			}
		})
	}
	t.Run("every problem at once", func(t *testing.T) {
		p := stacks.Benchmark()
		p.DesiredTaskCount, p.TaskCPU, p.Image, p.VPCCIDR = 0, 3000, "x y", "10.0.0.0/8"
		_, err := stacks.New(cdktf.Testing_App(nil), p)
		for _, want := range []string{"DesiredTaskCount", "TaskCPU = 3000", "Image", "CIDR"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("want a problem about %s in %v", want, err)
			}
		}
	})
}

// serviceOf maps a resource type to the provider endpoint key that serves it.
func serviceOf(typ string) string {
	for prefix, svc := range map[string]string{
		"aws_vpc": "ec2", "aws_subnet": "ec2", "aws_internet_gateway": "ec2", "aws_nat_gateway": "ec2", "aws_eip": "ec2",
		"aws_route": "ec2", "aws_security_group": "ec2", "aws_default_security_group": "ec2", "aws_flow_log": "ec2",
		"aws_ecr_": "ecr", // the load generator's repository (constructs/loadgen)
		"aws_ecs_": "ecs", "aws_lb": "elbv2", "aws_db_": "rds", "aws_iam_": "iam", "aws_s3_": "s3",
		"aws_secretsmanager_": "secretsmanager", "aws_cloudwatch_log_": "logs", "aws_cloudwatch_metric_alarm": "cloudwatch",
		"aws_cloudwatch_dashboard": "cloudwatch", "aws_elasticache_": "elasticache", "aws_appautoscaling_": "appautoscaling",
		"aws_sns_": "sns", "aws_kms_": "kms", "aws_route53_": "route53", "aws_acm_": "acm", "aws_wafv2_": "wafv2",
		// Terraform's own: no AWS endpoint (the migration's aws CLI gets the emulator's through its environment).
		"terraform_data": "none",
	} {
		if strings.HasPrefix(typ, prefix) {
			return svc
		}
	}
	return ""
}

// TestEmulatorEndpoint: the emulator's override sends every service the stack uses to the emulator, with the
// checks that need real AWS off; the stack itself talks to AWS as usual.
func TestEmulatorEndpoint(t *testing.T) {
	doc := synth(t, stacks.Benchmark())
	aws := localaws.Override("litellm-benchmark", "http://127.0.0.1:4566")["provider"].(map[string]any)["aws"].([]map[string]any)[0]
	endpoints := aws["endpoints"].([]map[string]string)[0]
	for _, typ := range doc.Types() {
		svc := serviceOf(typ)
		if svc == "none" {
			continue
		}
		if svc == "" {
			t.Errorf("resource type %s: which endpoint serves it? add it to serviceOf and to localaws.ProviderEndpoints", typ)
			continue
		}
		if endpoints[svc] != "http://127.0.0.1:4566" {
			t.Errorf("%s (%s) is not sent to the emulator: endpoints = %v", typ, svc, endpoints)
		}
	}
	for _, k := range []string{"skip_credentials_validation", "s3_use_path_style"} {
		if aws[k] != true {
			t.Errorf("provider %s = %v", k, aws[k])
		}
	}
	real := doc.Raw()["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)
	if real["endpoints"] != nil || real["skip_credentials_validation"] != nil {
		t.Errorf("the real stacks carry emulator settings: %v", real)
	}
}

func TestFromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		check   func(p stacks.Profile) bool
		wantErr string
	}{
		{"nothing set", nil, func(p stacks.Profile) bool {
			return !p.Autoscaling && p.Redis == (p.StackName != "litellm-benchmark")
		}, ""},
		{"Redis on: every stack", map[string]string{"LITELLM_REDIS": "on"}, func(p stacks.Profile) bool { return p.Redis }, ""},
		{"Redis off: no stack, the seed's bill", map[string]string{"LITELLM_REDIS": "off"}, func(p stacks.Profile) bool { return !p.Redis }, ""},
		{"bad Redis switch", map[string]string{"LITELLM_REDIS": "sometimes"}, nil, `LITELLM_REDIS="sometimes": not a switch: allowed on or off`},
		{"autoscaling on", map[string]string{"LITELLM_AUTOSCALING": "on"}, func(p stacks.Profile) bool { return p.Autoscaling }, ""},
		{"bad switch", map[string]string{"LITELLM_AUTOSCALING": "maybe"}, nil, `LITELLM_AUTOSCALING="maybe": not a switch: allowed on or off`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stacks.FromEnv(stacks.All(), func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FromEnv = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(got) != 3 {
				t.Fatalf("FromEnv = %v, %v", got, err)
			}
			for _, p := range got {
				if !tc.check(p) {
					t.Errorf("%s: %+v", p.StackName, p)
				}
			}
		})
	}
}

func TestAutoscalingProfile(t *testing.T) {
	for _, base := range []stacks.Profile{stacks.Benchmark(), stacks.EightInstance()} {
		p := base
		p.Autoscaling = true
		stack, err := stacks.New(cdktf.Testing_App(nil), p)
		if err != nil {
			t.Fatal(err)
		}
		doc := synthtest.Synth(t, stack)
		vars := doc.Block("variable")
		for name, want := range map[string]float64{"autoscaling_min_task_count": 2, "autoscaling_max_task_count": 10, "autoscaling_cpu_target_percent": 70} {
			if vars[name]["default"] != want || vars[name]["validation"] == nil {
				t.Errorf("%s: variable %s = %v, want default %v with validation", p.StackName, name, vars[name], want)
			}
		}
		target := doc.One(t, "aws_appautoscaling_target")
		if target["min_capacity"] != "${var.autoscaling_min_task_count}" || target["max_capacity"] != "${var.autoscaling_max_task_count}" {
			t.Errorf("%s: scalable target = %v", p.StackName, target)
		}
		// The pools are sized for a roll of the autoscaling maximum, not the desired count.
		if !strings.Contains(synthtest.JSON(doc.RawLocals()), "floor(((var.autoscaling_max_task_count * 150) / 100)) * var.num_workers_per_task") {
			t.Errorf("%s: pool limit does not use the autoscaling maximum: %s", p.StackName, synthtest.JSON(doc.RawLocals()))
		}
	}
}

func TestHTTPSProfile(t *testing.T) {
	env := map[string]string{
		"LITELLM_CERTIFICATE_ARN": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"LITELLM_DOMAIN_NAME":     "llm.example.com",
		"LITELLM_HOSTED_ZONE_ID":  "Z0123456789ABC",
	}
	profiles, err := stacks.FromEnv([]stacks.Profile{stacks.Benchmark()}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	stack, err := stacks.New(cdktf.Testing_App(nil), profiles[0])
	if err != nil {
		t.Fatal(err)
	}
	outs := synthtest.Synth(t, stack).Block("output")
	if outs["load_balancer_url"]["value"] != "https://llm.example.com" || outs["api_endpoint"]["value"] != "https://llm.example.com/v1" {
		t.Errorf("outputs = %v, %v", outs["load_balancer_url"], outs["api_endpoint"])
	}

	env["LITELLM_HOSTED_ZONE_ID"] = ""
	profiles, _ = stacks.FromEnv([]stacks.Profile{stacks.Benchmark()}, func(k string) string { return env[k] })
	if _, err := stacks.New(cdktf.Testing_App(nil), profiles[0]); err == nil || !strings.Contains(err.Error(), "allowed both (a Route 53 alias record) or neither") {
		t.Errorf("domain without zone: %v", err)
	}
}

// TestRedisByProfile: LiteLLM's production guide asks for Redis as soon as more than one instance runs, so the
// two- and eight-instance stacks have it; the benchmark reproduces the published run, which used none.
func TestRedisByProfile(t *testing.T) {
	cases := []struct {
		profile stacks.Profile
		redis   bool
	}{
		{stacks.Benchmark(), false},
		{stacks.TwoInstance(), true},
		{stacks.EightInstance(), true},
	}
	if len(stacks.All()) != len(cases) {
		t.Fatalf("stacks.All() has %d profiles, this table %d", len(stacks.All()), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.profile.StackName, func(t *testing.T) {
			doc := synth(t, tc.profile)
			groups := doc.Resources(*elasticachereplicationgroup.ElasticacheReplicationGroup_TfResourceType())
			_, tokenVar := doc.Block("variable")["redis_auth_token"]
			_, endpoint := doc.Block("output")["redis_endpoint"]
			if tc.profile.Redis != tc.redis || (len(groups) == 1) != tc.redis || tokenVar != tc.redis || endpoint != tc.redis {
				t.Errorf("Redis = %v: %d replication groups, redis_auth_token declared %v, redis_endpoint output %v; want Redis %v",
					tc.profile.Redis, len(groups), tokenVar, endpoint, tc.redis)
			}
			if tc.redis && (len(doc.Resources("terraform_data")) == 0 || !strings.Contains(doc.JSON, `REDIS_PASSWORD`)) {
				t.Errorf("Redis without a generated token or without REDIS_PASSWORD for the tasks")
			}
		})
	}
}

func TestRedisProfile(t *testing.T) {
	p := stacks.Benchmark()
	p.Redis = true
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	vars := doc.Block("variable")
	// Optional: "" generates the token, so Redis deploys with no variable given.
	if tok := vars["redis_auth_token"]; tok["sensitive"] != true || tok["default"] != "" || tok["validation"] != nil || tok["ephemeral"] != nil {
		t.Errorf("redis_auth_token = %v, want sensitive, default \"\" (generated), checked by a precondition", tok)
	}
	if nt := vars["redis_node_type"]; nt["default"] != "cache.t4g.medium" || nt["validation"] == nil {
		t.Errorf("redis_node_type = %v", nt)
	}
	rg := doc.One(t, "aws_elasticache_replication_group")
	if rg["replication_group_id"] != "litellm-benchmark-redis" || rg["node_type"] != "${var.redis_node_type}" {
		t.Errorf("replication group = %v", rg)
	}
	if _, ok := doc.Block("output")["redis_endpoint"]; !ok {
		t.Error("no redis_endpoint output")
	}
	if out := synthtest.JSON(doc.Raw()["output"]); strings.Contains(out, "var.redis_auth_token") || strings.Contains(out, "auth-token-generated") {
		t.Error("an output carries the Redis token")
	}
}

func TestRemoteState(t *testing.T) {
	p := stacks.EightInstance()
	p.StateBucket, p.StateLockTable = "acme-terraform-state", "terraform-locks"
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	tf := synthtest.JSON(synthtest.Synth(t, stack).Raw()["terraform"])
	for _, want := range []string{`"s3":{`, `"bucket":"acme-terraform-state"`, `"key":"litellm-aws/litellm-eight-instance.tfstate"`,
		`"encrypt":true`, `"dynamodb_table":"terraform-locks"`, `"region":"us-east-1"`} {
		if !strings.Contains(tf, want) {
			t.Errorf("backend lacks %s: %s", want, tf)
		}
	}
	if strings.Contains(tf, `"local"`) {
		t.Errorf("local backend still there: %s", tf)
	}
}

func TestCustomerManagedKey(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	p := stacks.Benchmark()
	p.KMSKeyArn, p.Redis = key, true
	stack, err := stacks.New(cdktf.Testing_App(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	for _, typ := range []string{"aws_cloudwatch_log_group", "aws_secretsmanager_secret", "aws_elasticache_replication_group"} {
		for name, r := range doc.Resources(typ) {
			if r["kms_key_id"] != key {
				t.Errorf("%s.%s is not encrypted with the key: %v", typ, name, r["kms_key_id"])
			}
		}
	}
	decrypt := false
	for _, pol := range doc.Resources("aws_iam_role_policy") {
		if strings.Contains(pol["policy"].(string), `"Action":["kms:Decrypt"],"Resource":["`+key+`"]`) {
			decrypt = true
		}
	}
	if !decrypt {
		t.Error("the execution role cannot decrypt the secrets")
	}
	// The key may live in another account (123456789012 here); the log bucket accepts logs from the stack's
	// own account, read from Terraform, never the key's.
	account := "${data.aws_caller_identity.caller.account_id}"
	for _, pol := range doc.Resources("aws_s3_bucket_policy") {
		if policy := fmt.Sprint(pol["policy"]); strings.Contains(policy, "123456789012") {
			t.Errorf("a bucket policy names the key's account: %s", policy)
		}
	}
	if all := synthtest.JSON(doc.Resources("aws_s3_bucket_policy")); !strings.Contains(all, account) {
		t.Errorf("no bucket policy names the stack's account %s: %s", account, all)
	}
	p.KMSKeyArn = "alias/aws/secretsmanager"
	if _, err := stacks.New(cdktf.Testing_App(nil), p); err == nil || !strings.Contains(err.Error(), `KMSKeyArn "alias/aws/secretsmanager" is not a KMS key ARN`) {
		t.Errorf("bad key: %v", err)
	}
}
