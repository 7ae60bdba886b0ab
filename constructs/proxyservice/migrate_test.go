package proxyservice_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/proxyservice"
	"litellm-aws/internal/synthtest"
)

var dataType = *cdktf.DataResource_TfResourceType()

// migrationName is the logical name of the terraform_data that runs the migration.
func migrationName(t *testing.T, doc *synthtest.Doc) string {
	return provisionerName(t, doc, "proxy_migration")
}

// provisionerName is the logical name of the one terraform_data with a provisioner whose name starts with prefix.
func provisionerName(t *testing.T, doc *synthtest.Doc, prefix string) string {
	t.Helper()
	var found []string
	for name, r := range doc.Resources(dataType) {
		if r["provisioner"] != nil && strings.HasPrefix(name, prefix) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one terraform_data %s* with a provisioner, found %v", prefix, found)
	}
	return found[0]
}

// localExec returns the migration's local-exec provisioner.
func localExec(t *testing.T, doc *synthtest.Doc) map[string]any {
	t.Helper()
	return localExecOf(t, doc, migrationName(t, doc))
}

// localExecOf returns the local-exec provisioner of the terraform_data name.
func localExecOf(t *testing.T, doc *synthtest.Doc, name string) map[string]any {
	t.Helper()
	r := doc.Resources(dataType)[name]
	ps := r["provisioner"].([]any)
	if len(ps) != 1 {
		t.Fatalf("%d provisioners, want 1", len(ps))
	}
	le, ok := ps[0].(map[string]any)["local-exec"].(map[string]any)
	if !ok {
		t.Fatalf("provisioner = %v, want local-exec", ps[0])
	}
	return le
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	for k, x := range v.(map[string]any) {
		out[k] = x.(string)
	}
	return out
}

// rendered is the command Terraform runs: the provisioner's command with Terraform's template escapes undone.
func rendered(command string) string {
	return strings.NewReplacer("$${", "${", "%%{", "%{").Replace(command)
}

func TestMigrationTaskDefinition(t *testing.T) {
	cases := []struct {
		name  string
		image func(cdktf.TerraformStack) string
		want  string
	}{
		{"default image", func(cdktf.TerraformStack) string { return "" }, proxyservice.DefaultImage},
		{"deploy-time image", func(s cdktf.TerraformStack) string { return stringVar(s, "litellm_image") }, "${var.litellm_image}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, func(s cdktf.TerraformStack, p *proxyservice.Props) { p.Image = tc.image(s) }).doc
			_, td, c := taskOf(t, doc, migrateFamily)
			_, proxyTD, proxy := taskOf(t, doc, proxyFamily)
			for k, want := range map[string]string{"cpu": `"1024"`, "memory": `"4096"`, "network_mode": `"awsvpc"`,
				"requires_compatibilities": `["FARGATE"]`, "runtime_platform": `{"cpu_architecture":"X86_64","operating_system_family":"LINUX"}`} {
				if got := synthtest.JSON(td[k]); got != want {
					t.Errorf("migration task %s = %s, want %s", k, got, want)
				}
			}
			if td["execution_role_arn"] != proxyTD["execution_role_arn"] || td["task_role_arn"] != nil {
				t.Errorf("migration roles: execution %v (proxy's %v), task %v: want the proxy's execution role and no task role",
					td["execution_role_arn"], proxyTD["execution_role_arn"], td["task_role_arn"])
			}
			if c.Name != "migrate" || c.Image != tc.want || proxy.Image != tc.want || !c.Essential {
				t.Errorf("migration container %s runs %q (proxy %q), want %q", c.Name, c.Image, proxy.Image, tc.want)
			}
			if !slices.Equal(c.Command, []string{"--skip_server_startup"}) || c.EntryPoint != nil {
				t.Errorf("migration entryPoint %q command %q, want the image's entry point with --skip_server_startup", c.EntryPoint, c.Command)
			}
			wantEnv := map[string]string{"DISABLE_SCHEMA_UPDATE": "false", "LITELLM_MODE": "PRODUCTION", "LITELLM_LOG": "INFO"}
			if got := c.env(); synthtest.JSON(got) != synthtest.JSON(wantEnv) {
				t.Errorf("migration environment = %v, want %v", got, wantEnv)
			}
			if got := keys(c.secrets()); !slices.Equal(got, []string{"DATABASE_URL"}) || c.secrets()["DATABASE_URL"] != proxy.secrets()["DATABASE_URL"] {
				t.Errorf("migration secrets = %v, want the proxy's DATABASE_URL only", c.secrets())
			}
			wantLogs := map[string]string{"awslogs-group": logGroup, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "migrate"}
			if c.LogConfiguration.LogDriver != "awslogs" || synthtest.JSON(c.LogConfiguration.Options) != synthtest.JSON(wantLogs) {
				t.Errorf("migration logs = %+v, want %v", c.LogConfiguration, wantLogs)
			}
		})
	}
}

// TestMigrationProvisioner: the provisioner runs MigrationScript with what it needs and nothing else; in the
// emulator the aws CLI finds it through AWS_ENDPOINT_URL in Terraform's own environment (internal/localaws),
// so the stack is the same.
func TestMigrationProvisioner(t *testing.T) {
	for _, tc := range []struct{ name string }{{"one stack for AWS and the emulator"}} {
		t.Run(tc.name, func(t *testing.T) {
			doc := build(t, nil).doc
			le := localExec(t, doc)
			if got := strs(le["interpreter"]); !slices.Equal(got, []string{"bash", "-c"}) {
				t.Errorf("interpreter = %v, want bash -c", got)
			}
			if got := rendered(le["command"].(string)); got != proxyservice.MigrationScript {
				t.Errorf("Terraform would run:\n%s\nwant MigrationScript:\n%s", got, proxyservice.MigrationScript)
			}
			// Anything Terraform would read as its own interpolation or directive is escaped.
			if m := regexp.MustCompile(`(^|[^$])\$\{|(^|[^%])%\{`).FindString(le["command"].(string)); m != "" {
				t.Errorf("unescaped template sequence %q in the command", m)
			}

			migrateTask, _, _ := taskOf(t, doc, migrateFamily)
			cluster := nameOf(t, doc, *ecscluster.EcsCluster_TfResourceType())
			sg, _ := only(t, doc, *securitygroup.SecurityGroup_TfResourceType(), map[string]any{"name": "litellm-test-service"})
			svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
			subnets := strs(svc["network_configuration"].(map[string]any)["subnets"])
			want := map[string]string{
				"CLUSTER":         ref(*ecscluster.EcsCluster_TfResourceType(), cluster, "name"),
				"TASK_DEFINITION": ref(*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), migrateTask, "arn"),
				"SUBNETS":         `${join(",", [` + strings.Join(trimRefs(subnets), ", ") + `])}`,
				"SECURITY_GROUP":  ref(*securitygroup.SecurityGroup_TfResourceType(), sg, "id"),
				"REGION":          "us-east-1",
				"LOG_GROUP":       logGroup,
				"LOG_PREFIX":      "migrate/migrate",
				"TIMEOUT":         "1800",
				"STARTED_BY":      "litellm-aws-migrate",
			}
			if got := stringMap(le["environment"]); synthtest.JSON(got) != synthtest.JSON(want) {
				t.Errorf("provisioner environment = %s\nwant %s", synthtest.JSON(got), synthtest.JSON(want))
			}
			// The task runs where the service does: its subnets and security group.
			if sgs := strs(svc["network_configuration"].(map[string]any)["security_groups"]); !slices.Equal(sgs, []string{want["SECURITY_GROUP"]}) {
				t.Errorf("service security groups %v, migration's %s", sgs, want["SECURITY_GROUP"])
			}
		})
	}
}

// trimRefs turns "${a.b.c}" into "a.b.c", as references read inside an expression.
func trimRefs(refs []string) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = strings.TrimSuffix(strings.TrimPrefix(r, "${"), "}")
	}
	return out
}

// TestMigrationOrdering: the migration runs again for a new task definition or database, waits for what the task
// needs to reach the registry and the database, and the service waits for it.
func TestMigrationOrdering(t *testing.T) {
	f := build(t, nil)
	doc := f.doc
	name := migrationName(t, doc)
	m := doc.Resources(dataType)[name]
	migrateTask, _, _ := taskOf(t, doc, migrateFamily)
	instance := nameOf(t, doc, *dbinstance.DbInstance_TfResourceType())
	wantTriggers := map[string]string{
		"task_definition": ref(*ecstaskdefinition.EcsTaskDefinition_TfResourceType(), migrateTask, "arn"),
		"database":        ref(*dbinstance.DbInstance_TfResourceType(), instance, "address"),
	}
	if got := stringMap(m["triggers_replace"]); synthtest.JSON(got) != synthtest.JSON(wantTriggers) {
		t.Errorf("triggers_replace = %v, want %v", got, wantTriggers)
	}

	var want []string
	for rname := range doc.Resources(*route.Route_TfResourceType()) {
		if strings.Contains(rname, "private-") && strings.Contains(rname, "-nat") {
			want = append(want, addr(*route.Route_TfResourceType(), rname))
		}
	}
	if len(want) == 0 {
		t.Fatal("no private NAT route in the network")
	}
	urlVersion, _ := only(t, doc, *secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType(),
		map[string]any{"secret_id": ref(*secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), secretNameOf(t, doc, "t-database-url"), "id")})
	egress, _ := only(t, doc, *vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType(), map[string]any{"from_port": 5432})
	ingress, _ := only(t, doc, *vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), map[string]any{"from_port": 5432})
	for name := range doc.Resources(*iamrolepolicy.IamRolePolicy_TfResourceType()) {
		if strings.HasPrefix(name, "proxy_execution-policy") || strings.HasPrefix(name, "proxy_task-policy") {
			want = append(want, addr(*iamrolepolicy.IamRolePolicy_TfResourceType(), name))
		}
	}
	want = append(want,
		addr(*dbinstance.DbInstance_TfResourceType(), instance),
		addr(*secretsmanagersecretversion.SecretsmanagerSecretVersion_TfResourceType(), urlVersion),
		addr(*vpcsecuritygroupegressrule.VpcSecurityGroupEgressRule_TfResourceType(), egress),
		addr(*vpcsecuritygroupingressrule.VpcSecurityGroupIngressRule_TfResourceType(), ingress))
	if got := slices.Sorted(slices.Values(strs(m["depends_on"]))); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("migration depends on %v\nwant %v", got, slices.Sorted(slices.Values(want)))
	}

	svc := doc.One(t, *ecsservice.EcsService_TfResourceType())
	if !slices.Contains(strs(svc["depends_on"]), addr(dataType, name)) {
		t.Errorf("service depends on %v, not on the migration %s", svc["depends_on"], name)
	}
	if f.svc.Migration == nil {
		t.Error("ProxyService.Migration is not exposed")
	}
}

func secretNameOf(t *testing.T, doc *synthtest.Doc, secretName string) string {
	t.Helper()
	name, _ := only(t, doc, *secretsmanagersecret.SecretsmanagerSecret_TfResourceType(), map[string]any{"name": secretName})
	return name
}

// TestMigrationScriptText: what the script must do, in the order it must do it.
func TestMigrationScriptText(t *testing.T) {
	s := proxyservice.MigrationScript
	cases := []struct {
		name, want string
	}{
		{"stops at the first failure", "set -euo pipefail"},
		{"checks for the aws CLI", "command -v aws"},
		{"runs the task", `aws ecs run-task --region "$REGION" --cluster "$CLUSTER" --task-definition "$TASK_DEFINITION"`},
		{"on Fargate", "--launch-type FARGATE"},
		{"one task, marked", `--count 1 --started-by "$STARTED_BY"`},
		{"in the private subnets", `"awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUP],assignPublicIp=DISABLED}"`},
		{"reads the failure reason", "failures[0].reason"},
		{"waits for STOPPED", `[ "$status" = STOPPED ] && break`},
		{"reads the exit code and reason", "containers[0].exitCode, stoppedReason"},
		{"names the log stream", "aws logs tail $LOG_GROUP --log-stream-names $LOG_PREFIX/$id --region $REGION"},
		{"stops a task that overran", `aws ecs stop-task --region "$REGION" --cluster "$CLUSTER" --task "$task"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(s, tc.want) {
				t.Errorf("MigrationScript lacks %q", tc.want)
			}
		})
	}
	if check, run := strings.Index(s, "command -v aws"), strings.Index(s, "aws ecs"); check < 0 || run < check {
		t.Errorf("the script calls aws (at %d) before it checks for it (at %d)", run, check)
	}
	// Every variable the script reads is in the provisioner's environment, and every one there is read.
	doc := build(t, nil).doc
	env := stringMap(localExec(t, doc)["environment"])
	var read []string
	for _, m := range regexp.MustCompile(`\$\{?([A-Z][A-Z0-9_]*)`).FindAllStringSubmatch(s, -1) {
		if m[1] != "SECONDS" { // bash's own
			read = append(read, m[1])
		}
	}
	read = slices.Compact(slices.Sorted(slices.Values(read)))
	var given []string
	for k := range env {
		given = append(given, k)
	}
	if given = slices.Sorted(slices.Values(given)); !slices.Equal(read, given) {
		t.Errorf("the script reads %v; the provisioner sets %v", read, given)
	}
}

func TestMigrationScriptSyntax(t *testing.T) {
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = strings.NewReader(proxyservice.MigrationScript)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}

// fakeAWS is a stand-in for the AWS CLI: it records every call (one line each, arguments separated by \x1f) and
// answers from files next to it. sleep is a stand-in too, so the wait loop turns without waiting.
const fakeAWS = `#!BASH
d=${0%/*}
(IFS=$'\x1f'; printf '%s\n' "$*") >>"$d/calls"
case "$1 $2" in
"ecs run-task")
  if [ -f "$d/run-task.error" ]; then printf '%s\n' "$(<"$d/run-task.error")" >&2; exit 255; fi
  printf '%s\n' "$(<"$d/run-task.out")" ;;
"ecs describe-tasks")
  n=1; [ -f "$d/describe.count" ] && n=$(( $(<"$d/describe.count") + 1 ))
  printf '%s' "$n" >"$d/describe.count"
  while [ "$n" -gt 1 ] && [ ! -f "$d/describe.$n" ]; do n=$((n - 1)); done
  printf '%s\n' "$(<"$d/describe.$n")" ;;
"ecs stop-task") printf '{}\n' ;;
*) printf 'fake aws: unexpected call: %s\n' "$*" >&2; exit 2 ;;
esac
`

const (
	taskArn = "arn:aws:ecs:us-east-1:123456789012:task/litellm-test-LiteLLM-Cluster/0123456789abcdef0123456789abcdef"
	taskID  = "0123456789abcdef0123456789abcdef"
)

// TestMigrationScriptRuns runs the script Terraform would run, with bash, against a fake aws.
func TestMigrationScriptRuns(t *testing.T) {
	doc := build(t, nil).doc
	le := localExec(t, doc)
	script := rendered(le["command"].(string))
	interpreter := strs(le["interpreter"])
	env := stringMap(le["environment"])
	// What Terraform knows only at apply time.
	applied := map[string]string{
		"CLUSTER":         "litellm-test-LiteLLM-Cluster",
		"TASK_DEFINITION": "arn:aws:ecs:us-east-1:123456789012:task-definition/litellm-test-litellm-migrate:3",
		"SUBNETS":         "subnet-0aaa,subnet-0bbb",
		"SECURITY_GROUP":  "sg-0123",
	}
	for k, v := range env {
		if strings.Contains(v, "${") {
			if applied[k] == "" {
				t.Fatalf("%s = %s is computed at apply time; give the test a value for it", k, v)
			}
			env[k] = applied[k]
		}
	}
	logCommand := "aws logs tail " + logGroup + " --log-stream-names migrate/migrate/" + taskID + " --region us-east-1"

	cases := []struct {
		name     string
		noAWS    bool
		runTask  string   // run-task's output: task ARN and failure reason, tab-separated
		runError string   // run-task fails with this on stderr
		describe []string // successive describe-tasks outputs: status, exit code, stopped reason
		timeout  string
		wantExit int
		wantOut  []string // in stdout and stderr together
		wantAWS  []string // the aws subcommands called, in order
	}{
		{name: "migrated", runTask: taskArn + "\tNone",
			describe: []string{"PROVISIONING\tNone\tNone", "RUNNING\tNone\tNone", "STOPPED\t0\tEssential container in task exited"},
			wantExit: 0, wantOut: []string{"Migration task " + taskID + " started", "migration task " + taskID + ": RUNNING", "Migration task " + taskID + " finished (exit code 0)"},
			wantAWS: []string{"run-task", "describe-tasks", "describe-tasks", "describe-tasks"}},
		{name: "migration failed", runTask: taskArn + "\tNone",
			describe: []string{"STOPPED\t3\tEssential container in task exited"},
			wantExit: 1, wantOut: []string{"error: LiteLLM's database migration failed: task " + taskID + " exited with code 3 (Essential container in task exited)",
				"read its log with: " + logCommand, "the service was not changed"},
			wantAWS: []string{"run-task", "describe-tasks"}},
		{name: "container never started", runTask: taskArn + "\tNone",
			describe: []string{"STOPPED\tNone\tCannotPullContainerError: pull image manifest has been retried 7 time(s)"},
			wantExit: 1, wantOut: []string{"error: the migration task " + taskID + " stopped before its container ran: CannotPullContainerError: pull image manifest has been retried 7 time(s); the service was not changed"},
			wantAWS: []string{"run-task", "describe-tasks"}},
		{name: "ECS placed no task", runTask: "None\tRESOURCE:ENI",
			wantExit: 1, wantOut: []string{"error: ECS did not start the migration task: RESOURCE:ENI; the service was not changed"},
			wantAWS: []string{"run-task"}},
		{name: "run-task refused", runError: "An error occurred (AccessDeniedException) when calling the RunTask operation: not authorized",
			wantExit: 1, wantOut: []string{"AccessDeniedException", "error: ECS did not start the migration task (aws ecs run-task failed, see above)"},
			wantAWS: []string{"run-task"}},
		{name: "timed out", runTask: taskArn + "\tNone", describe: []string{"RUNNING\tNone\tNone"}, timeout: "0",
			wantExit: 1, wantOut: []string{"error: the migration task " + taskID + " did not stop within 0 s and was stopped; its log: " + logCommand},
			wantAWS: []string{"run-task", "describe-tasks", "stop-task"}},
		{name: "no aws CLI", noAWS: true,
			wantExit: 1, wantOut: []string{"there is no 'aws' on PATH: install the AWS CLI", "the service was not changed"}},
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			if !tc.noAWS {
				writeFile(t, filepath.Join(bin, "aws"), strings.Replace(fakeAWS, "BASH", bash, 1), 0o755)
				writeFile(t, filepath.Join(bin, "sleep"), "#!"+bash+"\n:\n", 0o755)
				writeFile(t, filepath.Join(bin, "run-task.out"), tc.runTask, 0o644)
				if tc.runError != "" {
					writeFile(t, filepath.Join(bin, "run-task.error"), tc.runError, 0o644)
				}
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
			}
			if !slices.Equal(sub, tc.wantAWS) {
				t.Errorf("aws calls = %v, want %v", sub, tc.wantAWS)
			}
			for _, c := range calls {
				checkCall(t, c, env)
			}
		})
	}
}

func readCalls(t *testing.T, dir string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "calls"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		out = append(out, strings.Split(line, "\x1f"))
	}
	return out
}

// checkCall holds each aws call to the arguments it must have.
func checkCall(t *testing.T, argv []string, env map[string]string) {
	t.Helper()
	if len(argv) < 2 || argv[0] != "ecs" || len(argv)%2 != 0 {
		t.Errorf("aws %q is not `ecs <command> --flag value ...`", argv)
		return
	}
	flags := map[string]string{}
	for i := 2; i < len(argv); i += 2 {
		flags[argv[i]] = argv[i+1]
	}
	var want map[string]string
	switch argv[1] {
	case "run-task":
		want = map[string]string{"--region": "us-east-1", "--cluster": env["CLUSTER"], "--task-definition": env["TASK_DEFINITION"],
			"--launch-type": "FARGATE", "--count": "1", "--started-by": "litellm-aws-migrate",
			"--network-configuration": "awsvpcConfiguration={subnets=[subnet-0aaa,subnet-0bbb],securityGroups=[sg-0123],assignPublicIp=DISABLED}",
			"--query":                 "[tasks[0].taskArn, failures[0].reason]", "--output": "text"}
	case "describe-tasks":
		want = map[string]string{"--region": "us-east-1", "--cluster": env["CLUSTER"], "--tasks": taskArn,
			"--query": "tasks[0].[lastStatus, containers[0].exitCode, stoppedReason]", "--output": "text"}
	case "stop-task":
		want = map[string]string{"--region": "us-east-1", "--cluster": env["CLUSTER"], "--task": taskArn, "--reason": "migration timed out"}
	}
	if synthtest.JSON(flags) != synthtest.JSON(want) {
		t.Errorf("aws ecs %s %s\nwant %s", argv[1], synthtest.JSON(flags), synthtest.JSON(want))
	}
}

// runScript runs a provisioner's script with bash and only the fakes in bin on PATH, the provisioner's
// environment with TIMEOUT bounded (timeout, or 5 s: the fake sleep makes the loop instant), and returns its
// combined output and error.
func runScript(t *testing.T, bash string, interpreter []string, script, bin string, env map[string]string, timeout string) ([]byte, error) {
	t.Helper()
	vars := []string{"PATH=" + bin} // only the fakes: no real aws, nothing else
	for k, v := range env {
		if k == "TIMEOUT" {
			v = "5"
			if timeout != "" {
				v = timeout
			}
		}
		vars = append(vars, k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, append(interpreter[1:], script)...)
	cmd.Env = vars
	return cmd.CombinedOutput()
}
