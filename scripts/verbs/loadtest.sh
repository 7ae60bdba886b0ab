# shellcheck shell=bash
# Load test and smoke check (loadtest/): LiteLLM's published Locust benchmark, in Go.
# The URL comes from the stack's Terraform outputs and the key from LITELLM_MASTER_KEY or the stack's
# Secrets Manager secret, unless -url / -key are among the flags passed through.

# has_flag NAME ARG...: whether ARG... sets the Go flag NAME (-NAME, --NAME, -NAME=v or --NAME=v).
has_flag() {
  local name=$1 a
  shift
  for a in "$@"; do
    case $a in -"$name" | --"$name" | -"$name"=* | --"$name"=*) return 0 ;; esac
  done
  return 1
}

# stack_profile <stack>: the loadtest -profile judged against for that stack (internal/facts/facts.txt).
stack_profile() { echo "${STACK_PROFILE[$1]}"; }

# stack_url <stack>: the deployed stack's load_balancer_url output, with a scheme.
stack_url() {
  local s=$1 dir="$ROOT/cdktf.out/stacks/$1" url
  ensure_terraform
  [ -d "$dir/.terraform" ] || die "stack $s has not been deployed from this checkout: run ./help deploy $s first, or pass -url"
  url=$(cd "$dir" && "$TERRAFORM" output -raw load_balancer_url 2>/dev/null) ||
    die "stack $s has no load_balancer_url output yet: has ./help deploy $s finished? (or pass -url)"
  [ -n "$url" ] || die "stack $s's load_balancer_url output is empty (or pass -url)"
  case $url in http://* | https://*) ;; *) url="http://$url" ;; esac
  printf '%s\n' "$url"
}

# stack_key <stack>: $LITELLM_MASTER_KEY, else the <stack>-master-key secret from Secrets Manager.
stack_key() {
  if [ -n "${LITELLM_MASTER_KEY:-}" ]; then
    printf '%s\n' "$LITELLM_MASTER_KEY"
    return
  fi
  command -v aws >/dev/null 2>&1 ||
    die "no master key: set LITELLM_MASTER_KEY, pass -key, or install the AWS CLI to read the $1-master-key secret"
  aws secretsmanager get-secret-value --secret-id "$1-master-key" --query SecretString --output text ||
    die "could not read the secret $1-master-key: set LITELLM_MASTER_KEY, pass -key, or check your AWS credentials and region"
}

# run_loadtest <stack> [flags...]: go run ./loadtest against the stack, adding what the flags leave out.
# The key travels in the environment, not on the command line, so it stays out of `ps`.
run_loadtest() {
  local s=$1 url key=""
  shift
  local args=()
  if ! has_flag url "$@"; then
    url=$(stack_url "$s")
    args+=(-url "$url")
  fi
  has_flag key "$@" || key=$(stack_key "$s")
  has_flag profile "$@" || has_flag instances "$@" || args+=(-profile "$(stack_profile "$s")")
  need_go
  (cd "$ROOT" && LITELLM_MASTER_KEY=${key:-${LITELLM_MASTER_KEY:-}} go run ./loadtest "${args[@]}" "$@")
}

# verb: loadtest <stack> [flags] - replay LiteLLM's Locust benchmark on a stack and judge it (flags: go run ./loadtest -h)
verb_loadtest() {
  require_stack "${1:-}"
  run_loadtest "$@"
}

# verb: smoke <stack> [flags] - check /health/readiness and one chat completion with the master key
verb_smoke() {
  require_stack "${1:-}"
  local s=$1
  shift
  run_loadtest "$s" -smoke "$@"
}
