# shellcheck shell=bash
# Monthly cost estimate (cost/): us-east-1 list prices from cost/prices.go applied to what each synthesized stack
# holds (cdk.tf.json: resource types, counts and sizes, at the variables' defaults or --var values).

# verb: cost [stack] [flags] - monthly cost: every stack side by side, or one itemised next to the seed's figure (flags: ./help cost -h)
verb_cost() {
  # The stack is optional; when the first argument names one, check it here like every other verb.
  if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    require_stack "$1"
  fi
  # The estimator synthesizes the stacks in-process (jsii runs on Node.js), unless -from names a cdktf.out.
  need_go; need_node
  # Built rather than `go run`, so the estimator's exit status (1: a line has no price, 2: bad arguments)
  # comes through unchanged.
  local bin="$CACHE_DIR/bin/cost-estimate"
  (cd "$ROOT" && go build -o "$bin" ./cost/cmd/estimate) || die "could not build ./cost/cmd/estimate"
  "$bin" "$@"
}
