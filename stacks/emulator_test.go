package stacks_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/internal/emulator"
	"litellm-aws/internal/tftest"
	"litellm-aws/stacks"
)

// emulated synthesizes every stack pointed at the emulator, as `LITELLM_AWS_ENDPOINT=... cdktf synth` does;
// options, if any, changes each profile first (as the LITELLM_* settings would).
func emulated(t *testing.T, srv *emulator.Server, options ...func(*stacks.Profile)) string {
	t.Helper()
	jsiiMu.Lock()
	defer jsiiMu.Unlock()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(out)})
	for _, p := range stacks.All() {
		p.Endpoint = srv.Endpoint
		for _, o := range options {
			o(&p)
		}
		if _, err := stacks.New(app, p); err != nil {
			t.Fatal(err)
		}
	}
	app.Synth()
	return filepath.Join(out, "stacks")
}

// pointAt sends a Terraform's calls to the emulator, with its fake credentials.
func pointAt(tf *tftest.Terraform, srv *emulator.Server) *tftest.Terraform {
	return &tftest.Terraform{Bin: tf.Bin, Env: append(tf.EnvWithout("AWS_"), srv.Env()...)}
}

// awsQuery asks the emulator through the aws CLI and decodes the JSON answer. The endpoint goes on the
// command line: the CLI ignores AWS_ENDPOINT_URL for some services.
func awsQuery(t *testing.T, srv *emulator.Server, args ...string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", srv.Endpoint, "--region", emulator.Region, "--output", "json"}, args...)...)
	cmd.Env = srv.Environ()
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), out, err)
	}
	return v
}

func list(v map[string]any, key string) []any { l, _ := v[key].([]any); return l }

// stackFootprint counts what the emulator holds of one stack, by the seed's names.
type footprint struct {
	clusters, services, targetGroups, databases, secrets, vpcs int
	desiredCount                                               float64
	targetPort                                                 float64
	healthPath                                                 string
}

func footprintOf(t *testing.T, srv *emulator.Server, stack string) footprint {
	t.Helper()
	var f footprint
	for _, c := range list(awsQuery(t, srv, "ecs", "describe-clusters", "--clusters", stack+"-LiteLLM-Cluster"), "clusters") {
		if c.(map[string]any)["status"] == "ACTIVE" {
			f.clusters++
		}
	}
	if f.clusters > 0 {
		for _, s := range list(awsQuery(t, srv, "ecs", "describe-services", "--cluster", stack+"-LiteLLM-Cluster", "--services", stack+"-litellm-service"), "services") {
			svc := s.(map[string]any)
			if svc["status"] == "ACTIVE" {
				f.services++
				f.desiredCount, _ = svc["desiredCount"].(float64)
			}
		}
	}
	for _, g := range list(awsQuery(t, srv, "elbv2", "describe-target-groups"), "TargetGroups") {
		tg := g.(map[string]any)
		if tg["TargetGroupName"] == stack+"-tg" {
			f.targetGroups++
			f.targetPort, _ = tg["Port"].(float64)
			f.healthPath, _ = tg["HealthCheckPath"].(string)
		}
	}
	for _, d := range list(awsQuery(t, srv, "rds", "describe-db-instances"), "DBInstances") {
		if d.(map[string]any)["DBInstanceIdentifier"] == stack+"-litellm-db" {
			f.databases++
		}
	}
	for _, s := range list(awsQuery(t, srv, "secretsmanager", "list-secrets"), "SecretList") {
		if name, _ := s.(map[string]any)["Name"].(string); strings.HasPrefix(name, stack+"-") {
			f.secrets++
		}
	}
	f.vpcs = len(list(awsQuery(t, srv, "ec2", "describe-vpcs", "--filters", "Name=tag:Stack,Values="+stack), "Vpcs"))
	return f
}

// TestEmulatorApplyReplanDestroy applies each stack to the local AWS emulator, finds what the seed's
// commands look for under the seed's names, re-plans to no changes, destroys, and finds nothing left.
// litellm-benchmark goes through the cdktf CLI in TestCdktfDeployDestroy; here it goes with Redis and
// autoscaling on, in a separate emulator.
func TestEmulatorApplyReplanDestroy(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	tf := pointAt(tftest.Setup(t), srv)
	plain := emulated(t, srv)
	// The options that add resources the emulator supports: Redis and autoscaling (and the alarm email).
	withOptions := emulated(t, srv, func(p *stacks.Profile) { p.Redis, p.Autoscaling = true, true })
	for _, tc := range []struct {
		name, dir, stack string
		tasks            float64
		extra            []string
		wantSecrets      int
	}{
		{"litellm-two-instance", plain, "litellm-two-instance", 2, nil, 2},
		{"litellm-eight-instance", plain, "litellm-eight-instance", 8, nil, 2},
		{"litellm-benchmark with Redis and autoscaling", withOptions, "litellm-benchmark", 4,
			[]string{"-var", "redis_auth_token=emulator-redis-token-0123"}, 3},
	} {
		tc := tc
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the stacks share nothing but the emulator
			args := append(append(vars(), "-var", "deletion_protection=false"), tc.extra...)
			d := filepath.Join(tc.dir, tc.stack)
			tf.Must(t, d, 5*time.Minute, "init", "-input=false")
			tf.Must(t, d, 20*time.Minute, append([]string{"apply", "-input=false", "-auto-approve"}, args...)...)

			url := strings.TrimSpace(tf.Must(t, d, time.Minute, "output", "-raw", "load_balancer_url"))
			api := strings.TrimSpace(tf.Must(t, d, time.Minute, "output", "-raw", "api_endpoint"))
			if !regexp.MustCompile(`^http://\S+$`).MatchString(url) || api != url+"/v1" {
				t.Errorf("load_balancer_url = %q, api_endpoint = %q", url, api)
			}
			if all := tf.Must(t, d, time.Minute, "output"); strings.Contains(all, goodMasterKey) || strings.Contains(all, goodDBPassword) {
				t.Errorf("terraform output shows a secret:\n%s", all)
			}
			got := footprintOf(t, srv, tc.stack)
			want := footprint{clusters: 1, services: 1, targetGroups: 1, databases: 1, secrets: tc.wantSecrets, vpcs: 1,
				desiredCount: tc.tasks, targetPort: 4000, healthPath: "/health/readiness"}
			if got != want {
				t.Errorf("in the emulator after apply: %+v\nwant %+v", got, want)
			}

			replan := tf.Run(t, d, 10*time.Minute, append([]string{"plan", "-input=false", "-detailed-exitcode"}, args...)...)
			if replan.Code != 0 {
				t.Errorf("re-plan after apply is not empty (exit %d):\n%s", replan.Code, tailOf(replan.Output))
			}

			tf.Must(t, d, 20*time.Minute, append([]string{"destroy", "-input=false", "-auto-approve"}, args...)...)
			if left := footprintOf(t, srv, tc.stack); left != (footprint{}) {
				t.Errorf("in the emulator after destroy: %+v, want nothing", left)
			}
		})
	}
}

// TestCdktfDeployDestroy goes the user's way: the real cdktf CLI deploys litellm-benchmark into the
// emulator, prints its outputs and destroys it.
func TestCdktfDeployDestroy(t *testing.T) {
	t.Parallel()
	srv := emulator.Start(t)
	root := tftest.Root(t)
	cdktfBin := tftest.CdktfCLI(t)
	out := filepath.Join(t.TempDir(), "cdktf.out")
	run := func(timeout time.Duration, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, cdktfBin, args...)
		cmd.Dir = root
		cmd.Env = append(tftest.Setup(t).EnvWithout("AWS_"), append(srv.Env(), "LITELLM_AWS_ENDPOINT="+srv.Endpoint)...)
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cdktf %s: %v\n%s", strings.Join(args, " "), err, tailOf(string(b)))
		}
		return string(b)
	}
	secrets := []string{"--var", "master_key=" + goodMasterKey, "--var", "db_password=" + goodDBPassword, "--var", "deletion_protection=false"}

	// As ./help deploy does: synthesize and init first, so cdktf finds a provider lock file written from the
	// local mirror and does not ask the (unreachable) registry for one.
	run(10*time.Minute, "synth", "--output", out)
	tf := pointAt(tftest.Setup(t), srv)
	tf.Must(t, filepath.Join(out, "stacks", "litellm-benchmark"), 5*time.Minute, "init", "-input=false")
	run(25*time.Minute, append([]string{"deploy", "litellm-benchmark", "--skip-synth", "--auto-approve", "--output", out}, secrets...)...)
	outputs := run(5*time.Minute, "output", "litellm-benchmark", "--skip-synth", "--output", out)
	for _, want := range []string{"load_balancer_url", "api_endpoint", "cluster_name", "litellm-benchmark-LiteLLM-Cluster", "master_key_secret_name"} {
		if !strings.Contains(outputs, want) {
			t.Errorf("cdktf output lacks %q:\n%s", want, outputs)
		}
	}
	if strings.Contains(outputs, goodMasterKey) || strings.Contains(outputs, goodDBPassword) {
		t.Errorf("cdktf output shows a secret")
	}
	got := footprintOf(t, srv, "litellm-benchmark")
	if got.clusters != 1 || got.services != 1 || got.desiredCount != 4 || got.databases != 1 || got.secrets != 2 {
		t.Errorf("in the emulator after cdktf deploy: %+v", got)
	}
	run(25*time.Minute, append([]string{"destroy", "litellm-benchmark", "--skip-synth", "--auto-approve", "--output", out}, secrets...)...)
	if left := footprintOf(t, srv, "litellm-benchmark"); left != (footprint{}) {
		t.Errorf("in the emulator after cdktf destroy: %+v, want nothing", left)
	}
}
