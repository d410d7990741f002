# shellcheck shell=bash
# One line per check, and the counts the runners print last (`NAME: N passed, M failed`).
# Sourced by Tests/nixos/eval/lib.sh and Tests/nixos/systemd/lib.sh.
passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/      /'; fi
}
