# shellcheck shell=bash
# The deploy-path benchmark: how long synth takes against the smallest possible app, and how long each
# stack takes to init, validate, plan, apply, re-plan and destroy (the last three in the local emulator).

# _now: seconds since the epoch, with nanoseconds.
_now() { date +%s.%N; }

# _since T0: seconds elapsed since T0, to a tenth.
_since() { awk -v a="$1" -v b="$(_now)" 'BEGIN { printf "%.1f", b - a }'; }

# _median N...: the middle value.
_median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# _timed LABEL CMD...: runs CMD, failing the benchmark if it fails, and prints how long it took.
_timed() {
  local label=$1 t0
  shift
  t0=$(_now)
  "$@" >"$BENCH_DIR/last.log" 2>&1 || { cat "$BENCH_DIR/last.log" >&2; die "$label failed"; }
  _since "$t0"
}

# verb: bench [runs] [stack...] - synth time of all stacks next to a one-resource floor app, then init/validate/plan/apply/re-plan/destroy times per stack
verb_bench() {
  local runs=${1:-3}
  [[ $runs =~ ^[1-9][0-9]*$ ]] || die "bench takes a number of synth runs, not '$runs'"
  [ $# -gt 0 ] && shift
  local only=("$@") s
  [ ${#only[@]} -gt 0 ] || only=("${STACKS[@]}")
  for s in "${only[@]}"; do require_stack "$s"; done
  need_go
  need_node
  ensure_terraform
  BENCH_DIR=$(mktemp -d)
  # EXIT, not RETURN: a RETURN trap also fires when `source` finishes, as the emulator's script does below.
  # shellcheck disable=SC2064
  trap "rm -rf '$BENCH_DIR'" EXIT

  log "building the app and the floor app (not timed)"
  (cd "$ROOT" && go build -o "$BENCH_DIR/app" . && go build -o "$BENCH_DIR/floor" ./bench/floor) || die "build failed"

  local floor=() app=() i
  for i in $(seq "$runs"); do
    log "synth run $i of $runs"
    floor+=("$(cd "$BENCH_DIR" && CDKTF_OUTDIR="$BENCH_DIR/floor.out" _timed "floor synth" ./floor)")
    app+=("$(cd "$BENCH_DIR" && CDKTF_OUTDIR="$BENCH_DIR/app.out" _timed "synth" ./app)")
  done
  local mf ma
  mf=$(_median "${floor[@]}")
  ma=$(_median "${app[@]}")
  echo
  echo "Synth (median of $runs; each run a fresh process, as cdktf runs it)"
  printf '  %-34s %6s s   runs: %s\n' "floor app (1 stack, 1 resource)" "$mf" "${floor[*]}"
  printf '  %-34s %6s s   runs: %s\n' "this app (3 stacks)" "$ma" "${app[*]}"
  printf '  %-34s %6s     target: at most 1.5\n' "ratio" "$(awk -v a="$ma" -v f="$mf" 'BEGIN { printf "%.2f", a / f }')"

  # shellcheck source=scripts/emulator.sh
  source "$ROOT/scripts/emulator.sh"
  emulator_start
  log "synthesizing against the emulator at $AWS_ENDPOINT_URL"
  (cd "$BENCH_DIR" && CDKTF_OUTDIR="$BENCH_DIR/local.out" LITELLM_AWS_ENDPOINT="$AWS_ENDPOINT_URL" ./app) || die "synth for the emulator failed"

  local vars=(-var "deletion_protection=false")
  echo
  echo "Terraform per stack, seconds, against the local emulator (fake credentials, provider from the mirror)"
  printf '  %-24s %6s %9s %6s %7s %8s %8s\n' stack init validate plan apply replan destroy
  local d tinit tval tplan tapply treplan tdestroy
  for s in "${only[@]}"; do
    d="$BENCH_DIR/local.out/stacks/$s"
    tinit=$(cd "$d" && _timed "init $s" "$TERRAFORM" init -input=false -no-color)
    tval=$(cd "$d" && _timed "validate $s" "$TERRAFORM" validate -no-color)
    tplan=$(cd "$d" && _timed "plan $s" "$TERRAFORM" plan -input=false -no-color -lock=false "${vars[@]}")
    tapply=$(cd "$d" && _timed "apply $s" "$TERRAFORM" apply -input=false -no-color -auto-approve "${vars[@]}")
    treplan=$(cd "$d" && _timed "re-plan $s" "$TERRAFORM" plan -input=false -no-color -detailed-exitcode "${vars[@]}")
    tdestroy=$(cd "$d" && _timed "destroy $s" "$TERRAFORM" destroy -input=false -no-color -auto-approve "${vars[@]}")
    printf '  %-24s %6s %9s %6s %7s %8s %8s\n' "$s" "$tinit" "$tval" "$tplan" "$tapply" "$treplan" "$tdestroy"
  done
}
