# shellcheck shell=bash
# Static switches by nixpkgs' own switch program (switch-to-configuration,
# the Perl form whose unit logic switch-to-configuration-ng keeps), read at
# test time from ../shared/nixpkgs (DYNIX_SWITCH_PROGRAM overrides) and never
# kept in this repository: its placeholders are filled into a copy inside
# each test system. Sourced by run.sh after the dynix end-to-end checks,
# with lib.sh's helpers and run.sh's `d`, `render`, `expect*`, `inv`,
# `cmdline` and `listening`.
#
# Each test system is a directory under /nix/store in the container shaped
# as NixOS builds one: etc/systemd/system (every unit file of the container,
# with the test units as the static configuration renders them), activate
# and dry-activate (this generation's unit files into /etc, the framework's
# activation snippet with the real rebuild hook, /run/current-system),
# init-interface-version, sw/bin, and bin/switch-to-configuration.
#
# For each unit shape (a plain service; a socket alone; a socket and its
# service, the service running and idle) a dynamic generation is made live
# with the real dynix, then a static switch (switch, test, boot,
# dry-activate) runs, and what the processes run (their command line, the
# address the socket listens on) must be what `dynix status` says is live.
# A bystander must never restart.
: "${repo:?}" "${work:?}"

stc_source=${DYNIX_SWITCH_PROGRAM:-$repo/../shared/nixpkgs/switch-to-configuration.pl}
if [ ! -f "$stc_source" ]; then
  echo "skip  switch-to-configuration: $stc_source is absent; the static switches by nixpkgs' own switch program were not run"
  return 0
fi
if ! in_ct perl -MConfig::IniFiles -MFile::Slurp -MJSON::PP -MIPC::Cmd -e 1 2>/dev/null; then
  fail "switch-to-configuration: its Perl modules are missing in the container (rootfs.sh's package list)"
  return 0
fi
echo "# static switches by nixpkgs' switch-to-configuration ($(sha256sum "$stc_source" | cut -c1-16))"

# The container as a NixOS: /etc/NIXOS, systemd's tools where the program
# looks for them, the target NixOS restarts on every switch.
in_ct touch /etc/NIXOS
in_ct mkdir -p /t/stc-systemd/bin
for tool in systemctl busctl loginctl journalctl; do in_ct ln -sfn "/usr/bin/$tool" "/t/stc-systemd/bin/$tool"; done
# PID 1's program, which the switch compares with the running one (the same: no re-exec).
in_ct ln -sfn /usr/lib /t/stc-systemd/lib
printf '[Unit]\nDescription=Reactivate sysinit units\n' | in_ct tee /etc/systemd/system/sysinit-reactivation.target >/dev/null
render socketResetText > "$work/socket-reset"
chmod +x "$work/socket-reset"
render socketResetUnitText | in_ct tee /etc/systemd/system/dynix-socket-reset.service >/dev/null
render activationText > "$work/activation-hook.snippet"
in_ct systemctl daemon-reload
# Active, as on NixOS, where sysinit.target wants it: the program starts every active target of
# /etc/systemd/system on each switch (and calls `systemctl start` even when it has none to start).
in_ct systemctl start sysinit-reactivation.target

system_number=10
# new_system N: static system N (the same static settings each time: dynix's
# reset must happen even when no unit file changed); prints its path.
new_system() {
  local top=/nix/store/1111-nixos-system-$1
  in_ct mkdir -p "$top/etc/systemd/system" "$top/bin"
  in_ct cp -a /etc/systemd/system/. "$top/etc/systemd/system/"
  for u in distccd.service proxy.socket proxy.service; do
    render "staticUnits.\"$u\"" | in_ct tee "$top/etc/systemd/system/$u" >/dev/null
  done
  printf 'systemd 2\n' | in_ct tee "$top/init-interface-version" >/dev/null
  # systemd's own configuration, unchanged (a change would re-execute PID 1).
  in_ct ln -sfn /etc/systemd/system.conf "$top/etc/systemd/system.conf"
  in_ct ln -sfn /usr "$top/sw"
  # activate and dry-activate, as NixOS's: systemConfig is baked in.
  # shellcheck disable=SC2016 # the $ belong to the scripts written here
  printf '#!/bin/bash\nsystemConfig=%s\nexport systemConfig\ncp -a "$systemConfig/etc/systemd/system/." /etc/systemd/system/\n. /t/activation-hook.snippet\nln -sfn "$systemConfig" /run/current-system\n' "$top" \
    | in_ct tee "$top/activate" >/dev/null
  printf '#!/bin/bash\nsystemConfig=%s\nexport systemConfig\n. /t/activation-hook.snippet\n' "$top" | in_ct tee "$top/dry-activate" >/dev/null
  sed -e "s|@perl@|/usr|g; s|@out@|$top|g; s|@toplevel@|$top|g; s|@systemd@|/t/stc-systemd|g" \
    -e 's|@coreutils@|/usr|g; s|@utillinux@|/usr|g; s|@su@|/bin/su|g; s|@shell@|/bin/bash|g; s|@distroId@|nixos|g' \
    -e 's|@localeArchive@||g; s|@preSwitchCheck@|true|g; s|@installBootLoader@|true|g' "$stc_source" \
    | in_ct tee "$top/bin/switch-to-configuration" >/dev/null
  in_ct chmod +x "$top/activate" "$top/dry-activate" "$top/bin/switch-to-configuration"
  echo "$top"
}

# switch_to ACTION: nixos-rebuild's last steps: the profile (for switch and
# boot), then the new system's switch program. Its output is in $switch_out.
switch_to() {
  local top
  system_number=$((system_number + 1))
  top=$(new_system "$system_number")
  if [ "$1" = switch ] || [ "$1" = boot ]; then
    in_ct ln -sfn "$top" "/nix/var/nix/profiles/system-$system_number-link"
    in_ct ln -sfn "system-$system_number-link" /nix/var/nix/profiles/system
  fi
  switch_out=$(in_ct "$top/bin/switch-to-configuration" "$1" 2>&1)
  switch_status=$?
}

# The current system, as NixOS would have it before the first switch.
system_number=$((system_number + 1))
current=$(new_system "$system_number")
in_ct ln -sfn "$current" /run/current-system
in_ct ln -sfn "$current" "/nix/var/nix/profiles/system-$system_number-link"
in_ct ln -sfn "system-$system_number-link" /nix/var/nix/profiles/system
d rebuild-hook --system "$current" >/dev/null 2>&1
in_ct systemctl start bystander.service
bystander=$(inv bystander.service)

live_line() { d status 2>&1 | grep '^dynamic generation'; }
switch_succeeded() { # switch_succeeded NAME
  if [ "$switch_status" -eq 0 ]; then pass "$1"; else fail "$1" "exit $switch_status: $switch_out"; fi
}

# -- a plain service (distccd), under each action --------------------------
for action in dry-activate boot test switch; do
  d append services.distccd.maxJobs 5 --apply >/dev/null 2>&1
  expect_has "$action, plain service: dynamic generation live before" "$(cmdline distccd.service)" "--jobs 5"
  switch_to "$action"
  switch_succeeded "$action, plain service: the switch program succeeds"
  live=$(live_line)
  case $action in
    dry-activate | boot)
      expect_has "$action, plain service: the process keeps its dynamic flags" "$(cmdline distccd.service)" "--jobs 5"
      expect_not "$action, plain service: and dynix status says its generation is still live" "$live" "none since" ;;
    *)
      expect_has "$action, plain service: the process runs its static flags" "$(cmdline distccd.service)" "--jobs 12"
      expect_has "$action, plain service: and dynix status says no dynamic generation is live" "$live" "dynamic generation  none since" ;;
  esac
  [ "$action" = dry-activate ] && expect_has "dry-activate, plain service: the program says distccd would restart" "$switch_out" "distccd.service"
  d unset services.distccd.maxJobs >/dev/null 2>&1
  d apply >/dev/null 2>&1
done

# -- a socket alone (its bind), then a socket and its service, each action ---
for shape in "socket alone" "socket and service running" "socket and service idle"; do
  for action in dry-activate boot test switch; do
    name="$action, $shape"
    entries=(services.proxy.bind 127.0.0.1:7005)
    [ "$shape" != "socket alone" ] && entries+=(services.proxy.upstream 127.1:11211)
    d append "${entries[@]}" --apply >/dev/null 2>&1
    expect_has "$name: dynamic generation live before (listens on 7005)" "$(listening)" "127.0.0.1:7005"
    case $shape in
      *running) in_ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/7005' 2>/dev/null || true
        expect "$name: the service runs before the switch" "$(show proxy.service ActiveState)" active ;;
      *idle) in_ct systemctl stop proxy.service 2>/dev/null
        expect "$name: the service idles before the switch" "$(show proxy.service ActiveState)" inactive ;;
    esac
    switch_to "$action"
    switch_succeeded "$name: the switch program succeeds"
    l=$(listening)
    case $action in
      dry-activate | boot)
        expect_has "$name: the socket still listens where the dynamic configuration says (7005)" "$l" "127.0.0.1:7005"
        expect_not "$name: and dynix status says its generation is still live" "$(live_line)" "none since" ;;
      *)
        expect_has "$name: the socket listens where the static configuration says (7001)" "$l" "127.0.0.1:7001"
        expect_not "$name: and no longer where the dynamic one said (7005)" "$l" "127.0.0.1:7005"
        reply=$(in_ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/7001; printf "version\r\n" >&3; timeout 3 head -c 8 <&3' 2>&1)
        expect "$name: a connection reaches memcached through it" "$reply" "VERSION "
        expect_has "$name: the service runs its static upstream" "$(cmdline proxy.service)" "127.0.0.1:11211"
        expect_has "$name: and dynix status says no dynamic generation is live" "$(live_line)" "dynamic generation  none since" ;;
    esac
    d unset services.proxy.bind >/dev/null 2>&1
    [ "$shape" != "socket alone" ] && d unset services.proxy.upstream >/dev/null 2>&1
    d apply >/dev/null 2>&1
  done
done

# -- restartIfChanged = false, reloadIfChanged = true: refused, never live ---
# The switch would skip such a unit, or only reload it: its dynamic flags
# would stay while the history said the static ones were live. The build
# refuses it; nothing becomes live; the history keeps telling the truth.
for shape in no-restart reload; do
  printf '%s' "$shape" | in_ct tee /etc/dynix-test/shape >/dev/null
  out=$(d append services.distccd.maxJobs 6 --apply 2>&1); status=$?
  expect "$shape: the apply is refused (exit 1)" "$status" 1
  expect_has "$shape: the refusal says why" "$out" "distccd.service cannot be dynamic: a static switch"
  expect_has "$shape: the process keeps its static flags" "$(cmdline distccd.service)" "--jobs 12"
  expect_has "$shape: dynix status says no dynamic generation is live" "$(live_line)" "dynamic generation  none since"
  d unset services.distccd.maxJobs >/dev/null 2>&1
  in_ct rm -f /etc/dynix-test/shape
done

expect "switch-to-configuration: the bystander never restarted" "$(inv bystander.service)" "$bystander"
