# shellcheck shell=bash
# Helpers for the Nix tests; sourced by scripts/test-nix.
# Every check calls pass or fail exactly once.

NIX_FLAGS=()
# As root Nix needs no daemon; as anyone else, evaluate without a store.
if [ "$(id -u)" != 0 ]; then NIX_FLAGS=(--store dummy://); fi

# shellcheck source=Tests/lib/report.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/report.sh"

nix_eval() { nix-instantiate "${NIX_FLAGS[@]}" --eval --strict --json "$@"; }

# json_equal A B: the two JSON texts are the same value.
json_equal() {
  python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else 1)' "$1" "$2"
}

# expect_json NAME EXPECTED-JSON NIX-EXPRESSION
# Evaluates the expression from the repository root.
expect_json() {
  local name=$1 expected=$2 expr=$3 actual
  if ! actual=$(nix_eval -E "$expr" 2>&1); then
    fail "$name" "evaluation failed: $actual"
  elif json_equal "$actual" "$expected"; then
    pass "$name"
  else
    fail "$name" "expected: $expected
actual:   $actual"
  fi
}

# expect_error NAME PATTERN NIX-EXPRESSION: evaluation fails, and its error
# message matches the (grep -E) pattern.
expect_error() {
  local name=$1 pattern=$2 expr=$3 output
  if output=$(nix_eval -E "$expr" 2>&1); then
    fail "$name" "evaluated, but should have failed: $output"
  elif printf '%s' "$output" | grep -Eq -- "$pattern"; then
    pass "$name"
  else
    fail "$name" "error did not match /$pattern/: $output"
  fi
}
