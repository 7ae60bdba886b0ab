# shellcheck shell=bash
# Shared set-up for ./help: where tools are cached and how each one is found or installed.
# Every ensure_* function is idempotent: it reuses what is already there and installs only what is missing.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CACHE_DIR=${LITELLM_AWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/litellm-aws}

# What the Go code needs too (the stacks, the versions of Terraform, the AWS provider and the cdktf CLI) is written
# once, in internal/facts/facts.txt, which the Go code embeds (internal/facts). A terraform on PATH of
# TERRAFORM_MIN_VERSION or newer is used; otherwise TERRAFORM_FALLBACK_VERSION is built from source once.
# shellcheck disable=SC2034 # STACK_PROFILE and STACK_TASKS are read by help and scripts/verbs/*.sh
_read_facts() {
  local fact value name profile tasks
  STACKS=()
  declare -gA STACK_PROFILE=() STACK_TASKS=()
  while read -r fact value; do
    case $fact in
      stack)
        read -r name profile tasks <<<"$value"
        STACKS+=("$name")
        STACK_PROFILE[$name]=$profile
        STACK_TASKS[$name]=$tasks
        ;;
      terraform-min-version) TERRAFORM_MIN_VERSION=$value ;;
      terraform-fallback-version) TERRAFORM_FALLBACK_VERSION=$value ;;
      aws-provider-version) AWS_PROVIDER_VERSION=$value ;;
      cdktf-cli-version) CDKTF_CLI_VERSION=$value ;;
    esac
  done <"$ROOT/internal/facts/facts.txt"
}
_read_facts

# jsii runs Node.js 20 and prints an end-of-life banner on every start; it hides real output.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# The value is a list of Node.js major versions to keep quiet about.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=18,20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
# cdktf asks to send usage data; never from here.
export CHECKPOINT_DISABLE=1
# Terraform's plugin cache is configured in our CLI config (ensure_provider_mirror), not by cdktf.
export CDKTF_DISABLE_PLUGIN_CACHE_ENV=${CDKTF_DISABLE_PLUGIN_CACHE_ENV:-true}

mkdir -p "$CACHE_DIR"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_go() {
  command -v go >/dev/null 2>&1 && return
  [ -x /usr/local/go/bin/go ] && { export PATH=/usr/local/go/bin:$PATH; return; }
  die "Go is not installed: install Go 1.24 or newer (https://go.dev/dl) and run this again"
}

need_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return
  log "installing Node.js and npm from Debian's packages"
  apt_install nodejs npm
}

# apt_install PKG...: installs Debian packages that are not there yet (updates the lists once per run).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return
  command -v apt-get >/dev/null 2>&1 || die "need the packages ${missing[*]}, and there is no apt-get to install them"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ -z "${_APT_UPDATED:-}" ]; then $sudo apt-get update -qq >&2; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}

# version_at_least HAVE WANT: true when dotted version HAVE >= WANT.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# terraform_version BIN: prints the version of a terraform binary (such as 1.11.0), or nothing.
terraform_version() {
  "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -n 1
}

# ensure_terraform: the terraform on PATH when it is $TERRAFORM_MIN_VERSION or newer, else
# v$TERRAFORM_FALLBACK_VERSION built once into the cache.
ensure_terraform() {
  if [ -n "${TERRAFORM:-}" ] && [ -x "$TERRAFORM" ]; then return; fi
  local found have
  found=$(command -v terraform 2>/dev/null || true)
  if [ -n "$found" ]; then
    have=$(terraform_version "$found")
    if [ -n "$have" ] && version_at_least "$have" "$TERRAFORM_MIN_VERSION"; then
      TERRAFORM=$found
    else
      log "the terraform on PATH ($found) is ${have:-of unknown version}; the stacks need $TERRAFORM_MIN_VERSION or newer (ephemeral values, write-only arguments): using v$TERRAFORM_FALLBACK_VERSION from the cache"
    fi
  fi
  if [ -z "${TERRAFORM:-}" ]; then
    local bin="$CACHE_DIR/terraform-$TERRAFORM_FALLBACK_VERSION/terraform"
    if [ ! -x "$bin" ]; then
      need_go
      log "building Terraform v$TERRAFORM_FALLBACK_VERSION from source (once, about 3 minutes)"
      GOBIN="$(dirname "$bin")" go install "github.com/hashicorp/terraform@v$TERRAFORM_FALLBACK_VERSION" >&2
    fi
    TERRAFORM=$bin
    PATH="$(dirname "$bin"):$PATH"
    export PATH
  fi
  export TERRAFORM
  ensure_provider_mirror
  warm_plugin_cache
}

# warm_plugin_cache: installs hashicorp/aws into Terraform's plugin cache once, under a lock. Terraform's
# cache is not safe for two inits installing the same provider at once ("mkdir ...: file exists"), and the
# tests run many inits side by side; once the provider is there, each init only links to it.
warm_plugin_cache() {
  local cache="$CACHE_DIR/plugin-cache/registry.terraform.io/hashicorp/aws"
  [ -d "$cache" ] && [ -n "$(ls -A "$cache" 2>/dev/null)" ] && return 0
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    [ -d "$cache" ] && [ -n "$(ls -A "$cache" 2>/dev/null)" ] && exit 0
    local dir
    dir=$(mktemp -d)
    printf '{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "%s"}}}}\n' "$AWS_PROVIDER_VERSION" >"$dir/main.tf.json"
    (cd "$dir" && "$TERRAFORM" init -input=false -backend=false >/dev/null) || { rm -rf "$dir"; exit 1; }
    rm -rf "$dir"
  ) 9>"$CACHE_DIR/plugin-cache.lock"
}

# ensure_provider_mirror: when a filesystem mirror of hashicorp/aws is on this machine (or named by
# LITELLM_AWS_PROVIDER_MIRROR), point Terraform at it so `terraform init` needs no network. Otherwise
# Terraform downloads from the registry as usual. Either way providers are cached across runs.
ensure_provider_mirror() {
  [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ -f "$TF_CLI_CONFIG_FILE" ] && return
  local mirror=${LITELLM_AWS_PROVIDER_MIRROR:-}
  local remembered="$CACHE_DIR/provider-mirror"
  if [ -z "$mirror" ] && [ -f "$remembered" ] && [ -d "$(cat "$remembered")/registry.terraform.io/hashicorp/aws" ]; then
    mirror=$(cat "$remembered")
  fi
  if [ -z "$mirror" ]; then
    local found
    found=$(find / -xdev -path '*/registry.terraform.io/hashicorp/aws/*' -name 'terraform-provider-aws_*' \
      -not -path "$CACHE_DIR/*" -not -path '*/.terraform/*' 2>/dev/null | head -n 1 || true)
    # <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_<version>_x5
    if [ -n "$found" ]; then
      mirror=${found%%/registry.terraform.io/hashicorp/aws/*}
      echo "$mirror" >"$remembered"
    fi
  fi
  mkdir -p "$CACHE_DIR/plugin-cache"
  local config="$CACHE_DIR/terraformrc" tmp
  # A file of its own, then an atomic rename: tests set Terraform up in parallel.
  tmp=$(mktemp "$config.XXXXXX")
  {
    echo "plugin_cache_dir = \"$CACHE_DIR/plugin-cache\""
    # A stack folder has no lock file before its first init; without this, Terraform 1.4+ installs the
    # provider into the cache again for every such init, and parallel inits collide there.
    echo 'plugin_cache_may_break_dependency_lock_file = true'
    echo 'disable_checkpoint = true'
    if [ -n "$mirror" ]; then
      cat <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
    fi
  } >"$tmp"
  mv -f "$tmp" "$config"
  export TF_CLI_CONFIG_FILE=$config
  [ -n "$mirror" ] && log "Terraform installs hashicorp/aws from the mirror at $mirror"
  return 0
}

# ensure_cdktf_cli: cdktf-cli@$CDKTF_CLI_VERSION from npm, installed once into the cache.
ensure_cdktf_cli() {
  local prefix="$CACHE_DIR/cdktf-cli-$CDKTF_CLI_VERSION"
  if [ ! -x "$prefix/node_modules/.bin/cdktf" ]; then
    need_node
    log "installing cdktf-cli@$CDKTF_CLI_VERSION (once)"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "cdktf-cli@$CDKTF_CLI_VERSION" >&2
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
  # Terraform must be on PATH for the CLI too.
  ensure_terraform
  PATH="$(dirname "$TERRAFORM"):$PATH"
  export PATH
}

# synth_all: writes every stack to cdktf.out/stacks/<stack>/cdk.tf.json (no CLI needed: the app synthesizes itself).
synth_all() {
  need_go; need_node
  (cd "$ROOT" && go run . >&2)
}

need_jq() {
  command -v jq >/dev/null 2>&1 && return
  log "installing jq from Debian's packages (./help teardown reads the synthesized stack and Terraform's state with it)"
  apt_install jq
  command -v jq >/dev/null 2>&1 || die "jq is not installed and could not be: install jq and run this again"
}

# go_command PKG: builds the Go command PKG of this checkout into the cache and prints its path. Built rather than
# run with `go run`, which turns every exit status into 1; go build leaves a binary that is up to date alone, so
# this costs a link only when the sources changed. One binary per checkout, written under a lock.
go_command() {
  local dir bin
  dir="$CACHE_DIR/bin/$(printf '%s' "$ROOT" | cksum | cut -d ' ' -f 1)"
  bin="$dir/$(basename "$1")"
  mkdir -p "$dir"
  (cd "$ROOT" && flock "$bin.lock" go build -o "$bin" "$1") >&2 || return 1
  printf '%s\n' "$bin"
}

# need_aws_cli: the AWS CLI, which runs LiteLLM's one-off database migration task during a deploy (and which the
# tests use to look into the emulator). Installed from Debian's packages where there is apt-get.
need_aws_cli() {
  command -v aws >/dev/null 2>&1 && return
  if command -v apt-get >/dev/null 2>&1; then
    log "installing the AWS CLI from Debian's packages (the deploy runs LiteLLM's database migration with it)"
    apt_install awscli
    command -v aws >/dev/null 2>&1 && return
  fi
  die "the AWS CLI (aws) is not installed: a deploy runs LiteLLM's database migration as a one-off ECS task with it; install it (https://aws.amazon.com/cli/) and run this again"
}
