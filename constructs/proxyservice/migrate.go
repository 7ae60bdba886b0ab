package proxyservice

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Migration task size: LiteLLM's own Terraform gives its migration task 4 GiB ("peaks well above 1 GiB",
// terraform/litellm/aws/migrations.tf); Prisma's engine and Node.js share the vCPU.
const (
	MigrationCPU       = 1024
	MigrationMemoryMiB = 4096
	// MigrationTimeoutSeconds bounds the wait for the migration task; a first migration of an empty database
	// takes seconds, a large upgrade minutes.
	MigrationTimeoutSeconds = 1800
	// MigrationStartedBy marks the one-off tasks in `aws ecs list-tasks --started-by`.
	MigrationStartedBy = "litellm-aws-migrate"
)

// migration defines the one-off migration task and runs it, through the AWS CLI on the deploying machine, on
// the first deploy and whenever its task definition changes (a new image). The proxy tasks never migrate
// (general_settings.disable_prisma_schema_update, see mergeConfig): several tasks starting at once would run
// `prisma migrate deploy` concurrently (LiteLLM issue #14400; the lock of #14440 was reverted in #18719).
//
// The command is LiteLLM's documented one-off migration (docs.litellm.ai, proxy/database_migrations):
// `DISABLE_SCHEMA_UPDATE=false litellm --skip_server_startup` runs `prisma migrate deploy` and exits 0 on success,
// 1 or 2 on failure (litellm/proxy/proxy_cli.py, run_server; DISABLE_SCHEMA_UPDATE is read by
// should_update_prisma_schema in litellm/proxy/db/prisma_client.py, "true"/"false" only).
func (s *ProxyService) migration(p Props, cluster ecscluster.EcsCluster, roles serviceRoles, securityGroup *string,
	secrets serviceSecrets) cdktf.DataResource {
	container := map[string]any{
		"name":      MigrationContainerName,
		"image":     p.Image,
		"essential": true,
		// The image's entrypoint runs `litellm "$@"` (docker/prod_entrypoint.sh).
		"command": []string{"--skip_server_startup"},
		"environment": []map[string]string{
			{"name": "DISABLE_SCHEMA_UPDATE", "value": "false"},
			{"name": "LITELLM_MODE", "value": "PRODUCTION"},
			// The migration's own progress is what an operator reads when it fails.
			{"name": "LITELLM_LOG", "value": "INFO"},
		},
		"secrets":          []map[string]string{{"name": "DATABASE_URL", "valueFrom": *p.Database.URLSecretArn}},
		"logConfiguration": awslogs(*s.LogGroupName, p.Region, MigrationContainerName),
	}
	task := ecstaskdefinition.NewEcsTaskDefinition(s.scope, jsii.String("migration-task"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  s.MigrationTaskFamily,
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(fmt.Sprint(MigrationCPU)),
		Memory:                  jsii.String(fmt.Sprint(MigrationMemoryMiB)),
		ExecutionRoleArn:        roles.execution,
		RuntimePlatform:         linuxX86(),
		ContainerDefinitions:    jsii.String(containerDefinitions(container)),
	})

	environment := map[string]*string{
		"CLUSTER":         cluster.Name(),
		"TASK_DEFINITION": task.Arn(),
		"SUBNETS":         cdktf.Fn_Join(jsii.String(","), &p.Network.PrivateSubnetIDs),
		"SECURITY_GROUP":  securityGroup,
		"REGION":          jsii.String(p.Region),
		"LOG_GROUP":       s.LogGroupName,
		"LOG_PREFIX":      jsii.String(MigrationContainerName + "/" + MigrationContainerName),
		"TIMEOUT":         jsii.String(fmt.Sprint(MigrationTimeoutSeconds)),
		"STARTED_BY":      jsii.String(MigrationStartedBy),
	}
	// The task needs its way out (the image registry) and in (the database, open to it).
	dependsOn := append([]cdktf.ITerraformDependable{}, p.Network.PrivateEgress...)
	dependsOn = append(dependsOn, p.Database.Ready...)
	dependsOn = append(dependsOn, s.databaseRules...)
	dependsOn = append(dependsOn, roles.policies...)
	return cdktf.NewDataResource(s.scope, jsii.String("migration"), &cdktf.DataConfig{
		// Run again whenever the task changes (a new image is a new task definition revision) or the
		// database is a new one.
		TriggersReplace: &map[string]any{
			"task_definition": task.Arn(),
			"database":        p.Database.Address,
		},
		Provisioners: &[]any{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("bash", "-c"),
			// Terraform reads the command as a template: its own ${ and %{ are escaped.
			Command:     jsii.String(strings.NewReplacer("${", "$${", "%{", "%%{").Replace(MigrationScript)),
			Environment: &environment,
		}},
		DependsOn: &dependsOn,
	})
}

// MigrationContainerName names the migration task's container and its log streams.
const MigrationContainerName = "migrate"

// MigrationScript runs the migration task and waits for it; any failure fails the Terraform apply with the
// task's exit code, stopped reason and log stream. Its inputs come from the environment the provisioner sets.
var MigrationScript = strings.TrimSpace(`
set -euo pipefail
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
command -v aws >/dev/null 2>&1 ||
  fail "LiteLLM's database migration runs as a one-off ECS task that the AWS CLI starts, and there is no 'aws' on PATH: install the AWS CLI (v2, or v1.29 or newer) and deploy again; the service was not changed"
echo "Running LiteLLM's database migration: task definition $TASK_DEFINITION in cluster $CLUSTER"
started=$(aws ecs run-task --region "$REGION" --cluster "$CLUSTER" --task-definition "$TASK_DEFINITION" \
  --launch-type FARGATE --count 1 --started-by "$STARTED_BY" \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SECURITY_GROUP],assignPublicIp=DISABLED}" \
  --query '[tasks[0].taskArn, failures[0].reason]' --output text) ||
  fail "ECS did not start the migration task (aws ecs run-task failed, see above); the service was not changed"
read -r task reason <<<"$started"
[ -n "$task" ] && [ "$task" != None ] || fail "ECS did not start the migration task: $reason; the service was not changed"
id=${task##*/}
echo "Migration task $id started; waiting for it to stop (at most $TIMEOUT s)"
deadline=$((SECONDS + TIMEOUT))
while :; do
  state=$(aws ecs describe-tasks --region "$REGION" --cluster "$CLUSTER" --tasks "$task" \
    --query 'tasks[0].[lastStatus, containers[0].exitCode, stoppedReason]' --output text)
  read -r status code why <<<"$state"
  [ "$status" = STOPPED ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    aws ecs stop-task --region "$REGION" --cluster "$CLUSTER" --task "$task" --reason "migration timed out" >/dev/null || true
    fail "the migration task $id did not stop within $TIMEOUT s and was stopped; its log: aws logs tail $LOG_GROUP --log-stream-names $LOG_PREFIX/$id --region $REGION"
  fi
  echo "  migration task $id: $status"
  sleep 10
done
if [ "$code" = None ]; then
  fail "the migration task $id stopped before its container ran: $why; the service was not changed"
fi
if [ "$code" != 0 ]; then
  fail "LiteLLM's database migration failed: task $id exited with code $code ($why); read its log with: aws logs tail $LOG_GROUP --log-stream-names $LOG_PREFIX/$id --region $REGION; the service was not changed"
fi
echo "Migration task $id finished (exit code 0)"
`)
