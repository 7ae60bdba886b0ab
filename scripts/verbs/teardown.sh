# shellcheck shell=bash
# Teardown: destroy a stack and keep what its data needs, or, explicitly, throw everything away.
#
# Why a targeted destroy: the salt key's secret is written once through a write-only argument, so it can be
# neither imported (the provider would read its value into the state) nor written again (a new salt key makes the
# credentials LiteLLM stored unreadable). So it, and the KMS key that encrypts it, stay in the stack's own state
# while everything else is destroyed; the next deploy creates the rest around them, with the database restored
# from the final snapshot (db_snapshot_identifier). The list of what is kept is the teardown_keeps entry of the
# "//" comment the Go code writes into the synthesized stack (stacks/teardown.go).

# verb: teardown <stack> [--discard-data] [--local] [--var k=v ...] - destroy the stack, keeping a final database snapshot, the salt key and the KMS key (--discard-data: keep nothing)
verb_teardown() {
  require_stack "${1:-}"
  local s=$1
  shift
  local discard="" args=() a
  for a in "$@"; do
    if [ "$a" = "--discard-data" ]; then discard=1; else args+=("$a"); fi
  done
  split_local "${args[@]+"${args[@]}"}"
  ensure_cdktf_cli
  need_jq
  OUTDIR=cdktf.out
  [ -n "$LOCAL" ] && use_emulator
  (cd "$ROOT" && cdktf synth --output "$OUTDIR" >/dev/null)
  local dir="$ROOT/$OUTDIR/stacks/$s"
  (cd "$dir" && "$TERRAFORM" init -input=false >/dev/null)
  local vars=() i=0
  # --var k=v (cdktf's form) becomes terraform's -var k=v.
  while [ $i -lt ${#ARGS_LEFT[@]} ]; do
    case ${ARGS_LEFT[$i]} in
      --var) vars+=(-var "${ARGS_LEFT[$((i + 1))]}"); i=$((i + 2)) ;;
      --var=*) vars+=(-var "${ARGS_LEFT[$i]#--var=}"); i=$((i + 1)) ;;
      *) die "teardown takes --discard-data, --local and --var k=v, not '${ARGS_LEFT[$i]}'" ;;
    esac
  done
  if [ -n "$discard" ]; then
    teardown_stack "$dir" "$s" discard "${vars[@]+"${vars[@]}"}"
  else
    teardown_stack "$dir" "$s" keep "${vars[@]+"${vars[@]}"}"
  fi
}

# teardown_stack DIR STACK keep|discard [terraform -var args...]: the teardown itself, in a synthesized and
# initialized stack folder, with $TERRAFORM (the tests call it too).
teardown_stack() {
  local dir=$1 s=$2 mode=$3
  shift 3
  local tf=("$TERRAFORM")
  local keeps
  keeps=$(jq -r '.["//"].teardown_keeps // [] | .[]' "$dir/cdk.tf.json") || die "cannot read teardown_keeps in the \"//\" comment of $dir/cdk.tf.json"
  [ -n "$keeps" ] || die "$dir/cdk.tf.json lists nothing to keep: synthesize it again with this checkout"
  # Everything in the state but what is kept (and data sources, which are only read).
  local others
  others=$(cd "$dir" && "${tf[@]}" state list | grep -v '^data\.' | grep -vxF -f <(printf '%s\n' "$keeps") || true)

  if [ "$mode" = discard ]; then
    log "throwing away $s: the database goes without a snapshot, the secrets at once, and the KMS key is scheduled for deletion (7 days at least)"
    if [ -n "$others" ]; then
      (cd "$dir" && "${tf[@]}" apply -input=false -auto-approve -var deletion_protection=false -var final_snapshot_identifier= "$@")
    fi
    (cd "$dir" && "${tf[@]}" destroy -input=false -auto-approve -var deletion_protection=false -var final_snapshot_identifier= "$@")
    echo "Nothing of $s is left but what RDS and KMS keep on their own: snapshots taken by earlier teardowns (aws rds describe-db-snapshots --snapshot-type manual) and the key, pending deletion."
    return
  fi

  [ -n "$others" ] || die "$s holds nothing but what a teardown keeps: it was torn down already (deploy it with --var db_snapshot_identifier=<snapshot> to restore it, or tear it down with --discard-data to throw the rest away)"
  local snapshot gb
  snapshot="$s-litellm-db-final-$(date -u +%Y%m%d-%H%M%S)"
  log "tearing down $s, keeping a final database snapshot ($snapshot), the salt key and the KMS key"
  # First turn deletion protection off and name the snapshot: RDS reads both from the state when it deletes.
  (cd "$dir" && "${tf[@]}" apply -input=false -auto-approve -var deletion_protection=false -var "final_snapshot_identifier=$snapshot" "$@")
  gb=$(cd "$dir" && "${tf[@]}" show -json | jq -r '[.values.root_module.resources[] | select(.type == "aws_db_instance") | .values.allocated_storage][0] // 0')
  local targets=() r
  others=$(cd "$dir" && "${tf[@]}" state list | grep -v '^data\.' | grep -vxF -f <(printf '%s\n' "$keeps") || true)
  while IFS= read -r r; do [ -n "$r" ] && targets+=("-target=$r"); done <<<"$others"
  (cd "$dir" && "${tf[@]}" destroy -input=false -auto-approve -var deletion_protection=false -var "final_snapshot_identifier=$snapshot" "$@" "${targets[@]}")

  local alias=""
  grep -q '^aws_kms_alias\.' <<<"$keeps" && alias="alias/$s"
  echo
  echo "$s is torn down. Kept:"
  (cd "$ROOT" && go run ./cost/cmd/estimate -kept-snapshot "$snapshot" -kept-salt-secret "$s-salt-key" -kept-key-alias "$alias" -kept-snapshot-gb "$gb")
  echo "Bring it back with its data:  ./help deploy $s --var db_snapshot_identifier=$snapshot"
  echo "Throw the rest away:          ./help teardown $s --discard-data   (then delete the snapshot: aws rds delete-db-snapshot --db-snapshot-identifier $snapshot)"
}
