# shellcheck shell=bash
# The everyday verbs: synthesize, test, and the cdktf deploy/diff/output/destroy wrappers.

STACKS=(litellm-benchmark litellm-two-instance litellm-eight-instance)

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

# verb: test - run the whole test suite (Go tests, Terraform validate/plan, emulator, scanners)
verb_test() {
  need_go; need_node
  ensure_terraform
  log "go vet ./..."
  (cd "$ROOT" && go vet ./...)
  log "go test ./..."
  (cd "$ROOT" && go test -count=1 -timeout 60m ./... "$@")
}

# verb: deploy <stack> [--var k=v ...] - cdktf deploy one stack (asks before applying unless --auto-approve)
verb_deploy() {
  require_stack "${1:-}"
  ensure_cdktf_cli
  (cd "$ROOT" && cdktf deploy "$@")
}

# verb: diff <stack> [--var k=v ...] - show what deploy would change
verb_diff() {
  require_stack "${1:-}"
  ensure_cdktf_cli
  (cd "$ROOT" && cdktf diff "$@")
}

# verb: output <stack> - print the stack's outputs (load_balancer_url, api_endpoint, names)
verb_output() {
  require_stack "${1:-}"
  local s=$1
  shift
  ensure_terraform
  [ -d "$ROOT/cdktf.out/stacks/$s/.terraform" ] || die "stack $s has not been deployed from this checkout: run ./help deploy $s first"
  (cd "$ROOT/cdktf.out/stacks/$s" && "$TERRAFORM" output "$@")
}

# verb: destroy <stack> [--var k=v ...] - cdktf destroy one stack
verb_destroy() {
  require_stack "${1:-}"
  ensure_cdktf_cli
  (cd "$ROOT" && cdktf destroy "$@")
}
