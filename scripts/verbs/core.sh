# shellcheck shell=bash
# The everyday verbs: synthesize, test, and the cdktf deploy/diff/output/destroy wrappers.

# require_stack NAME: dies unless NAME is one of STACKS (scripts/lib.sh, from internal/facts/facts.txt).
require_stack() {
  local s=${1:-}
  [ -n "$s" ] || die "name a stack: one of ${STACKS[*]}"
  local k
  for k in "${STACKS[@]}"; do [ "$k" = "$s" ] && return; done
  die "unknown stack '$s': allowed ${STACKS[*]}"
}

# verb: synth - synthesize every stack into cdktf.out/stacks/<stack>/cdk.tf.json
verb_synth() {
  synth_all
  local s
  for s in "${STACKS[@]}"; do
    [ -f "$ROOT/cdktf.out/stacks/$s/cdk.tf.json" ] || die "synth did not write cdktf.out/stacks/$s/cdk.tf.json"
    echo "cdktf.out/stacks/$s/cdk.tf.json"
  done
}

# verb: test [go test flags] - the whole suite: Go tests, Terraform validate/plan, emulator apply/destroy, cdktf deploy, scanners
verb_test() {
  need_go
  need_node
  # Everything the tests drive is installed (or found in the cache) first, outside any test's timeout.
  ensure_terraform
  ensure_cdktf_cli
  ensure_scanners
  need_aws_cli
  # The load test's HTML report is checked in a real headless browser; the teardown the tests run reads with jq.
  apt_install chromium fonts-liberation
  need_jq
  # shellcheck source=scripts/emulator.sh
  source "$ROOT/scripts/emulator.sh"
  need_moto
  log "go vet ./..."
  (cd "$ROOT" && go vet ./...)
  log "go test ./..."
  # -parallel 12: every emulator lifecycle starts at once; they mostly wait on the provider's RDS timers
  # (a minute or more per create, modify and delete), so more of them side by side overlap those waits.
  # The stacks package holds the longest tests (each profile's whole life in the emulator): it runs in a
  # go test of its own, started first, rather than waiting for one of go test's package slots.
  local others stacks_pid stacks_rc=0 others_rc=0
  others=$(cd "$ROOT" && go list ./... | grep -v '/stacks$')
  (cd "$ROOT" && go test -count=1 -parallel 12 -timeout 80m ./stacks "$@") &
  stacks_pid=$!
  trap 'kill "$stacks_pid" 2>/dev/null' INT TERM
  # shellcheck disable=SC2086 # one argument per package
  (cd "$ROOT" && go test -count=1 -parallel 12 -timeout 80m $others "$@") || others_rc=$?
  wait "$stacks_pid" || stacks_rc=$?
  if [ "$stacks_rc" -ne 0 ] || [ "$others_rc" -ne 0 ]; then
    die "go test failed (stacks: exit $stacks_rc, the other packages: exit $others_rc)"
  fi
}

# split_local ARGS...: sets LOCAL=1 and drops --local from ARGS (into ARGS_LEFT) when it is there.
split_local() {
  LOCAL=""
  ARGS_LEFT=()
  local a
  for a in "$@"; do
    if [ "$a" = "--local" ]; then LOCAL=1; else ARGS_LEFT+=("$a"); fi
  done
}

# use_emulator: starts the local AWS emulator (moto, on 127.0.0.1) and points the app and Terraform at it.
# Emulated stacks synthesize into cdktf.local.out and keep their state in terraform.<stack>.emulator.tfstate,
# apart from anything deployed to AWS.
use_emulator() {
  # shellcheck source=scripts/emulator.sh
  source "$ROOT/scripts/emulator.sh"
  emulator_start
  export LITELLM_AWS_ENDPOINT=$AWS_ENDPOINT_URL
  OUTDIR=cdktf.local.out
}

# preflight STACK ARGS...: before a deploy creates anything, checks credentials, region and the account's Fargate
# On-Demand vCPU quota against the most vCPU the synthesized stack (in $OUTDIR) runs at once with the deploy's
# --var values (preflight/); dies saying what to do when the deploy would not work. With --local it asks the
# emulator, which answers a quota large enough unless a test lowers it. LITELLM_SKIP_PREFLIGHT=1 skips it, for an
# account whose quota you know is enough but that may not read it (servicequotas:GetServiceQuota).
preflight() {
  local s=$1
  shift
  if [ -n "${LITELLM_SKIP_PREFLIGHT:-}" ] && [ "$LITELLM_SKIP_PREFLIGHT" != 0 ]; then
    log "skipping the preflight (LITELLM_SKIP_PREFLIGHT=$LITELLM_SKIP_PREFLIGHT)"
    return 0
  fi
  need_go
  log "preflight: credentials, region and the Fargate vCPU quota for $s"
  # Built, not `go run`, which adds its own "exit status 1" to the message.
  local dir rc=0
  dir=$(mktemp -d)
  (cd "$ROOT" && go build -o "$dir/preflight" ./preflight/cmd/preflight) || { rm -rf "$dir"; die "could not build ./preflight/cmd/preflight"; }
  (cd "$ROOT" && "$dir/preflight" -from "$OUTDIR" -stack "$s" -- "$@") || rc=$?
  rm -rf "$dir"
  [ "$rc" -eq 0 ] || die "the preflight found a problem (above): nothing was deployed; LITELLM_SKIP_PREFLIGHT=1 skips the check"
}

# run_cdktf COMMAND STACK ARGS...: cdktf deploy|diff|destroy on one stack; with --local among ARGS, against
# the local emulator and no questions asked. No secret is needed there either: the master key, database password
# and salt key are generated inside the emulator, the Redis token by Terraform, as in AWS. Deletion protection
# stays as users get it (on): `./help teardown <stack> --local` takes an emulated stack down.
run_cdktf() {
  local cmd=$1
  require_stack "${2:-}"
  local s=$2
  shift 2
  split_local "$@"
  ensure_cdktf_cli
  [ "$cmd" = deploy ] && need_aws_cli
  OUTDIR=cdktf.out
  if [ -n "$LOCAL" ]; then
    use_emulator
    [ "$cmd" = diff ] || ARGS_LEFT+=(--auto-approve)
  fi
  # cdktf writes a provider lock file on a stack's first init by asking the registry for checksums, which a
  # machine that installs the provider from a local mirror cannot reach; `terraform init` writes it from
  # the mirror instead, so synthesize and init first, then let cdktf take over.
  (cd "$ROOT" && cdktf synth --output "$OUTDIR" >/dev/null)
  [ "$cmd" = deploy ] && preflight "$s" "${ARGS_LEFT[@]}"
  (cd "$ROOT/$OUTDIR/stacks/$s" && "$TERRAFORM" init -input=false >/dev/null)
  (cd "$ROOT" && cdktf "$cmd" "$s" --skip-synth --output "$OUTDIR" "${ARGS_LEFT[@]}")
}

# verb: deploy <stack> [--local] [--var k=v ...] - cdktf deploy one stack (--local: into the local AWS emulator)
verb_deploy() {
  run_cdktf deploy "$@"
  if [ -n "$LOCAL" ]; then
    echo
    echo "Outputs of $1 in the local emulator ($AWS_ENDPOINT_URL):"
    (cd "$ROOT/$OUTDIR/stacks/$1" && "$TERRAFORM" output)
  fi
}

# verb: diff <stack> [--local] [--var k=v ...] - show what deploy would change
verb_diff() { run_cdktf diff "$@"; }

# verb: output <stack> [--local] [terraform output args] - print the stack's outputs (load_balancer_url, api_endpoint, names)
verb_output() {
  require_stack "${1:-}"
  local s=$1
  shift
  split_local "$@"
  ensure_terraform
  OUTDIR=cdktf.out
  [ -n "$LOCAL" ] && OUTDIR=cdktf.local.out
  [ -d "$ROOT/$OUTDIR/stacks/$s/.terraform" ] || die "stack $s has not been deployed from this checkout: run ./help deploy $s${LOCAL:+ --local} first"
  (cd "$ROOT/$OUTDIR/stacks/$s" && "$TERRAFORM" output "${ARGS_LEFT[@]}")
}

# verb: destroy <stack> [--local] [--var k=v ...] - cdktf destroy one stack (--local: from the local AWS emulator)
verb_destroy() { run_cdktf destroy "$@"; }

# verb: emulator start|stop|env - the local AWS emulator the --local verbs and the tests use
verb_emulator() {
  # shellcheck source=scripts/emulator.sh
  source "$ROOT/scripts/emulator.sh"
  case ${1:-} in
    start) emulator_start && emulator_env ;;
    stop) emulator_stop ;;
    env) emulator_env ;;
    *) die "emulator takes start, stop or env, not '${1:-}'" ;;
  esac
}
