package proxyservice_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
)

const serviceName = "litellm-test-litellm-service"

func TestSteadyTimeout(t *testing.T) {
	if proxyservice.DefaultSteadyTimeoutSeconds != 3*(180+120+600) {
		t.Errorf("DefaultSteadyTimeoutSeconds = %d, want 3 rounds of 180 + 120 + 600 s", proxyservice.DefaultSteadyTimeoutSeconds)
	}
	if got := proxyservice.SteadyTimeoutSeconds(proxyservice.Props{}.WithDefaults()); got != proxyservice.DefaultSteadyTimeoutSeconds {
		t.Errorf("steady timeout with the defaults = %d s, want DefaultSteadyTimeoutSeconds (%d)", got, proxyservice.DefaultSteadyTimeoutSeconds)
	}
	if got := proxyservice.SteadyTimeoutSeconds(proxyservice.Props{HealthCheckGracePeriodSeconds: 300}); got != 3*(180+300+600) {
		t.Errorf("steady timeout with a 300 s grace period = %d s, want %d", got, 3*(180+300+600))
	}
}

// TestSteadyProvisioner: the wait runs after the service whenever ECS starts a deployment (its task definition, a
// secret's version, its desired count unless autoscaling owns it), with the names it reports and the emulator's
// environment's AWS_ENDPOINT_URL in the emulator (the stack has no emulator switch of its own).
func TestSteadyProvisioner(t *testing.T) {
	cases := []struct {
		name        string
		modify      func(cdktf.TerraformStack, *proxyservice.Props)
		wantDesired bool
		wantTimeout string
	}{
		{"fixed count", nil, true, "2700"},
		{"autoscaling owns the count", func(_ cdktf.TerraformStack, p *proxyservice.Props) { p.Autoscaling = true }, false, "2700"},
		{"longer grace period", func(_ cdktf.TerraformStack, p *proxyservice.Props) {
			p.HealthCheckGracePeriodSeconds = 300
		}, true, "3240"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, tc.modify).doc
			name := provisionerName(t, doc, "proxy_steady")
			le := localExecOf(t, doc, name)
			if got := strs(le["interpreter"]); !slices.Equal(got, []string{"bash", "-c"}) {
				t.Errorf("interpreter = %v, want bash -c", got)
			}
			if got := rendered(le["command"].(string)); got != proxyservice.SteadyScript {
				t.Errorf("Terraform would run:\n%s\nwant SteadyScript:\n%s", got, proxyservice.SteadyScript)
			}
			if m := regexp.MustCompile(`(^|[^$])\$\{|(^|[^%])%\{`).FindString(le["command"].(string)); m != "" {
				t.Errorf("unescaped template sequence %q in the command", m)
			}

			svcType := *ecsservice.EcsService_TfResourceType()
			svcName := nameOf(t, doc, svcType)
			svc := doc.One(t, svcType)
			want := map[string]any{"task_definition": ref(svcType, svcName, "task_definition")}
			if tc.wantDesired {
				want["desired_count"] = ref(svcType, svcName, "desired_count")
			}
			for k, v := range svc["triggers"].(map[string]any) {
				want["secret_"+k] = v
			}
			if len(svc["triggers"].(map[string]any)) != 2 {
				t.Errorf("service triggers %v: want the two secret versions", svc["triggers"])
			}
			data := doc.Resources(dataType)[name]
			if got := synthtest.JSON(data["triggers_replace"]); got != synthtest.JSON(want) {
				t.Errorf("triggers_replace = %s\nwant %s", got, synthtest.JSON(want))
			}

			wantEnv := map[string]string{
				"CLUSTER":         ref(*ecscluster.EcsCluster_TfResourceType(), nameOf(t, doc, *ecscluster.EcsCluster_TfResourceType()), "name"),
				"SERVICE":         ref(svcType, svcName, "name"),
				"TASK_DEFINITION": ref(svcType, svcName, "task_definition"),
				"REGION":          "us-east-1",
				"LOG_GROUP":       logGroup,
				"LOG_PREFIX":      "litellm/litellm",
				"TIMEOUT":         tc.wantTimeout,
			}
			if got := stringMap(le["environment"]); synthtest.JSON(got) != synthtest.JSON(wantEnv) {
				t.Errorf("provisioner environment = %s\nwant %s", synthtest.JSON(got), synthtest.JSON(wantEnv))
			}
			// Nothing waits for it: the wait reports, it orders nothing.
			for n, r := range doc.Resources(dataType) {
				if slices.Contains(strs(orEmpty(r["depends_on"])), addr(dataType, name)) {
					t.Errorf("%s depends on the wait", n)
				}
			}
		})
	}
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func TestSteadyScriptSyntax(t *testing.T) {
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(proxyservice.SteadyScript)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}

// fakeSteadyAWS stands in for the AWS CLI as fakeAWS does: describe-services answers from describe.1, describe.2,
// ... (the last one again once they run out), list-tasks from list.out, describe-tasks from tasks.out.
const fakeSteadyAWS = `#!BASH
d=${0%/*}
(IFS=$'\x1f'; printf '%s\n' "$*") >>"$d/calls"
case "$1 $2" in
"ecs describe-services")
  n=1; [ -f "$d/describe.count" ] && n=$(( $(<"$d/describe.count") + 1 ))
  printf '%s' "$n" >"$d/describe.count"
  while [ "$n" -gt 1 ] && [ ! -f "$d/describe.$n" ]; do n=$((n - 1)); done
  printf '%s\n' "$(<"$d/describe.$n")" ;;
"ecs list-tasks") printf '%s\n' "$(<"$d/list.out")" ;;
"ecs describe-tasks") printf '%s\n' "$(<"$d/tasks.out")" ;;
*) printf 'fake aws: unexpected call: %s\n' "$*" >&2; exit 2 ;;
esac
`

// TestSteadyScriptRuns runs the script Terraform would run, with bash, against a fake aws.
func TestSteadyScriptRuns(t *testing.T) {
	doc := build(t, nil).doc
	le := localExecOf(t, doc, provisionerName(t, doc, "proxy_steady"))
	script := rendered(le["command"].(string))
	interpreter := strs(le["interpreter"])
	env := stringMap(le["environment"])
	applied := map[string]string{
		"CLUSTER":         "litellm-test-LiteLLM-Cluster",
		"SERVICE":         serviceName,
		"TASK_DEFINITION": "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-test-litellm:7",
	}
	for k, v := range env {
		if strings.Contains(v, "${") {
			if applied[k] == "" {
				t.Fatalf("%s = %s is computed at apply time; give the test a value for it", k, v)
			}
			env[k] = applied[k]
		}
	}
	const (
		deployment = "ecs-svc/1234567890"
		breaker    = "ECS deployment circuit breaker: tasks failed to start."
		pull       = "CannotPullContainerError: pull image manifest has been retried 7 time(s)"
		task1      = "arn:aws:ecs:us-east-1:123456789012:task/litellm-test-LiteLLM-Cluster/aaaa1111"
		task2      = "arn:aws:ecs:us-east-1:123456789012:task/litellm-test-LiteLLM-Cluster/bbbb2222"
	)
	logs := "aws logs tail " + logGroup + " --log-stream-name-prefix litellm/litellm --since 1h --region us-east-1"
	row := func(fields ...string) string { return strings.Join(fields, "\t") }
	cases := []struct {
		name     string
		noAWS    bool
		describe []string // describe-services outputs: the PRIMARY deployment's id, then its state each turn
		list     string
		tasks    string
		timeout  string
		wantExit int
		wantOut  []string
		wantAWS  []string
	}{
		{name: "steady", describe: []string{deployment,
			row("2", "4", "2", "PRIMARY", "IN_PROGRESS", "ECS deployment "+deployment+" in progress."),
			row("1", "4", "4", "PRIMARY", "COMPLETED", "ECS deployment "+deployment+" completed.")},
			wantOut: []string{"Waiting for the service " + serviceName + " to be steady: deployment " + deployment,
				"service " + serviceName + ": 2 of 4 tasks running, deployment IN_PROGRESS", "Service " + serviceName + " is steady: 4 of 4 tasks running"},
			wantAWS: []string{"describe-services", "describe-services", "describe-services"}},
		{name: "circuit breaker", describe: []string{deployment, row("2", "4", "0", "PRIMARY", "FAILED", breaker)},
			list:     task1 + "\t" + task2,
			tasks:    row(task1, "None", pull, "None") + "\n" + row(task2, "1", "Essential container in task exited", "None"),
			wantExit: 1,
			wantOut: []string{"error: the service " + serviceName + " in cluster litellm-test-LiteLLM-Cluster did not become steady: deployment " + deployment + " failed: " + breaker,
				"task aaaa1111: " + pull + " (exit code none, it never ran)", "task bbbb2222: Essential container in task exited (exit code 1)",
				"read the tasks' logs with: " + logs},
			wantAWS: []string{"describe-services", "describe-services", "list-tasks", "describe-tasks"}},
		{name: "rolled back", describe: []string{deployment, row("2", "4", "4", "ACTIVE", "IN_PROGRESS", "ECS deployment "+deployment+" in progress.")},
			list: "None", wantExit: 1,
			wantOut: []string{"did not become steady: deployment " + deployment + " is no longer the primary one (ACTIVE)", "It has no stopped tasks."},
			wantAWS: []string{"describe-services", "describe-services", "list-tasks"}},
		{name: "deployment gone", describe: []string{deployment, row("1", "4", "4", "None", "None", "None")},
			list: "None", wantExit: 1, wantOut: []string{"deployment " + deployment + " is gone"},
			wantAWS: []string{"describe-services", "describe-services", "list-tasks"}},
		{name: "timed out", describe: []string{deployment, row("2", "4", "0", "PRIMARY", "IN_PROGRESS", "ECS deployment "+deployment+" in progress.")},
			list: task1, tasks: row(task1, "None", "ResourceInitializationError: unable to pull secrets", "None"), timeout: "0", wantExit: 1,
			wantOut: []string{"did not become steady: not steady within 0 s: 0 of 4 tasks running, deployment " + deployment + " IN_PROGRESS",
				"task aaaa1111: ResourceInitializationError: unable to pull secrets (exit code none, it never ran)"},
			wantAWS: []string{"describe-services", "describe-services", "list-tasks", "describe-tasks"}},
		{name: "no primary deployment", describe: []string{"None"}, wantExit: 1,
			wantOut: []string{"error: the service " + serviceName + " in cluster litellm-test-LiteLLM-Cluster has no PRIMARY deployment"},
			wantAWS: []string{"describe-services"}},
		{name: "no aws CLI", noAWS: true, wantExit: 1,
			wantOut: []string{"waits for the service " + serviceName + " to be steady with the AWS CLI, and there is no 'aws' on PATH"}},
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			if !tc.noAWS {
				writeFile(t, filepath.Join(bin, "aws"), strings.Replace(fakeSteadyAWS, "BASH", bash, 1), 0o755)
				writeFile(t, filepath.Join(bin, "sleep"), "#!"+bash+"\n:\n", 0o755)
				writeFile(t, filepath.Join(bin, "list.out"), tc.list, 0o644)
				writeFile(t, filepath.Join(bin, "tasks.out"), tc.tasks, 0o644)
				for i, d := range tc.describe {
					writeFile(t, filepath.Join(bin, fmt.Sprintf("describe.%d", i+1)), d, 0o644)
				}
			}
			out, err := runScript(t, bash, interpreter, script, bin, env, tc.timeout)
			if exit := exitCode(t, err); exit != tc.wantExit {
				t.Fatalf("exit %d, want %d; output:\n%s", exit, tc.wantExit, out)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(string(out), want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			calls := readCalls(t, bin)
			var sub []string
			for _, c := range calls {
				sub = append(sub, c[1])
				flags := map[string]string{}
				for i := 2; i+1 < len(c); i += 2 {
					flags[c[i]] = c[i+1]
				}
				if flags["--region"] != "us-east-1" || flags["--cluster"] != env["CLUSTER"] {
					t.Errorf("aws %q: want --region us-east-1 --cluster %s", c, env["CLUSTER"])
				}
				switch c[1] {
				case "describe-services":
					if flags["--services"] != serviceName {
						t.Errorf("aws %q: want --services %s", c, serviceName)
					}
				case "list-tasks":
					if flags["--service-name"] != serviceName || flags["--desired-status"] != "STOPPED" {
						t.Errorf("aws %q: want the service's stopped tasks", c)
					}
				}
			}
			if !slices.Equal(sub, tc.wantAWS) {
				t.Errorf("aws calls = %v, want %v", sub, tc.wantAWS)
			}
		})
	}
}
