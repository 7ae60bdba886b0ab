package proxyservice

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"litellm-aws/constructs/loadbalancer"
)

// How long a deploy waits for a steady service. One round of starting tasks is SteadyTaskStartSeconds for
// Fargate to place a task and pull the image, the health check grace period (DefaultHealthCheckGracePeriodSeconds,
// 120 s: the container's 90 s start period and two load balancer checks 15 s apart) and the target group's
// deregistration delay (loadbalancer.DeregistrationDelaySeconds, 600 s: the longest response a roll lets finish;
// it ends sooner when nothing is in flight) for the tasks replaced. At the stacks' 150 % deployment maximum a roll
// replaces half the tasks a round, so two rounds. The circuit breaker fails a deployment after half the desired count of failed tasks,
// at least 3, which ECS starts over further rounds: SteadyRounds of them let ECS's own verdict (FAILED, with its
// reason) come first, and the timeout catches tasks that never start, as when the account's Fargate vCPU quota
// is used up (eight-instance runs 32 vCPU, 64 during a roll).
const (
	SteadyTaskStartSeconds           = 180
	SteadyDeregistrationDelaySeconds = loadbalancer.DeregistrationDelaySeconds
	SteadyRounds                     = 3
	// DefaultSteadyTimeoutSeconds is the wait with the default grace period: 45 minutes, most of it the drain of
	// long responses, which a roll must not cut.
	DefaultSteadyTimeoutSeconds = SteadyRounds * (SteadyTaskStartSeconds + DefaultHealthCheckGracePeriodSeconds + SteadyDeregistrationDelaySeconds)
)

// SteadyTimeoutSeconds is the wait for a steady service with p's grace period (see DefaultSteadyTimeoutSeconds).
func SteadyTimeoutSeconds(p Props) int {
	return SteadyRounds * (SteadyTaskStartSeconds + p.HealthCheckGracePeriodSeconds + SteadyDeregistrationDelaySeconds)
}

// steady waits, through the AWS CLI on the deploying machine, until the service's deployment is done, and fails the
// apply with the service's name and its stopped tasks' reasons when it is not. The provider's
// wait_for_steady_state says only "timeout". It runs whenever ECS starts a deployment: a new task definition, a
// secret written again (the service's triggers), or a new desired count, unless autoscaling owns the count (the
// service ignores it then, and a count autoscaling sets starts no deployment).
func (s *ProxyService) steady(p Props, cluster ecscluster.EcsCluster, secrets serviceSecrets) cdktf.DataResource {
	triggers := map[string]any{"task_definition": s.Service.TaskDefinition()}
	if !p.Autoscaling {
		triggers["desired_count"] = s.Service.DesiredCount()
	}
	for name, version := range *secrets.versions {
		triggers["secret_"+name] = version
	}
	environment := map[string]*string{
		"CLUSTER":         cluster.Name(),
		"SERVICE":         s.Service.Name(),
		"TASK_DEFINITION": s.Service.TaskDefinition(),
		"REGION":          jsii.String(p.Region),
		"LOG_GROUP":       s.LogGroupName,
		"LOG_PREFIX":      jsii.String(ContainerName + "/" + ContainerName),
		"TIMEOUT":         jsii.String(fmt.Sprint(SteadyTimeoutSeconds(p))),
	}
	return cdktf.NewDataResource(s.scope, jsii.String("steady"), &cdktf.DataConfig{
		TriggersReplace: &triggers,
		Provisioners: &[]any{&cdktf.LocalExecProvisioner{
			Type:        jsii.String("local-exec"),
			Interpreter: jsii.Strings("bash", "-c"),
			// Terraform reads the command as a template: its own ${ and %{ are escaped.
			Command:     jsii.String(strings.NewReplacer("${", "$${", "%{", "%%{").Replace(SteadyScript)),
			Environment: &environment,
		}},
	})
}

// SteadyScript waits until the service's PRIMARY deployment, the one the apply started, is COMPLETED with every
// desired task running and nothing else deployed; when it FAILED (the circuit breaker), was replaced (rolled back)
// or does not get there in time, it fails the Terraform apply with the service's name, the deployment's reason and
// the most recently stopped tasks' reasons and exit codes. Its inputs come from the environment the provisioner
// sets.
var SteadyScript = strings.TrimSpace(`
set -euo pipefail
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }
command -v aws >/dev/null 2>&1 ||
  fail "the deploy waits for the service $SERVICE to be steady with the AWS CLI, and there is no 'aws' on PATH: install the AWS CLI (v2, or v1.29 or newer) and deploy again"
describe() {
  aws ecs describe-services --region "$REGION" --cluster "$CLUSTER" --services "$SERVICE" --query "$1" --output text
}
# Stops the apply: the service, why, and what its most recently stopped tasks said.
unsteady() {
  printf 'error: the service %s in cluster %s did not become steady: %s\n' "$SERVICE" "$CLUSTER" "$*" >&2
  local list arns
  list=$(aws ecs list-tasks --region "$REGION" --cluster "$CLUSTER" --service-name "$SERVICE" --desired-status STOPPED \
    --query 'taskArns[:100]' --output text) || list=None
  read -r -a arns <<<"$list"
  if [ "${#arns[@]}" -gt 0 ] && [ "${arns[0]}" != None ]; then
    echo "Its most recently stopped tasks:" >&2
    aws ecs describe-tasks --region "$REGION" --cluster "$CLUSTER" --tasks "${arns[@]}" --output text \
      --query 'reverse(sort_by(tasks, &to_string(stoppedAt)))[:5].[taskArn, containers[0].exitCode, stoppedReason, containers[0].reason]' |
      while IFS=$'\t' read -r arn code why detail; do
        [ "$code" = None ] && code="none, it never ran"
        if [ -z "$detail" ] || [ "$detail" = None ]; then detail=""; else detail=", $detail"; fi
        printf '  task %s: %s (exit code %s%s)\n' "${arn##*/}" "$why" "$code" "$detail" >&2
      done || true
  else
    echo "It has no stopped tasks." >&2
  fi
  fail "read the tasks' logs with: aws logs tail $LOG_GROUP --log-stream-name-prefix $LOG_PREFIX --since 1h --region $REGION"
}
deployment=$(describe "services[0].deployments[?status=='PRIMARY'].id | [0]") ||
  fail "cannot read the service $SERVICE (aws ecs describe-services failed, see above)"
[ -n "$deployment" ] && [ "$deployment" != None ] || fail "the service $SERVICE in cluster $CLUSTER has no PRIMARY deployment"
echo "Waiting for the service $SERVICE to be steady: deployment $deployment of $TASK_DEFINITION (at most $TIMEOUT s)"
deadline=$((SECONDS + TIMEOUT))
mine="deployments[?id=='$deployment'] | [0]"
while :; do
  if state=$(describe "services[0].[length(deployments), desiredCount, runningCount, $mine.status, $mine.rolloutState, $mine.rolloutStateReason]"); then
    read -r count desired running status rollout reason <<<"$state"
    if [ "$status" = PRIMARY ] && [ "$count" = 1 ] && [ "$running" = "$desired" ] &&
      { [ "$rollout" = COMPLETED ] || [ "$rollout" = None ]; }; then
      echo "Service $SERVICE is steady: $running of $desired tasks running"
      exit 0
    fi
    [ "$rollout" = FAILED ] && unsteady "deployment $deployment failed: $reason"
    [ "$status" = None ] && unsteady "deployment $deployment is gone: ECS replaced it ($count deployments now)"
    [ "$status" = PRIMARY ] || unsteady "deployment $deployment is no longer the primary one ($status): ECS rolled it back or another deployment replaced it"
  else
    echo "  aws ecs describe-services failed; trying again" >&2
    running=? desired=? rollout=? reason=
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    unsteady "not steady within $TIMEOUT s: $running of $desired tasks running, deployment $deployment $rollout ($reason)"
  fi
  echo "  service $SERVICE: $running of $desired tasks running, deployment $rollout"
  sleep 10
done
`)
