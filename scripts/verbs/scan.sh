# shellcheck shell=bash
# Security scanners over the synthesized stacks: KICS, tflint (+ AWS ruleset) and conftest with policy/.
# Each scanner is built from source once into $CACHE_DIR/scanners/<name>-<version>/ (the network here reaches
# only the Go module proxy), and runs fully offline: no query, plugin or description download at scan time.

KICS_VERSION=2.2.0
CONFTEST_VERSION=0.71.1
TFLINT_VERSION=0.64.0
TFLINT_AWS_VERSION=0.48.0
SCANNER_DIR="$CACHE_DIR/scanners"

# go_install_into DIR PKG@VERSION: builds one Go command into DIR, via a temp dir so that an interrupted
# build never leaves a half-written binary where the next run would take it as installed.
go_install_into() {
  local dir=$1 pkg=$2 tmp
  need_go
  mkdir -p "$SCANNER_DIR"
  tmp=$(mktemp -d "$SCANNER_DIR/.build.XXXXXX")
  # Run outside /work/main: `go install pkg@version` ignores the current module, but be sure of it.
  if ! (cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false go install "$pkg" >&2); then
    rm -rf "$tmp"
    die "go install $pkg failed"
  fi
  mkdir -p "$dir"
  mv "$tmp"/bin/* "$dir/"
  rm -rf "$tmp"
}

# ensure_kics: sets KICS (the binary) and KICS_ASSETS (queries and Rego libraries, which KICS does not embed).
ensure_kics() {
  local dir="$SCANNER_DIR/kics-$KICS_VERSION"
  KICS="$dir/kics"
  KICS_ASSETS="$dir/assets"
  if [ ! -x "$KICS" ]; then
    log "building KICS v$KICS_VERSION from source (once; 7 minutes or more on 2 cores)"
    go_install_into "$dir/.bin" "github.com/Checkmarx/kics/v2/cmd/console@v$KICS_VERSION"
    mv "$dir/.bin/console" "$dir/kics.tmp"
    rmdir "$dir/.bin"
  fi
  if [ ! -d "$KICS_ASSETS/queries" ]; then
    need_go
    local src
    src="$(go env GOMODCACHE)/github.com/!checkmarx/kics/v2@v$KICS_VERSION/assets"
    # The module cache is shared and may have been cleaned since the build: fetch the module again if so.
    mkdir -p "$SCANNER_DIR"
    [ -d "$src" ] || (cd "$SCANNER_DIR" && go mod download "github.com/Checkmarx/kics/v2@v$KICS_VERSION" >&2)
    [ -d "$src/queries" ] || die "KICS assets not found at $src"
    rm -rf "$KICS_ASSETS.tmp"
    cp -r "$src" "$KICS_ASSETS.tmp"
    # Module cache files are read-only; KICS only reads them, but a later rm -rf of the cache must work.
    chmod -R u+w "$KICS_ASSETS.tmp"
    mv "$KICS_ASSETS.tmp" "$KICS_ASSETS"
  fi
  # The binary goes in place last, so "binary present" means "install complete".
  [ -x "$KICS" ] || mv "$dir/kics.tmp" "$KICS"
  export KICS KICS_ASSETS
}

# ensure_conftest: sets CONFTEST.
ensure_conftest() {
  local dir="$SCANNER_DIR/conftest-$CONFTEST_VERSION"
  CONFTEST="$dir/conftest"
  if [ ! -x "$CONFTEST" ]; then
    log "building conftest v$CONFTEST_VERSION from source (once, a few minutes)"
    go_install_into "$dir" "github.com/open-policy-agent/conftest@v$CONFTEST_VERSION"
  fi
  export CONFTEST
}

# ensure_tflint: sets TFLINT and TFLINT_PLUGIN_DIR (holding tflint-ruleset-aws, built from its module folder
# because tflint would otherwise download the plugin from GitHub releases).
ensure_tflint() {
  local dir="$SCANNER_DIR/tflint-$TFLINT_VERSION"
  TFLINT="$dir/tflint"
  TFLINT_PLUGIN_DIR="$SCANNER_DIR/tflint-ruleset-aws-$TFLINT_AWS_VERSION"
  if [ ! -x "$TFLINT" ]; then
    log "building tflint v$TFLINT_VERSION from source (once, a few minutes)"
    go_install_into "$dir" "github.com/terraform-linters/tflint@v$TFLINT_VERSION"
  fi
  if [ ! -x "$TFLINT_PLUGIN_DIR/tflint-ruleset-aws" ]; then
    log "building tflint-ruleset-aws v$TFLINT_AWS_VERSION from source (once, a few minutes)"
    need_go
    mkdir -p "$SCANNER_DIR"
    local src tmp
    src=$(cd "$SCANNER_DIR" && go mod download -json "github.com/terraform-linters/tflint-ruleset-aws@v$TFLINT_AWS_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    if [ -z "$src" ] || [ ! -d "$src" ]; then
      die "could not download tflint-ruleset-aws v$TFLINT_AWS_VERSION"
    fi
    tmp=$(mktemp -d "$SCANNER_DIR/.build.XXXXXX")
    cp -r "$src/." "$tmp/src"
    chmod -R u+w "$tmp/src"
    if ! (cd "$tmp/src" && GOFLAGS=-buildvcs=false go build -o "$tmp/tflint-ruleset-aws" . >&2); then
      rm -rf "$tmp"
      die "building tflint-ruleset-aws failed"
    fi
    mkdir -p "$TFLINT_PLUGIN_DIR"
    mv "$tmp/tflint-ruleset-aws" "$TFLINT_PLUGIN_DIR/"
    rm -rf "$tmp"
  fi
  export TFLINT TFLINT_PLUGIN_DIR
}

# ensure_scanners [kics|tflint|conftest]: one scanner, or all of them.
ensure_scanners() {
  case ${1:-} in
    kics) ensure_kics ;;
    tflint) ensure_tflint ;;
    conftest) ensure_conftest ;;
    "") ensure_conftest; ensure_tflint; ensure_kics ;;
    *) die "unknown scanner '$1': allowed kics, tflint, conftest" ;;
  esac
}

# scan_conftest REPORTS FILE...: checks the policies' own tests, then runs policy/ over the stacks.
scan_conftest() {
  local reports=$1
  shift
  log "conftest: policy unit tests (conftest verify -p policy)"
  (cd "$ROOT" && "$CONFTEST" verify --no-color -p policy >&2) || die "the policies' own tests fail: fix policy/ first"
  log "conftest: policy/ over $# stack(s)"
  # --no-fail: findings are the gate's to judge; a non-zero status then means conftest itself failed.
  (cd "$ROOT" && "$CONFTEST" test --all-namespaces --no-fail --no-color -p policy -o json "$@") \
    >"$reports/conftest.json" || die "conftest could not run (see above)"
}

# scan_tflint REPORTS FILE...: tflint works on a directory, so it runs once per stack directory.
scan_tflint() {
  local reports=$1 f dir out rc n=0
  shift
  for f in "$@"; do
    dir=$(dirname "$f")
    n=$((n + 1))
    out="$reports/tflint-$n-$(basename "$dir").json"
    log "tflint: $dir"
    rc=0
    (cd "$ROOT" && TFLINT_PLUGIN_DIR="$TFLINT_PLUGIN_DIR" "$TFLINT" --chdir="$dir" \
      --config="$ROOT/security/tflint.hcl" --format=json --force --no-color) >"$out" || rc=$?
    # With --force only a broken run exits non-zero; its JSON "errors" (if any was written) say why.
    if [ "$rc" -ne 0 ] && [ ! -s "$out" ]; then
      die "tflint failed on $dir (exit $rc)"
    fi
  done
}

# scan_kics REPORTS FILE...: one KICS run over all the stacks, with the queries copied at install time.
scan_kics() {
  local reports=$1 paths
  shift
  paths=$(IFS=,; echo "$*")
  log "kics: $# stack(s) (about a minute)"
  # --ignore-on-exit results: findings are the gate's to judge; a non-zero status then means KICS failed.
  # --exclude-gitignore: KICS may otherwise skip paths a .gitignore lists, and ours lists cdktf.out/.
  # A KICS built from source has no crash-report DSN, no descriptions URL and skips the version check
  # (its version is "development"), so it makes no network calls; DISABLE_CRASH_REPORT=0 keeps it so.
  (cd "$ROOT" && DISABLE_CRASH_REPORT=0 "$KICS" scan --path "$paths" --type Terraform --cloud-provider aws \
    --queries-path "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" \
    --no-progress --ci --no-color --exclude-gitignore --ignore-on-exit results \
    --report-formats json --output-path "$reports" --output-name kics >"$reports/kics.log" 2>&1) || {
    tail -n 20 "$reports/kics.log" >&2
    die "KICS could not run (log: $reports/kics.log)"
  }
}

# abs_path PATH: PATH made absolute against the caller's directory, since the scan steps run elsewhere.
abs_path() {
  case $1 in
    /*) echo "$1" ;;
    *) echo "$PWD/$1" ;;
  esac
}

# Options: --only kics|tflint|conftest runs one scanner; --install-only builds the scanners and stops;
# --no-gate writes the JSON reports (--reports DIR, default cdktf.out/scan-reports) without judging them;
# --accepted FILE replaces security/accepted-findings.txt.
# verb: scan [--only kics|tflint|conftest] [dir] - KICS, tflint and conftest over every stack (default cdktf.out/stacks), then the accepted-findings gate
verb_scan() {
  local only="" install_only="" no_gate="" reports="" accepted=security/accepted-findings.txt dir=""
  while [ $# -gt 0 ]; do
    case $1 in
      --only) [ $# -ge 2 ] || die "--only needs kics, tflint or conftest"; only=$2; shift ;;
      --only=*) only=${1#--only=} ;;
      --install-only) install_only=1 ;;
      --no-gate) no_gate=1 ;;
      --reports) [ $# -ge 2 ] || die "--reports needs a directory"; reports=$2; shift ;;
      --reports=*) reports=${1#--reports=} ;;
      --accepted) [ $# -ge 2 ] || die "--accepted needs a file"; accepted=$(abs_path "$2"); shift ;;
      --accepted=*) accepted=$(abs_path "${1#--accepted=}") ;;
      -*) die "unknown option $1 (see ./help)" ;;
      *) [ -z "$dir" ] || die "one directory only, got '$dir' and '$1'"; dir=$1 ;;
    esac
    shift
  done
  ensure_scanners "$only"
  if [ -n "$install_only" ]; then
    log "scanners installed under $SCANNER_DIR"
    return 0
  fi

  dir=${dir:-$ROOT/cdktf.out/stacks}
  [ -d "$dir" ] || die "no directory $dir: run ./help synth first"
  dir=$(cd "$dir" && pwd)
  local files=() f
  mapfile -t files < <(find "$dir" -name cdk.tf.json -not -path '*/.terraform/*' | sort)
  [ ${#files[@]} -gt 0 ] || die "no */cdk.tf.json under $dir: run ./help synth first"
  # Every step runs from $ROOT with paths relative to it where possible, so that reports and the summary
  # name files as the repository does (tflint and KICS write file names relative to where they started).
  for f in "${!files[@]}"; do files[f]=${files[f]#"$ROOT"/}; done

  reports=${reports:-$ROOT/cdktf.out/scan-reports}
  mkdir -p "$reports"
  reports=$(cd "$reports" && pwd)
  rm -f "$reports"/kics.json "$reports"/conftest.json "$reports"/tflint-*.json

  local gate=()
  if [ -z "$only" ] || [ "$only" = conftest ]; then
    scan_conftest "$reports" "${files[@]}"
    gate+=(-conftest "$reports/conftest.json")
  fi
  if [ -z "$only" ] || [ "$only" = tflint ]; then
    scan_tflint "$reports" "${files[@]}"
    local t
    for t in "$reports"/tflint-*.json; do gate+=(-tflint "$t"); done
  fi
  if [ -z "$only" ] || [ "$only" = kics ]; then
    scan_kics "$reports" "${files[@]}"
    gate+=(-kics "$reports/kics.json")
  fi
  log "reports in $reports"
  if [ -n "$no_gate" ]; then
    return 0
  fi

  need_go
  # Built rather than `go run`, which adds its own "exit status 1" line to a failing gate's summary.
  (cd "$ROOT" && go build -o "$reports/gate" ./security/gate) || die "could not build security/gate"
  (cd "$ROOT" && "$reports/gate" -accepted "$accepted" "${gate[@]}")
}
