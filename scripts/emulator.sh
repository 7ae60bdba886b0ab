# shellcheck shell=bash
# The local AWS emulator: moto's server patched by emulator/server.py, on a loopback port, for applying, re-planning
# and destroying the stacks offline. Sourced after scripts/lib.sh (uses ROOT, CACHE_DIR, log, die).
#
#   emulator_start   start it (or reuse the running one) and export the variables that point Terraform at it
#   emulator_env     print those variables as `export` lines, for eval in another shell
#   emulator_stop    stop it
#   emulator_aws     the aws CLI against it
#
# LITELLM_AWS_EMULATOR_PORT picks the port (default: a free one); LITELLM_AWS_EMULATOR_VERBOSE=1 logs every request
# to "$CACHE_DIR/emulator/server.log".

EMULATOR_DIR="$CACHE_DIR/emulator"

# need_moto: python3 with the moto emulator/server.py patches, checked by server.py itself (--check), the one place
# that knows which moto that is. This project's machine image ships it and cannot reach PyPI, so this says what is
# missing instead of trying to install it.
need_moto() {
  command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH: the AWS emulator (emulator/server.py) runs on it"
  local out
  out=$(python3 "$ROOT/emulator/server.py" --check 2>&1) || die "${out#error: }"
}

# _emulator_pid: prints the pid of the emulator recorded in $EMULATOR_DIR if that process is still it.
_emulator_pid() {
  local pid
  pid=$(cat "$EMULATOR_DIR/pid" 2>/dev/null) || return 1
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then return 1; fi
  # A recycled pid belongs to some other program: only a process running our server.py counts.
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *emulator/server.py* ]] || return 1
  echo "$pid"
}

# _emulator_port: prints the port of the running emulator.
_emulator_port() {
  _emulator_pid >/dev/null || return 1
  local port
  port=$(cat "$EMULATOR_DIR/port" 2>/dev/null) || return 1
  [ -n "$port" ] || return 1
  echo "$port"
}

# _emulator_answers PORT: true when the emulator on PORT answers HTTP.
_emulator_answers() {
  python3 - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=2).read()
EOF
}

# _emulator_exports PORT: the variables for Terraform, AWS SDKs and the aws CLI, one NAME=VALUE a line. No shared
# config or credentials file: a profile there could carry real credentials or its own endpoint.
_emulator_exports() {
  cat <<EOF
AWS_ENDPOINT_URL=http://127.0.0.1:$1
AWS_ACCESS_KEY_ID=test
AWS_SECRET_ACCESS_KEY=test
AWS_REGION=us-east-1
AWS_DEFAULT_REGION=us-east-1
AWS_EC2_METADATA_DISABLED=true
AWS_CONFIG_FILE=/dev/null
AWS_SHARED_CREDENTIALS_FILE=/dev/null
EOF
}

# emulator_start: starts the emulator unless one recorded in "$CACHE_DIR/emulator/" is running, waits until it
# answers, and exports AWS_ENDPOINT_URL, fake credentials and AWS_REGION=us-east-1 (dropping any AWS profile or
# session token of this shell). The emulator keeps running after ./help exits; emulator_stop ends it.
emulator_start() {
  local pid port want=${LITELLM_AWS_EMULATOR_PORT:-}
  mkdir -p "$EMULATOR_DIR"
  if pid=$(_emulator_pid) && port=$(_emulator_port) && _emulator_answers "$port"; then
    if [ -n "$want" ] && [ "$want" != "$port" ]; then
      die "the emulator already runs on port $port (pid $pid), not $want: run emulator_stop first"
    fi
    log "reusing the AWS emulator at http://127.0.0.1:$port (pid $pid)"
  else
    need_moto
    rm -f "$EMULATOR_DIR/pid" "$EMULATOR_DIR/port"
    # --detach: its own session, so a Ctrl-C in this terminal does not stop it along with ./help. No descriptor of
    # this shell stays open in it, or `./help ... | tee` would wait for the emulator to exit.
    python3 "$ROOT/emulator/server.py" --detach --port "${want:-0}" --port-file "$EMULATOR_DIR/port" \
      </dev/null >"$EMULATOR_DIR/server.log" 2>&1 &
    pid=$!
    echo "$pid" >"$EMULATOR_DIR/pid"
    # moto imports for about 3 s; allow a busy machine 60 s.
    local tries=600
    until [ -s "$EMULATOR_DIR/port" ]; do
      if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$EMULATOR_DIR/pid"
        die "the AWS emulator exited during start: $(tail -n 20 "$EMULATOR_DIR/server.log")"
      fi
      tries=$((tries - 1))
      [ "$tries" -gt 0 ] || { kill "$pid" 2>/dev/null || true; die "the AWS emulator did not start within 60 s; see $EMULATOR_DIR/server.log"; }
      sleep 0.1
    done
    port=$(cat "$EMULATOR_DIR/port")
    _emulator_answers "$port" || die "the AWS emulator (pid $pid) does not answer on port $port; see $EMULATOR_DIR/server.log"
    log "AWS emulator at http://127.0.0.1:$port (pid $pid, log $EMULATOR_DIR/server.log)"
  fi
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
  local line
  while IFS= read -r line; do
    export "${line?}"
  done < <(_emulator_exports "$port")
}

# emulator_env: prints `export` lines for the running emulator, e.g. eval "$(emulator_env)".
emulator_env() {
  local port
  port=$(_emulator_port) || die "the AWS emulator is not running: start it with emulator_start"
  echo "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN"
  local line
  while IFS= read -r line; do
    printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
  done < <(_emulator_exports "$port")
}

# emulator_stop: stops the recorded emulator (SIGTERM, then SIGKILL after 10 s) and forgets it. No-op when none runs.
emulator_stop() {
  local pid
  if ! pid=$(_emulator_pid); then
    rm -f "$EMULATOR_DIR/pid" "$EMULATOR_DIR/port"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local tries=100
  while kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$EMULATOR_DIR/pid" "$EMULATOR_DIR/port"
  log "stopped the AWS emulator (pid $pid)"
}

# emulator_aws ARGS...: the aws CLI against the running emulator. The endpoint goes on the command line because aws
# CLI v1 ignores AWS_ENDPOINT_URL for rds, docdb, neptune, sqs and emr in us-east-1 and would call AWS.
emulator_aws() {
  local port
  port=$(_emulator_port) || die "the AWS emulator is not running: start it with emulator_start"
  command -v aws >/dev/null 2>&1 || die "the aws CLI is not on PATH"
  (
    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
    while IFS= read -r line; do export "${line?}"; done < <(_emulator_exports "$port")
    aws --endpoint-url "http://127.0.0.1:$port" "$@"
  )
}
