# shellcheck shell=bash
# ./help benchmark: LiteLLM's benchmark run from inside the stack's region, as the stack's load generator task
# (constructs/loadgen) in its private subnets. Sourced after scripts/lib.sh and scripts/verbs/loadtest.sh
# (has_flag, stack_profile).
#
# The flow: check the flags with the tester itself (loadtest -check) and the stack's outputs, push the tester's
# image (go run ./loadtest/image, tagged by content) to the stack's ECR repository, register a revision of the
# stack's task definition family with that image pinned by digest, run it with the scenario as the command
# override, follow it, then fetch the reports the task put in the stack's log bucket. With --local the same flow
# runs against the local AWS emulator: the image goes to a registry on 127.0.0.1, the emulator runs the pulled
# binary for the task (emulator/patches_loadgen.py), and the URL is a stub on 127.0.0.1.
#
# Settings: LITELLM_AWS_ENDPOINT (with --local: the emulator to use, else the one ./help emulator runs),
# LITELLM_BENCHMARK_STACK_DIR (the stack's Terraform directory; default cdktf.out/stacks/<stack>, or
# cdktf.local.out with --local), LITELLM_BENCHMARK_POLL_SECONDS (5, or 1 with --local),
# LITELLM_BENCHMARK_STUB_LATENCY (--local: the stub's latency, 100ms).

# Flags the benchmark sets itself, with why.
benchmark_refused() {
  case $1 in
    url) echo "the benchmark loads the stack's own load balancer (load_balancer_url); to load another URL, run ./help loadtest with -url" ;;
    key) echo "the task reads the master key from the stack's <stack>-master-key secret; a -key would be readable in the task's overrides" ;;
    json | html) echo "the benchmark writes benchmark-<stack>-<time>.json and .html into the current directory itself" ;;
    upload) echo "the task puts its reports into the stack's report bucket itself" ;;
    smoke) echo "the benchmark runs a load test; for the smoke check run ./help smoke" ;;
    stub) echo "the benchmark runs a load test against the stack; to serve a stub run go run ./loadtest -stub ADDR" ;;
    check) echo "the benchmark checks the flags itself before it starts anything" ;;
  esac
}

need_jq() {
  command -v jq >/dev/null 2>&1 && return
  log "installing jq from Debian's packages (./help benchmark reads the AWS CLI's JSON with it)"
  apt_install jq
  command -v jq >/dev/null 2>&1 || die "jq is not installed and could not be: install jq and run this again"
}

# bench_aws ARGS...: the aws CLI in the stack's region (and, with --local, at the emulator: the endpoint goes on the
# command line because aws CLI v1 ignores AWS_ENDPOINT_URL for some services).
bench_aws() {
  aws ${BENCH_ENDPOINT:+--endpoint-url "$BENCH_ENDPOINT"} --region "$BENCH_REGION" "$@"
}

# bench_command URL: the task's command, as a JSON array: the task definition's, the profile dropped when the flags
# name one, the URL when given (the stub, with --local), the flags, and where to upload. Later flags win.
bench_command() {
  local url=$1
  local base=("${BENCH_BASE[@]}")
  if has_flag profile "${BENCH_FLAGS[@]}" || has_flag instances "${BENCH_FLAGS[@]}"; then
    local kept=() i=0
    while [ $i -lt ${#base[@]} ]; do
      if [ "${base[$i]}" = -profile ]; then i=$((i + 2)); continue; fi
      kept+=("${base[$i]}")
      i=$((i + 1))
    done
    base=("${kept[@]}")
  fi
  [ -n "$url" ] && base+=(-url "$url")
  printf '%s\n' "${base[@]}" "${BENCH_FLAGS[@]}" -upload "$BENCH_UPLOAD" | jq -R . | jq -cs .
}

# bench_check COMMAND_JSON: the tester's -check on a command (with a stand-in key: the task gets the real one from
# the secret); prints the settings JSON or dies with the tester's own messages.
bench_check() {
  local args=() out
  mapfile -t args < <(jq -r '.[]' <<<"$1")
  if ! out=$(LITELLM_MASTER_KEY=sk-benchmark-check "$BENCH_WORK/loadtest" -check "${args[@]}" 2>"$BENCH_WORK/check.err"); then
    sed 's/^run loadtest -h for the flags$/the flags are the load tester'"'"'s: go run .\/loadtest -h/' "$BENCH_WORK/check.err" >&2
    die "bad load test flags for ./help benchmark (nothing was pushed or started)"
  fi
  printf '%s\n' "$out"
}

# bench_cleanup: on any exit, stop what this run started and was not finished with.
bench_cleanup() {
  local code=$?
  set +e
  if [ -n "${BENCH_TASK:-}" ] && [ -z "${BENCH_TASK_DONE:-}" ]; then
    log "stopping the load generator task ${BENCH_TASK##*/}"
    bench_aws ecs stop-task --cluster "$BENCH_CLUSTER" --task "$BENCH_TASK" --reason "./help benchmark was interrupted" >/dev/null 2>&1
  fi
  if [ -n "${BENCH_REVISION:-}" ]; then
    # The revision named this run's image; the family's own (Terraform's) stays.
    bench_aws ecs deregister-task-definition --task-definition "$BENCH_REVISION" >/dev/null 2>&1
  fi
  if [ -n "${BENCH_STUB_PID:-}" ]; then kill "$BENCH_STUB_PID" 2>/dev/null; wait "$BENCH_STUB_PID" 2>/dev/null; fi
  if [ -n "${BENCH_RUNNER_SET:-}" ]; then bench_emulator_runner "" >/dev/null 2>&1; fi
  [ -n "${BENCH_WORK:-}" ] && rm -rf "$BENCH_WORK"
  exit "$code"
}

# bench_emulator_runner BINARY: tells the emulator which binary runs the family's tasks ("" forgets it).
bench_emulator_runner() {
  python3 - "$BENCH_ENDPOINT/_emulator/ecs/task-runner" "$BENCH_FAMILY" "$1" <<'EOF'
import json, sys, urllib.request
url, family, binary = sys.argv[1:]
body = json.dumps({"family": family, "binary": binary} if binary else {"family": family}).encode()
req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
print(urllib.request.urlopen(req, timeout=10).read().decode())
EOF
}

# bench_output NAME: one of the stack's outputs (from $BENCH_OUTPUTS), as text.
bench_output() { jq -r --arg k "$1" '.[$k].value // empty | if type == "array" then join(",") else tostring end' <<<"$BENCH_OUTPUTS"; }

# verb: benchmark <stack> [--local] [flags] - the load test from a Fargate task in the stack's VPC; prints the verdict, writes benchmark-<stack>-<time>.json/.html
verb_benchmark() {
  require_stack "${1:-}"
  local s=$1
  shift
  split_local "$@"
  BENCH_FLAGS=("${ARGS_LEFT[@]}")
  local where="" f
  [ -n "$LOCAL" ] && where=" --local"

  # 1. The flags: those the benchmark sets itself, then the tester's own check.
  for f in url key json html upload smoke stub check; do
    if has_flag "$f" "${BENCH_FLAGS[@]}"; then
      die "./help benchmark does not take -$f: $(benchmark_refused "$f") (nothing was pushed or started)"
    fi
  done
  need_go
  need_jq
  need_aws_cli
  BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/litellm-benchmark.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  log "building the load tester to check the flags"
  (cd "$ROOT" && CGO_ENABLED=0 go build -o "$BENCH_WORK/loadtest" ./loadtest) || die "go build ./loadtest failed"
  BENCH_BASE=(-url http://load-balancer.invalid -profile "$(stack_profile "$s")" -assert)
  BENCH_UPLOAD=s3://report-bucket.invalid/benchmark/check/
  bench_check "$(bench_command "")" >/dev/null

  # 2. Where the stack is, and who we are there.
  if [ -n "$LOCAL" ]; then
    need_moto_for_benchmark
    BENCH_ENDPOINT=${LITELLM_AWS_ENDPOINT:-}
    if [ -z "$BENCH_ENDPOINT" ]; then
      # shellcheck source=scripts/emulator.sh
      source "$ROOT/scripts/emulator.sh"
      local port
      port=$(_emulator_port) ||
        die "the local AWS emulator is not running, so stack $s is not deployed in it: run ./help deploy $s --local first"
      BENCH_ENDPOINT=http://127.0.0.1:$port
    fi
    case $BENCH_ENDPOINT in http://127.* | http://localhost:*) ;; *) die "LITELLM_AWS_ENDPOINT=$BENCH_ENDPOINT is not a local emulator: allowed http://127.0.0.1:PORT" ;; esac
    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
    export AWS_ENDPOINT_URL=$BENCH_ENDPOINT AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
      AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  else
    BENCH_ENDPOINT=""
    local who
    who=$(aws sts get-caller-identity --query Arn --output text 2>"$BENCH_WORK/sts.err") ||
      die "no usable AWS credentials ($(tail -n 1 "$BENCH_WORK/sts.err")): configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the account $s is deployed in, then run this again (nothing was pushed or started)"
    log "AWS identity: $who"
  fi

  local outdir=cdktf.out
  [ -n "$LOCAL" ] && outdir=cdktf.local.out
  local dir=${LITELLM_BENCHMARK_STACK_DIR:-$ROOT/$outdir/stacks/$s}
  ensure_terraform
  [ -d "$dir/.terraform" ] || die "stack $s has not been deployed from this checkout ($dir has no .terraform): run ./help deploy $s$where first"
  BENCH_OUTPUTS=$(cd "$dir" && "$TERRAFORM" output -json 2>"$BENCH_WORK/output.err") ||
    die "cannot read stack $s's outputs: $(tail -n 3 "$BENCH_WORK/output.err")"
  [ "$(jq 'length' <<<"$BENCH_OUTPUTS")" -gt 0 ] ||
    die "stack $s has no outputs: has ./help deploy $s$where finished? (nothing was pushed or started)"
  [ -n "$(bench_output loadgen_task_family)" ] ||
    die "stack $s has no load generator (no loadgen_* outputs): it was deployed before the load generator was added; run ./help deploy $s$where to add it (an ECR repository, a task definition, two roles, a security group and a log group; nothing runs until a benchmark)"
  local repo cluster subnets sg bucket prefix loggroup url
  repo=$(bench_output loadgen_repository_url)
  BENCH_FAMILY=$(bench_output loadgen_task_family)
  BENCH_CLUSTER=$(bench_output cluster_name)
  loggroup=$(bench_output loadgen_log_group_name)
  sg=$(bench_output loadgen_security_group_id)
  subnets=$(bench_output private_subnet_ids)
  bucket=$(bench_output benchmark_report_bucket)
  prefix=$(bench_output benchmark_report_prefix)
  url=$(bench_output load_balancer_url)
  # <account>.dkr.ecr.<region>.amazonaws.com/<name>
  BENCH_REGION=$(sed -n 's/^[0-9]*\.dkr\.ecr\.\([a-z0-9-]*\)\.amazonaws\.com.*/\1/p' <<<"$repo")
  [ -n "$BENCH_REGION" ] || BENCH_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}

  local described
  described=$(bench_aws ecs describe-task-definition --task-definition "$BENCH_FAMILY" --include TAGS --output json 2>"$BENCH_WORK/describe.err") || {
    [ -n "$LOCAL" ] && die "stack $s is not deployed in the emulator at $BENCH_ENDPOINT (no task definition $BENCH_FAMILY; the emulator keeps nothing across restarts): run ./help deploy $s --local first"
    die "cannot read the task definition $BENCH_FAMILY: $(tail -n 1 "$BENCH_WORK/describe.err")"
  }
  mapfile -t BENCH_BASE < <(jq -r '.taskDefinition.containerDefinitions[] | select(.name == "loadgen") | .command[]' <<<"$described")
  [ ${#BENCH_BASE[@]} -gt 0 ] || die "the task definition $BENCH_FAMILY has no loadgen container with a command: run ./help deploy $s$where"

  local stamp out command settings duration
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  out="$PWD/benchmark-$s-$stamp"
  BENCH_UPLOAD="s3://$bucket/$prefix$stamp/"
  # The real command, checked again before anything starts (with --local the stub's URL replaces the load balancer's).
  local target=$url
  [ -n "$LOCAL" ] && target=http://127.0.0.1:9
  settings=$(bench_check "$(bench_command "$([ -n "$LOCAL" ] && echo "$target")")")
  duration=$(jq -r '.duration_s | floor' <<<"$settings")
  log "benchmark of $s: $(jq -r '"\(.users) users at \(.spawn_rate)/s for \(.duration_s) s, judged against \(if .profile != "" then .profile else "\(.instances) instances" end)"' <<<"$settings"), from a Fargate task in the stack's private subnets"

  # 3. With --local, a stub stands for the load balancer: the emulator's load balancer has no address.
  if [ -n "$LOCAL" ]; then
    local key="" line
    key=$(bench_aws secretsmanager get-secret-value --secret-id "$s-master-key" --query SecretString --output text 2>/dev/null) || key=""
    "$BENCH_WORK/loadtest" -stub 127.0.0.1:0 ${key:+-key "$key"} -stub-latency "${LITELLM_BENCHMARK_STUB_LATENCY:-100ms}" -stub-overhead 2ms \
      >"$BENCH_WORK/stub.out" 2>&1 &
    BENCH_STUB_PID=$!
    local tries=100
    until line=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$BENCH_WORK/stub.out" 2>/dev/null) && [ -n "$line" ]; do
      kill -0 "$BENCH_STUB_PID" 2>/dev/null || die "the stub did not start: $(cat "$BENCH_WORK/stub.out")"
      tries=$((tries - 1))
      [ "$tries" -gt 0 ] || die "the stub did not start within 10 s"
      sleep 0.1
    done
    target=$line
    log "stub LiteLLM at $target stands for the load balancer (latency ${LITELLM_BENCHMARK_STUB_LATENCY:-100ms}, the stack's master key)"
  fi
  command=$(bench_command "$([ -n "$LOCAL" ] && echo "$target")")

  # 4. The image: built, pushed (once per content: tags are immutable), pinned by digest in a new revision.
  local pinned image
  if [ -n "$LOCAL" ]; then
    log "pushing the load tester's image to a registry on 127.0.0.1 (the emulator has no ECR registry) and pulling it back"
    pinned=$(cd "$ROOT" && go run ./loadtest/image -local-repository "$BENCH_FAMILY" -extract "$BENCH_WORK/loadtest-image") ||
      die "building or pushing the load tester's image failed (see above)"
  else
    log "pushing the load tester's image to $repo"
    pinned=$( (aws ecr get-login-password --region "$BENCH_REGION" || exit 1) |
      (cd "$ROOT" && go run ./loadtest/image -repository "$repo" -password-stdin)) ||
      die "building or pushing the load tester's image to $repo failed (see above); nothing was started"
  fi
  image="$repo@${pinned#*@}"
  jq --arg image "$image" '
    .tags as $tags | .taskDefinition
    | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints,
       requiresCompatibilities, cpu, memory, pidMode, ipcMode, ephemeralStorage, runtimePlatform}
    | .containerDefinitions |= map(if .name == "loadgen" then .image = $image else . end)
    | with_entries(select(.value != null and .value != []))
    | if ($tags // []) != [] then .tags = $tags else . end' <<<"$described" >"$BENCH_WORK/taskdef.json"
  BENCH_REVISION=$(bench_aws ecs register-task-definition --cli-input-json "file://$BENCH_WORK/taskdef.json" \
    --query taskDefinition.taskDefinitionArn --output text 2>"$BENCH_WORK/register.err") ||
    die "cannot register a revision of $BENCH_FAMILY with the image $image: $(tail -n 1 "$BENCH_WORK/register.err")"
  log "task definition ${BENCH_REVISION##*/} runs $image"
  if [ -n "$LOCAL" ]; then
    bench_emulator_runner "$BENCH_WORK/loadtest-image" >/dev/null || die "the emulator at $BENCH_ENDPOINT did not take the load generator's runner"
    BENCH_RUNNER_SET=1
  fi

  # 5. Run it.
  jq -n --argjson command "$command" '{containerOverrides: [{name: "loadgen", command: $command}]}' >"$BENCH_WORK/overrides.json"
  local started task reason
  started=$(bench_aws ecs run-task --cluster "$BENCH_CLUSTER" --task-definition "$BENCH_REVISION" --launch-type FARGATE --count 1 \
    --started-by litellm-aws-benchmark \
    --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$sg],assignPublicIp=DISABLED}" \
    --overrides "file://$BENCH_WORK/overrides.json" --output json 2>"$BENCH_WORK/run.err") ||
    die "ECS did not start the load generator: $(tail -n 1 "$BENCH_WORK/run.err")"
  task=$(jq -r '.tasks[0].taskArn // empty' <<<"$started")
  reason=$(jq -r '[.failures[]? | "\(.reason)\(if .detail then " (\(.detail))" else "" end)"] | join("; ")' <<<"$started")
  [ -n "$task" ] || die "ECS did not start the load generator: ${reason:-no task and no reason given}"
  BENCH_TASK=$task
  local id=${task##*/} stream="loadgen/loadgen/${task##*/}"
  local tail_cmd="aws logs tail $loggroup --log-stream-names $stream --region $BENCH_REGION"
  log "task $id started in $BENCH_CLUSTER; its log: $tail_cmd"

  # 6. Follow it to the end.
  local poll=${LITELLM_BENCHMARK_POLL_SECONDS:-5}
  [ -n "$LOCAL" ] && poll=${LITELLM_BENCHMARK_POLL_SECONDS:-1}
  local deadline=$((SECONDS + duration + 900)) state status="" last="" code why now shown="" terminal=""
  [ -t 2 ] && terminal=1
  local began=$SECONDS
  while :; do
    state=$(bench_aws ecs describe-tasks --cluster "$BENCH_CLUSTER" --tasks "$task" --output json 2>"$BENCH_WORK/describe-task.err") ||
      die "cannot read the state of task $id: $(tail -n 1 "$BENCH_WORK/describe-task.err")"
    now=$(jq -r '.tasks[0].lastStatus // "UNKNOWN"' <<<"$state")
    if [ "$now" != "$status" ]; then
      [ -n "$shown" ] && [ -n "$terminal" ] && printf '\n' >&2
      shown=""
      status=$now
      log "task $id: $status"
      [ "$status" = RUNNING ] && began=$SECONDS
    fi
    [ "$status" = STOPPED ] && break
    if [ "$status" = RUNNING ]; then
      last=$(bench_aws logs get-log-events --log-group-name "$loggroup" --log-stream-name "$stream" --limit 1 \
        --query 'events[-1].message' --output text 2>/dev/null) || last=""
      [ "$last" = None ] && last=""
      local e=$((SECONDS - began)) line
      line=$(printf '  running %d:%02d  %s' $((e / 60)) $((e % 60)) "$last")
      if [ -n "$terminal" ]; then
        printf '\r\033[K%s' "$line" >&2
        shown=1
      elif [ "$last" != "$shown" ] && [ -n "$last" ]; then
        printf '%s\n' "$line" >&2
        shown=$last
      fi
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      bench_aws ecs stop-task --cluster "$BENCH_CLUSTER" --task "$task" --reason "./help benchmark: no end within the run's duration + 15 min" >/dev/null 2>&1 || true
      BENCH_TASK_DONE=1
      die "task $id did not finish within $((duration + 900)) s (the run's $duration s and 15 min to start and report) and was stopped; its log: $tail_cmd"
    fi
    sleep "$poll"
  done
  [ -n "$shown" ] && [ -n "$terminal" ] && printf '\n' >&2
  BENCH_TASK_DONE=1
  code=$(jq -r '.tasks[0].containers[] | select(.name == "loadgen") | .exitCode // "none"' <<<"$state")
  why=$(jq -r '[.tasks[0].stoppedReason, (.tasks[0].containers[] | select(.name == "loadgen") | .reason)] | map(select(. != null and . != "")) | join(": ")' <<<"$state")

  # 7. The verdict, the reports.
  case $code in
    none | null | "")
      die "the load generator stopped before the tester ran: ${why:-no reason given} (task $id; ECS's reason above; log, if any: $tail_cmd)" ;;
    0 | 3) ;;
    *)
      log "the load tester's last lines:"
      bench_aws logs get-log-events --log-group-name "$loggroup" --log-stream-name "$stream" --limit 20 \
        --query 'events[].message' --output text 2>/dev/null | tr '\t' '\n' | sed 's/^/  | /' >&2 || true
      die "the load generator failed: exit code $code (${why:-no reason given}); task $id; its log: $tail_cmd" ;;
  esac
  log "fetching the reports from $BENCH_UPLOAD"
  bench_aws s3 cp --only-show-errors "${BENCH_UPLOAD}report.json" "$out.json" >&2 &&
    bench_aws s3 cp --only-show-errors "${BENCH_UPLOAD}report.html" "$out.html" >&2 &&
    bench_aws s3 cp --only-show-errors "${BENCH_UPLOAD}report.txt" "$BENCH_WORK/report.txt" >&2 ||
    die "the run ended (exit code $code) but its reports could not be fetched from $BENCH_UPLOAD (see above); its log: $tail_cmd"
  cat "$BENCH_WORK/report.txt"
  echo
  if [ "$code" = 0 ]; then
    echo "Verdict held: the run met the published figures for $(jq -r 'if .profile != "" then .profile else "\(.instances) instances" end' <<<"$settings") (task $id exited 0)."
  else
    echo "Verdict missed: the run fell short of the published figures (task $id exited 3, the tester's -assert); see the notes above."
  fi
  echo "Reports: $out.json and $out.html (also in $BENCH_UPLOAD)"
  [ "$code" = 0 ] || exit 3
}

# need_moto_for_benchmark: python3 for the emulator's control endpoint (and moto, when this starts nothing, is
# the emulator's business).
need_moto_for_benchmark() {
  command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH: ./help benchmark --local talks to the local AWS emulator with it"
}
