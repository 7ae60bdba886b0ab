package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/emulator"
	"litellm-aws/internal/synthtest"
	"litellm-aws/internal/tftest"
	"litellm-aws/stacks"
)

// Inputs a user would give; recognizable, so a test can tell if one leaks.
const (
	goodMasterKey  = "sk-test-0123456789abcdef"
	goodDBPassword = "Benchmark-Passw0rd-42"
	goodRedisToken = "Redis-Auth-Token-0123456789"
)

// synthAll writes every stack as `cdktf synth` does, into a temporary cdktf.out.
func synthAll(t *testing.T) string {
	t.Helper()
	jsiiMu.Lock()
	defer jsiiMu.Unlock()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(out)})
	for _, p := range stacks.All() {
		if _, err := stacks.New(app, p); err != nil {
			t.Fatal(err)
		}
	}
	app.Synth()
	return filepath.Join(out, "stacks")
}

func vars(extra ...string) []string {
	// An alarm email, so the optional subscription is planned too and every synthesized resource is.
	args := []string{"-var", "alarm_email=ops@example.com"}
	for _, e := range extra {
		args = append(args, "-var", e)
	}
	return args
}

// TestTerraformPlansEveryProfile: init from the provider mirror, validate, and plan the stacks exactly as
// synthesized for AWS, with fake credentials; the only AWS call a plan makes (Secrets Manager's
// GetRandomPassword, for the ephemeral secrets) goes to the emulator, through an override file. The plan creates
// exactly the resources synthesized, with the profile's sizes.
func TestTerraformPlansEveryProfile(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	dir := synthAll(t)
	want := map[string]float64{"litellm-benchmark": 4, "litellm-two-instance": 2, "litellm-eight-instance": 8}
	for _, p := range stacks.All() {
		t.Run(p.StackName, func(t *testing.T) {
			d := filepath.Join(dir, p.StackName)
			tftest.WriteOfflineOverride(t, d, srv.Endpoint)
			tf.Must(t, d, 5*time.Minute, "init", "-input=false")
			tf.Must(t, d, 5*time.Minute, "validate")
			tf.Must(t, d, 5*time.Minute, append([]string{"plan", "-input=false", "-lock=false", "-out=tfplan"}, vars()...)...)
			shown := tf.Must(t, d, 5*time.Minute, "show", "-json", "tfplan")

			var plan struct {
				ResourceChanges []struct {
					Address string
					Type    string
					Change  struct {
						Actions []string
						After   map[string]any
					}
				} `json:"resource_changes"`
				Variables map[string]struct{ Value any } `json:"variables"`
			}
			if err := json.Unmarshal([]byte(shown), &plan); err != nil {
				t.Fatal(err)
			}
			synthesized := synthCount(t, filepath.Join(d, "cdk.tf.json"))
			if len(plan.ResourceChanges) != synthesized {
				t.Errorf("plan has %d resource changes, the stack %d resources", len(plan.ResourceChanges), synthesized)
			}
			for _, rc := range plan.ResourceChanges {
				if strings.Join(rc.Change.Actions, ",") != "create" {
					t.Errorf("%s: %v on a fresh plan", rc.Address, rc.Change.Actions)
				}
				switch rc.Type {
				case "aws_ecs_service":
					if rc.Change.After["desired_count"] != want[p.StackName] {
						t.Errorf("planned desired_count = %v, want %v", rc.Change.After["desired_count"], want[p.StackName])
					}
				case "aws_s3_object":
					if c, _ := rc.Change.After["content"].(string); !strings.Contains(c, "database_connection_pool_limit: ") || strings.Contains(c, "${") {
						t.Errorf("config.yaml is not fully rendered:\n%s", c)
					}
				}
			}
			if strings.Contains(shown, goodMasterKey) && !strings.Contains(shown, `"sensitive_values"`) {
				t.Errorf("the plan shows the master key in plain text")
			}
		})
	}
}

func synthCount(t *testing.T, path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resource map[string]map[string]map[string]any
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for typ, rs := range doc.Resource {
		for name, r := range rs {
			if _, counted := r["count"]; counted {
				switch {
				case typ == "aws_iam_role_policy" && strings.Contains(name, "execution-ecr-policy"):
					continue // ECR pull permission, for an image in ECR: the default image is on ghcr.io
				case typ == "aws_sns_topic_subscription":
					// the alarm email, which vars() gives
				default:
					t.Errorf("%s.%s has a count: which plan should create it?", typ, name)
				}
			}
			n++
		}
	}
	return n
}

// TestTerraformRejectsBadInput: every deploy-time rule stops `terraform apply` against the emulator at
// plan time, names the input and what is allowed, never prints a sensitive value, and leaves nothing
// created in the emulator.
func TestTerraformRejectsBadInput(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	// With Redis and autoscaling on, so that their variables are checked too.
	d := filepath.Join(emulated(t, srv, redisAndScaling), "litellm-benchmark")
	tf.Must(t, d, 5*time.Minute, "init", "-input=false")

	cases := []struct {
		name       string
		masterKey  string // default goodMasterKey
		password   string // default goodDBPassword
		redisToken string // default goodRedisToken
		vars       []string
		want       []string
		// alone: a rule across values (a resource's precondition), whose inputs would change the others' verdicts
		alone bool
	}{
		{name: "master key without sk-", masterKey: "pk-0123456789abcdefXYZ",
			want: []string{"master_key (not shown, it is sensitive) is not a LiteLLM master key", `allowed "sk-" followed by at least 16`}},
		{name: "short master key", masterKey: "sk-short-key", want: []string{"master_key (not shown, it is sensitive)"}},
		{name: "short password", password: "Sh0rt!",
			want: []string{"db_password (not shown, it is sensitive) does not meet RDS's rules", `allowed 8-128 printable ASCII characters except / " @ and space`}},
		{name: "password with @", password: "user@Passw0rd-long", want: []string{"db_password (not shown, it is sensitive)"}},
		{name: "zero tasks", vars: []string{"desired_task_count=0"},
			want: []string{"desired_task_count = 0 is out of range: allowed whole numbers 1-100"}},
		{name: "fractional workers", vars: []string{"num_workers_per_task=2.5"},
			want: []string{"num_workers_per_task = 2.5 is out of range: allowed whole numbers 1-32"}},
		{name: "CPU Fargate lacks", vars: []string{"task_cpu=3000"},
			want: []string{"task_cpu = 3000 is not a Fargate size: allowed 256, 512, 1024, 2048, 4096, 8192, 16384"}},
		{name: "memory Fargate lacks", vars: []string{"task_memory=8000"}, want: []string{"task_memory = 8000 is not a Fargate size"}},
		{alone: true, name: "pair Fargate rejects", vars: []string{"task_cpu=4096", "task_memory=4096"},
			want: []string{"task_memory = 4096 MiB is not valid with task_cpu = 4096 CPU units: allowed 8192-30720 in steps of 1024."}},
		{name: "unknown instance class", vars: []string{"db_instance_class=db.t2.nano"},
			want: []string{`db_instance_class = "db.t2.nano" is not an RDS for PostgreSQL 16 class this project knows: allowed`}},
		{name: "alarm email", vars: []string{"alarm_email=ops-at-example"},
			want: []string{`alarm_email = "ops-at-example" is not an email address: allowed name@example.com, or empty for no subscription.`}},
		{alone: true, name: "connection budget", vars: []string{"autoscaling_max_task_count=100"},
			want: []string{"autoscaling_max_task_count = 100 tasks at DeploymentMaximumPercent = 150 is 150 tasks at the peak of a roll; " +
				"with num_workers_per_task = 4 workers and at least 5 connections each, plus 11 for the migration task, they need 3011 connections",
				"above the 360 that the database instance class allows LiteLLM", "allowed at most 17 tasks at the peak"}},
		{alone: true, name: "no room to roll the autoscaling minimum", vars: []string{"autoscaling_min_task_count=1"},
			want: []string{"DeploymentMaximumPercent = 150 leaves a roll of autoscaling_min_task_count = 1 tasks no room: ECS rounds 1 x 150% down to 1 tasks",
				"allowed at least 200 for 1 tasks."}},
		{name: "autoscaling minimum", vars: []string{"autoscaling_min_task_count=0"},
			want: []string{"autoscaling_min_task_count = 0 is out of range: allowed whole numbers 1-100"}},
		{alone: true, name: "autoscaling minimum above maximum", vars: []string{"autoscaling_min_task_count=6", "autoscaling_max_task_count=5", "desired_task_count=5"},
			want: []string{"autoscaling_min_task_count = 6 is above autoscaling_max_task_count = 5: allowed at most autoscaling_max_task_count."}},
		{alone: true, name: "desired above the autoscaling maximum", vars: []string{"desired_task_count=12"},
			want: []string{"desired_task_count = 12 is above autoscaling_max_task_count = 10: allowed at most autoscaling_max_task_count."}},
		{name: "CPU target", vars: []string{"autoscaling_cpu_target_percent=99"},
			want: []string{"autoscaling_cpu_target_percent = 99 is out of range: allowed 10-95."}},
		{name: "Redis node type", vars: []string{"redis_node_type=cache.x1.huge"},
			want: []string{`redis_node_type = "cache.x1.huge" is not an ElastiCache node type this project knows: allowed`}},
		{name: "master key version zero", vars: []string{"master_key_version=0"},
			want: []string{"master_key_version = 0 is out of range: allowed whole numbers 1-1000000; raise it by one to rotate."}},
		{name: "fractional password version", vars: []string{"db_password_version=1.5"},
			want: []string{"db_password_version = 1.5 is out of range: allowed whole numbers 1-1000000"}},
		{name: "moving image tag", vars: []string{"litellm_image=ghcr.io/berriai/litellm-database:main-stable"},
			want: []string{`litellm_image = "ghcr.io/berriai/litellm-database:main-stable" is not a pinned image: allowed a registry/repository with a version tag of LiteLLM 1.103.3 or newer, such as ghcr.io/berriai/litellm-database:v1.108.21`}},
		// Before 1.103.3 a failed migration can exit 0, and the apply would roll onto an unmigrated schema.
		{name: "release that reports a failed migration as a success", vars: []string{"litellm_image=ghcr.io/berriai/litellm-database:v1.103.2"},
			want: []string{`litellm_image = "ghcr.io/berriai/litellm-database:v1.103.2" is not a pinned image`, "older releases can report a failed migration as a success"}},
		{name: "digest without a version", vars: []string{"litellm_image=ghcr.io/berriai/litellm-database@sha256:" + strings.Repeat("ab", 32)},
			want: []string{`is not a pinned image: allowed a registry/repository with a version tag of LiteLLM 1.103.3 or newer`}},
		{name: "latest image", vars: []string{"litellm_image=ghcr.io/berriai/litellm-database:latest"},
			want: []string{`litellm_image = "ghcr.io/berriai/litellm-database:latest" is not a pinned image`, "moving tags (latest, main-latest, main-stable, stable, lts, ...) are refused"}},
		{name: "malformed image", vars: []string{"litellm_image=not an image"},
			want: []string{`litellm_image = "not an image" is not a pinned image`}},
		{name: "short Redis token", redisToken: "short-token",
			want: []string{"redis_auth_token (not shown, it is sensitive) does not meet ElastiCache's rules: allowed 16-128 printable ASCII characters except / \" @ and space, or empty for a generated one."}},
	}
	// Terraform reports every failed validation and precondition of one plan, so the cases share a few applies
	// (each a whole plan with the AWS provider, the slowest part of this test): a batch sets each variable at
	// most once, and the cases that fail a resource's precondition go apart from those that fail a variable's
	// validation, as a resource that reads an invalid variable or secret is never planned; a rule across values
	// runs alone.
	type batch struct {
		precondition, alone bool
		vars                map[string]string
		cases               []int
	}
	var batches []*batch
	for i, tc := range cases {
		vars := map[string]string{}
		for _, v := range tc.vars {
			name, value, _ := strings.Cut(v, "=")
			vars[name] = value
		}
		for name, value := range map[string]string{"master_key": tc.masterKey, "db_password": tc.password, "redis_auth_token": tc.redisToken} {
			if value != "" {
				vars[name] = value
			}
		}
		// A secret's rule is a precondition on the resource that takes the secret, upstream of the rest.
		precondition := tc.masterKey != "" || tc.password != "" || tc.redisToken != ""
		var into *batch
		for _, b := range batches {
			if tc.alone || b.alone || b.precondition != precondition {
				continue
			}
			clash := false
			for name := range vars {
				_, clash = b.vars[name]
				if clash {
					break
				}
			}
			if !clash {
				into = b
				break
			}
		}
		if into == nil {
			into = &batch{precondition: precondition, alone: tc.alone, vars: map[string]string{}}
			batches = append(batches, into)
		}
		for name, value := range vars {
			into.vars[name] = value
		}
		into.cases = append(into.cases, i)
	}
	if len(batches) > len(cases)/2 {
		t.Errorf("%d cases run in %d applies: the batching is not batching", len(cases), len(batches))
	}
	// At most three plans at once: each starts the AWS provider, and a dozen of them on a busy 2-core machine
	// would share the CPU so thinly that none met its deadline, which then measures the queue, not the plan.
	plans := make(chan struct{}, 3)
	for n, b := range batches {
		t.Run(fmt.Sprintf("batch %d", n+1), func(t *testing.T) {
			// Every apply stops at plan: nothing is written, so they share the folder without the state lock.
			t.Parallel()
			plans <- struct{}{}
			defer func() { <-plans }()
			vars := map[string]string{"master_key": goodMasterKey, "db_password": goodDBPassword, "redis_auth_token": goodRedisToken}
			for name, value := range b.vars {
				vars[name] = value
			}
			args := []string{"apply", "-input=false", "-auto-approve", "-lock=false"}
			for _, name := range synthtest.Names(vars) {
				args = append(args, "-var", name+"="+vars[name])
			}
			r := tf.Run(t, d, 10*time.Minute, args...)
			if r.Code == 0 {
				t.Fatalf("apply succeeded with %v", b.vars)
			}
			if left := footprintOf(t, srv, "litellm-benchmark"); left != (footprint{}) {
				t.Errorf("a rejected apply created %+v in the emulator", left)
			}
			if strings.Contains(r.Output, "Creating...") {
				t.Errorf("a rejected apply started creating resources:\n%s", tailOf(r.Output))
			}
			flat := strings.Join(strings.Fields(r.Output), " ")
			for _, i := range b.cases {
				tc := cases[i]
				t.Run(tc.name, func(t *testing.T) {
					for _, w := range tc.want {
						if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
							t.Errorf("apply with %v lacks %q:\n%s", b.vars, w, tailOf(r.Output))
						}
					}
				})
			}
			for _, name := range []string{"master_key", "db_password", "redis_auth_token"} {
				if strings.Contains(r.Output, vars[name]) {
					t.Errorf("apply output shows the sensitive value of %s", name)
				}
			}
		})
	}
}

func tailOf(s string) string {
	if i := strings.Index(s, "Error:"); i >= 0 {
		return s[i:]
	}
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
