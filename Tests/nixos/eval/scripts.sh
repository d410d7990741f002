# shellcheck shell=bash
# The generated shell programs (modules/dynamicism/lib/scripts.nix), run for
# real against a temporary directory with a fake systemctl that logs its calls.
scripts=./modules/dynamicism/lib/scripts.nix
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# nix_text FILE EXPR: write the string EXPR evaluates to into FILE, executable.
nix_text() {
  nix_eval -E "$2" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' > "$1" && chmod +x "$1"
}

cat > "$work/systemctl" <<'SH'
#!/bin/sh
echo "$*" >> "$DYNIX_TEST_LOG"
# DYNIX_TEST_ACTIVE: exit status of is-active; DYNIX_TEST_FAILED_UNIT: the
# one unit that is failed (is-active A B answers 0 if ANY is active, as
# systemd does).
case "$1" in is-active)
  shift
  status=1
  for u in "$@"; do
    if [ "$u" = "${DYNIX_TEST_FAILED_UNIT:-}" ] || [ "${DYNIX_TEST_ACTIVE:-0}" != 0 ]; then echo failed; else echo active; status=0; fi
  done
  exit "$status" ;;
esac
SH
chmod +x "$work/systemctl"
export DYNIX_SYSTEMCTL=$work/systemctl DYNIX_SYSTEMD_RUNTIME_DIR=$work/run DYNIX_NIXOS_RUN_DIR=$work/nixos DYNIX_RUN_DIR=$work/dynix
export DYNIX_TEST_LOG=$work/log

# expect_run NAME EXPECTED-SYSTEMCTL-CALLS COMMAND...: run, compare the log.
expect_run() {
  local name=$1 expected=$2 output log
  shift 2
  : > "$DYNIX_TEST_LOG"
  if ! output=$("$@" 2>&1); then fail "$name" "exited non-zero: $output"; return; fi
  log=$(cat "$DYNIX_TEST_LOG")
  if [ "$log" = "$expected" ]; then pass "$name"; else fail "$name" "systemctl calls: [$log], expected [$expected]; output: $output"; fi
}
expect_file() {
  if [ "$(cat "$2" 2>/dev/null)" = "$3" ]; then pass "$1"; else fail "$1" "$2: [$(cat "$2" 2>&1)], expected [$3]"; fi
}
expect_absent() {
  if [ ! -e "$2" ]; then pass "$1"; else fail "$1" "$2 exists"; fi
}

# expect_output NAME EXPECTED-OUTPUT EXPECTED-SYSTEMCTL-CALLS COMMAND...: run
# (exit 0), compare its whole output and the systemctl log.
expect_output() {
  local name=$1 expected=$2 calls=$3 output log
  shift 3
  : > "$DYNIX_TEST_LOG"
  if ! output=$("$@" 2>&1); then fail "$name" "exited non-zero: $output"; return; fi
  log=$(cat "$DYNIX_TEST_LOG")
  if [ "$output" = "$expected" ] && [ "$log" = "$calls" ]; then pass "$name"
  else fail "$name" "output: [$output], expected [$expected]; systemctl calls: [$log], expected [$calls]"; fi
}
# The runtime directory as a dry run must leave it: names, inodes (a
# rewrite through a temporary file changes the inode) and contents.
runtime_state() {
  [ -e "$work/run" ] || { echo absent; return; }
  (cd "$work/run" && find . -printf '%p %i\n' | LC_ALL=C sort && find . -type f -exec cat {} + 2>&1)
}
# expect_dry NAME EXPECTED-OUTPUT COMMAND...: prints exactly that, calls no
# systemctl, changes nothing under the runtime directory.
expect_dry() {
  local name=$1 expected=$2 state
  shift 2
  state=$(runtime_state)
  expect_output "$name" "$expected" "" "$@"
  if [ "$(runtime_state)" = "$state" ]; then pass "$name: changes no file"
  else fail "$name: changes no file" "before: [$state]; after: [$(runtime_state)]"; fi
}

apply_prog() { # apply_prog NAME A-TEXT-OR-null B-TEXT-OR-null [GROUPS]
  nix_text "$work/$1" "(import $scripts).apply { systemctl = \"/unused\"; shell = \"/bin/sh\";
    units = { \"a.service\" = $2; \"b b.service\" = $3; }; groups = ${4:-[ ]}; }"
}
apply_prog apply1 '"[Service]\nX=1"' null
# shellcheck disable=SC2016 # $HOME and `x` are the drop-in's text, which the program must write as it is
apply_prog apply2 '"[Service]\nX=2"' '"[Service]\nY=$HOME \\ `x`"'
apply_prog apply3 '"[Service]\nX=2"' null
# shellcheck disable=SC2016 # as for apply2
apply_prog apply2grouped '"[Service]\nX=2"' '"[Service]\nY=$HOME \\ `x`"' '[ [ "b b.service" "a.service" ] ]'

# Issue 10: --dry-run compares as a real run does, prints what would restart,
# and writes, removes and reloads nothing.
expect_dry "apply --dry-run: names the unit that would restart" "would restart a.service" "$work/apply1" --dry-run
expect_absent "apply --dry-run: creates no directory" "$work/run"

expect_output "apply: first drop-in, one reload, one restart (output as before)" "restarting a.service" $'daemon-reload\nrestart a.service' "$work/apply1"
expect_file "apply: drop-in written verbatim" "$work/run/a.service.d/zz-dynix.conf" $'[Service]\nX=1'
expect_run "apply: same state again restarts nothing" "" "$work/apply1"
expect_run "apply: only changed units restart" $'daemon-reload\nrestart a.service\nrestart b b.service' "$work/apply2"
expect_file "apply: no shell expansion in drop-ins" "$work/run/b b.service.d/zz-dynix.conf" $'[Service]\nY=$HOME \\ `x`'
expect_run "apply: a unit back on static settings loses its drop-in and restarts" $'daemon-reload\nrestart b b.service' "$work/apply3"
expect_absent "apply: drop-in removed" "$work/run/b b.service.d/zz-dynix.conf"

expect_dry "apply --dry-run: only the group that changed, one line per group" "would restart b b.service" "$work/apply2" --dry-run
expect_dry "apply --dry-run: in a group without a socket, only the units that changed" "would restart b b.service" "$work/apply2grouped" --dry-run
expect_dry "apply --dry-run: nothing changed" "no unit changed" "$work/apply3" --dry-run
expect_output "apply: in a group without a socket, only the units that changed restart" "restarting b b.service" \
  $'daemon-reload\nrestart b b.service' "$work/apply2grouped"
apply_prog apply2grouped5 '"[Service]\nX=5"' '"[Service]\nY=5"' '[ [ "b b.service" "a.service" ] ]'
expect_output "apply: a group whose units all changed restarts together, in its order" "restarting b b.service a.service" \
  $'daemon-reload\nrestart b b.service a.service' "$work/apply2grouped5"
"$work/apply2grouped" >/dev/null
apply_prog apply4 '"[Service]\nX=4"' '"[Service]\nY=4"'
expect_dry "apply --dry-run: every changed group, in the order of the real run" \
  $'would restart a.service\nwould restart b b.service' "$work/apply4" --dry-run
expect_dry "apply --dry-run: a unit back on static settings would restart (drop-in kept)" "would restart b b.service" "$work/apply3" --dry-run
expect_output "apply: without --dry-run, as before" $'restarting a.service\nrestarting b b.service' \
  $'daemon-reload\nrestart a.service\nrestart b b.service' "$work/apply4"
expect_output "apply: no changes (output as before)" "no unit changed" "" "$work/apply4"
"$work/apply3" >/dev/null

# Issue 21, item 6: a service and its socket, grouped. Only the service's
# settings change: the socket keeps listening (its restart would refuse a
# connection). The socket's own settings change: both restart, since the
# service holds the socket's old descriptor.
socket_prog() { # socket_prog NAME SERVICE-TEXT-OR-null SOCKET-TEXT-OR-null
  nix_text "$work/$1" "(import $scripts).apply { systemctl = \"/unused\"; shell = \"/bin/sh\";
    units = { \"h.service\" = $2; \"h.socket\" = $3; }; groups = [ [ \"h.socket\" \"h.service\" ] ]; }"
}
socket_prog socket1 '"[Service]\nW=1"' null
socket_prog socket2 '"[Service]\nW=2"' null
socket_prog socket3 '"[Service]\nW=2"' '"[Socket]\nListenStream=\nListenStream=1"'
expect_dry "apply --dry-run: a service's change alone would not restart its socket" "would restart h.service" "$work/socket1" --dry-run
expect_output "apply: a service's change alone restarts the service, not its socket" "restarting h.service" \
  $'daemon-reload\nrestart h.service' "$work/socket1"
expect_output "apply: a service's change again: still only the service" "restarting h.service" \
  $'daemon-reload\nrestart h.service' "$work/socket2"
expect_dry "apply --dry-run: a socket's change would restart the whole group" "would restart h.socket h.service" "$work/socket3" --dry-run
expect_output "apply: a socket's change restarts the whole group, in its order" "restarting h.socket h.service" \
  $'daemon-reload\nrestart h.socket h.service' "$work/socket3"
expect_output "apply: the socket back on static settings restarts the whole group" "restarting h.socket h.service" \
  $'daemon-reload\nrestart h.socket h.service' "$work/socket2"
rm -rf "$work/run/h.service.d" "$work/run/h.socket.d"

nix_text "$work/restore" "(import $scripts).restoreStatic { systemctl = \"/unused\"; units = [ \"a.service\" \"b b.service\" ]; }"
expect_dry "restoreStatic --dry-run: the units that would lose their drop-in" "would restart a.service" "$work/restore" --dry-run
expect_run "restoreStatic: removes dynix drop-ins, restarts those units" $'daemon-reload\nrestart a.service' "$work/restore"
expect_absent "restoreStatic: nothing left" "$work/run/a.service.d/zz-dynix.conf"
expect_dry "restoreStatic --dry-run: nothing to restore" "no unit changed" "$work/restore" --dry-run

# The activation snippet, as NixOS runs it (bash, set -e like the ERR trap).
cat > "$work/hook" <<'SH'
#!/bin/sh
echo "hook $*" >> "$DYNIX_TEST_LOG"
exit 1
SH
chmod +x "$work/hook"
nix_text "$work/activation.snippet" "(import $scripts).activation { units = [ \"a.service\" \"b b.service\" ]; rebuildHook = \"$work/hook rebuild-hook\"; }"
activate() {
  # shellcheck source=/dev/null # rendered just above from scripts.nix; lint.sh checks it
  (export NIXOS_ACTION=$1 systemConfig=/nix/store/0000-nixos-system; set -e; . "$work/activation.snippet"; echo 'done')
}

"$work/apply2" >/dev/null
expect_run "activation (dry-activate): nothing removed, no hook" "" activate dry-activate
expect_file "activation (dry-activate): units reported" "$work/nixos/dry-activation-restart-list" $'a.service\nb b.service'
expect_file "activation (dry-activate): drop-in kept" "$work/run/a.service.d/zz-dynix.conf" $'[Service]\nX=2'
expect_run "activation (switch): hook runs, its failure ignored" "hook rebuild-hook --system /nix/store/0000-nixos-system" activate switch
expect_file "activation (switch): units in the restart list" "$work/nixos/activation-restart-list" $'a.service\nb b.service'
expect_absent "activation (switch): drop-ins removed" "$work/run/a.service.d/zz-dynix.conf"
rm -f "$work/nixos/activation-restart-list"
expect_run "activation (boot, nothing dynamic): only the hook" "hook rebuild-hook --system /nix/store/0000-nixos-system" activate boot
expect_absent "activation (nothing dynamic): restart list untouched" "$work/nixos/activation-restart-list"

# Issue 21, items 3 and 4: a switch never restarts a socket unit, so a group
# whose socket had a drop-in goes to the socket reset list (socket first) and
# the reset unit to the restart list; a group whose service alone had one goes
# to the restart list as any unit.
nix_text "$work/activation-socket.snippet" "(import $scripts).activation { units = [ \"h.socket\" \"h.service\" ]; groups = [ [ \"h.service\" \"h.socket\" ] ]; }"
activate_in() { # activate_in SNIPPET SYSTEM ACTION: as activate, in a bash of its own, for the system SYSTEM
  # shellcheck disable=SC2016 # $0 is the inner shell's: the snippet's path
  NIXOS_ACTION=$3 systemConfig=$2 bash -c 'set -e; . "$0"; echo done' "$1"
}
activate_socket() { activate_in "$work/activation-socket.snippet" /nix/store/0000-nixos-system "$1"; }
socket_prog socket-both '"[Service]\nW=3"' '"[Socket]\nListenStream=\nListenStream=2"'
"$work/socket-both" >/dev/null
rm -f "$work/nixos/activation-restart-list" "$work/nixos/dry-activation-restart-list"
expect_run "activation (dry-activate), socket group: nothing removed" "" activate_socket dry-activate
expect_file "activation (dry-activate), socket group: the reset unit reported" "$work/nixos/dry-activation-restart-list" "dynix-socket-reset.service"
expect_absent "activation (dry-activate), socket group: no reset list written" "$work/dynix/socket-reset-list"
expect_run "activation (switch), socket group: no systemctl call" "" activate_socket switch
expect_file "activation (switch), socket group: the group to reset, socket first" "$work/dynix/socket-reset-list" "h.socket h.service"
expect_file "activation (switch), socket group: the reset unit in the restart list, not the socket" "$work/nixos/activation-restart-list" "dynix-socket-reset.service"
expect_absent "activation (switch), socket group: the socket's drop-in removed" "$work/run/h.socket.d/zz-dynix.conf"
expect_absent "activation (switch), socket group: the service's drop-in removed" "$work/run/h.service.d/zz-dynix.conf"
nix_text "$work/socket-reset" "(import $scripts).socketReset { systemctl = \"/unused\"; }"
expect_output "socket reset: restarts each listed group, socket first" "dynix: restarting h.socket h.service on their static settings" \
  "restart h.socket h.service" "$work/socket-reset"
expect_absent "socket reset: the list is gone" "$work/dynix/socket-reset-list"
expect_output "socket reset: nothing listed, nothing done" "" "" "$work/socket-reset"
rm -f "$work/nixos/activation-restart-list"
"$work/socket1" >/dev/null
expect_run "activation (switch), socket group, the service's drop-in alone: no systemctl call" "" activate_socket switch
expect_file "activation (switch), the service's drop-in alone: the service in the restart list" "$work/nixos/activation-restart-list" "h.service"
expect_absent "activation (switch), the service's drop-in alone: no reset list" "$work/dynix/socket-reset-list"
rm -f "$work/nixos/activation-restart-list" "$work/nixos/dry-activation-restart-list"

# A drop-in left by a service taken out of dynamicism while a generation was
# live: the snippet does not declare its unit, and still resets it (by name; a
# socket with its same-named service); a unit the new system no longer has is
# only cleaned up.
mkdir -p "$work/newsys/etc/systemd/system" "$work/run/x.service.d" "$work/run/y.socket.d" "$work/run/gone.service.d"
touch "$work/newsys/etc/systemd/system/x.service" "$work/newsys/etc/systemd/system/y.socket"
for u in x.service y.socket gone.service; do printf '[Service]\nX=1\n' > "$work/run/$u.d/zz-dynix.conf"; done
activate_leftovers() { activate_in "$work/activation-one.snippet" "$work/newsys" "$1"; } # a.service dynamic
nix_text "$work/activation-one.snippet" "(import $scripts).activation { units = [ \"a.service\" ]; }"
rm -f "$work/nixos/activation-restart-list" "$work/nixos/dry-activation-restart-list" "$work/dynix/socket-reset-list"
expect_run "activation (dry-activate), leftover drop-ins: no systemctl call" "" activate_leftovers dry-activate
expect_file "activation (dry-activate), leftover drop-ins: reported" "$work/nixos/dry-activation-restart-list" $'x.service\ndynix-socket-reset.service'
expect_file "activation (dry-activate), leftover drop-ins: kept" "$work/run/x.service.d/zz-dynix.conf" $'[Service]\nX=1'
expect_run "activation (switch), leftover drop-ins: no systemctl call" "" activate_leftovers switch
expect_file "activation (switch), a leftover service: in the restart list" "$work/nixos/activation-restart-list" $'x.service\ndynix-socket-reset.service'
expect_file "activation (switch), a leftover socket: reset with its service" "$work/dynix/socket-reset-list" "y.socket y.service"
expect_absent "activation (switch), leftover drop-ins removed" "$work/run/x.service.d/zz-dynix.conf"
expect_absent "activation (switch), a unit the new system lacks: its drop-in removed, nothing listed" "$work/run/gone.service.d/zz-dynix.conf"
rm -rf "$work/nixos/activation-restart-list" "$work/nixos/dry-activation-restart-list" "$work/dynix/socket-reset-list" "$work/run/x.service.d" "$work/run/y.socket.d" "$work/run/gone.service.d"

# The default health check.
nix_text "$work/check" "(import $scripts).check { systemctl = \"/unused\"; settleSeconds = 0; units = [ \"a.service\" ]; }"
expect_run "check: is-active on the dynamic units" "is-active a.service" "$work/check"
: > "$DYNIX_TEST_LOG"
if DYNIX_TEST_ACTIVE=3 "$work/check" >/dev/null 2>&1; then fail "check: fails when a unit is not active"; else pass "check: fails when a unit is not active"; fi
nix_text "$work/check2" "(import $scripts).check { systemctl = \"/unused\"; settleSeconds = 0; units = [ \"a.service\" \"b.service\" ]; }"
if output=$(DYNIX_TEST_FAILED_UNIT=b.service "$work/check2" 2>&1); then
  fail "check: two units, one failed: fails (each unit checked on its own)" "$output"
else
  case $output in *"b.service is failed"*) pass "check: two units, one failed: fails (each unit checked on its own)" ;;
    *) fail "check: two units, one failed: fails (each unit checked on its own)" "$output" ;; esac
fi

# The build program, with a fake nix-build that records its arguments and
# returns an output like applyDynamicConfiguration's.
mkdir -p "$work/out/bin"
echo /nix/store/1111-nixos-system > "$work/out/static-system"
cat > "$work/nix-build" <<SH
#!/bin/sh
printf '%s\n' "\$@" > "$work/nix-build.args"
echo "building..." >&2
echo "$work/out"
SH
chmod +x "$work/nix-build"
nix_text "$work/build" "(import $scripts).build { nixBuild = \"$work/nix-build\"; configExpression = \"(import <nixpkgs/nixos> { }).config\"; }"
if output=$("$work/build" /tmp/dynamic-123.nix 2>/dev/null); then
  if [ "$output" = "static-system: /nix/store/1111-nixos-system
$work/out/bin/apply" ]; then pass "build: prints static-system, then the program last"; else fail "build: prints static-system, then the program last" "$output"; fi
else fail "build: runs" "$output"; fi
if grep -qx -- '--argstr' "$work/nix-build.args" && grep -qx /tmp/dynamic-123.nix "$work/nix-build.args" \
   && grep -q 'applyDynamicConfiguration { inherit dynamicFile; }' "$work/nix-build.args"; then
  pass "build: evaluates applyDynamicConfiguration on the given file"
else fail "build: evaluates applyDynamicConfiguration on the given file" "$(cat "$work/nix-build.args")"; fi
if "$work/build" >/dev/null 2>&1; then fail "build: refuses a missing file argument"; else pass "build: refuses a missing file argument"; fi
# The expression it passes is valid Nix.
expr=$(sed -n '/^{ dynamicFile }:/,$p' "$work/nix-build.args")
if printf '%s' "$expr" | nix-instantiate "${NIX_FLAGS[@]}" --parse - >/dev/null 2>&1; then pass "build: its expression parses"; else fail "build: its expression parses" "$expr"; fi

unset DYNIX_SYSTEMCTL DYNIX_SYSTEMD_RUNTIME_DIR DYNIX_NIXOS_RUN_DIR DYNIX_TEST_LOG
rm -rf "$work"; trap - EXIT
