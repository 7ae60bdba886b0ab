# shellcheck shell=bash
# ./help benchmark: LiteLLM's benchmark run from inside the stack's region, as the stack's load generator task. The
# Go command loadtest/benchmark does it all (its doc comment says how, and which LITELLM_BENCHMARK_* settings it
# reads); this finds what it needs: Go, Terraform to read the stack's outputs, and with --local the emulator ./help
# runs, unless LITELLM_AWS_ENDPOINT names one.

# verb: benchmark <stack> [--local] [flags] - the load test from a Fargate task in the stack's VPC; prints the verdict, writes benchmark-<stack>-<time>.json/.html
verb_benchmark() {
  require_stack "${1:-}"
  split_local "${@:2}"
  need_go
  ensure_terraform
  if [ -n "$LOCAL" ] && [ -z "${LITELLM_AWS_ENDPOINT:-}" ]; then
    # shellcheck source=scripts/emulator.sh
    source "$ROOT/scripts/emulator.sh"
    local port
    # Not running: the command says so, and what to do.
    if port=$(_emulator_port); then export LITELLM_AWS_ENDPOINT=http://127.0.0.1:$port; fi
  fi
  local bin
  bin=$(go_command ./loadtest/benchmark) || die "could not build ./loadtest/benchmark"
  "$bin" -root "$ROOT" -terraform "$TERRAFORM" "$@"
}
