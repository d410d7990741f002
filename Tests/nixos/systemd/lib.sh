# shellcheck shell=bash
# A real systemd (PID 1 of a systemd-nspawn container) for the tests; sourced
# by scripts/test-systemd. The container boots the cached Debian root
# (rootfs.sh) with a throw-away overlay (--volatile=overlay), its own network
# namespace holding only loopback (--private-network), and no registration
# with a host systemd (there may be none: --register=no --keep-unit).
# It runs in a cgroup of its own, created here and removed by ct_stop, in
# the unified hierarchy (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1) and in the
# name=systemd v1 tree when the host has one, so nothing is left behind.

# shellcheck source=Tests/lib/report.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/report.sh"

ct_pid=        # systemd-nspawn
ct_leader=     # the container's PID 1, as the host sees it
ct_cgroups=()  # cgroup directories created for it

# The cgroup roots to hold the container: the unified hierarchy (at
# /sys/fs/cgroup or /sys/fs/cgroup/unified) and the v1 name=systemd tree.
ct_cgroup_roots() {
  local self
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    self=$(sed -n 's/^0:://p' /proc/self/cgroup); echo "/sys/fs/cgroup${self%/}"
  elif [ -d /sys/fs/cgroup/unified ]; then
    self=$(sed -n 's/^0:://p' /proc/self/cgroup); echo "/sys/fs/cgroup/unified${self%/}"
    if [ -d /sys/fs/cgroup/systemd ]; then
      self=$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup); echo "/sys/fs/cgroup/systemd${self%/}"
    fi
  fi
}

# ct_start ROOTFS [nspawn options…]: boot, wait until systemd is running.
ct_start() {
  local rootfs=$1 name dir state
  shift
  : "${ct_log:?the caller names the log file of the container}"
  name=dynix-test-$$-$RANDOM
  ct_cgroups=()
  for dir in $(ct_cgroup_roots); do
    mkdir "$dir/$name" && ct_cgroups+=("$dir/$name")
  done
  # The subshell moves itself into the new cgroups, then becomes nspawn.
  (
    for dir in "${ct_cgroups[@]}"; do echo "$BASHPID" > "$dir/cgroup.procs"; done
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 exec systemd-nspawn -q -D "$rootfs" --boot \
      --register=no --keep-unit --volatile=overlay --private-network \
      --machine="$name" "$@"
  ) </dev/null >"$ct_log" 2>&1 &
  ct_pid=$!
  for _ in $(seq 1 100); do
    ct_leader=$(ps -o pid= --ppid "$ct_pid" 2>/dev/null | head -n1 | tr -d ' ')
    if [ -n "$ct_leader" ]; then
      state=$(nsenter -t "$ct_leader" -a systemctl is-system-running 2>/dev/null) || true
      case $state in running|degraded) return 0 ;; esac
    fi
    kill -0 "$ct_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "container did not come up (state: ${state:-none}); nspawn log:" >&2
  cat "$ct_log" >&2
  return 1
}

# ct_stop: halt the container (nspawn turns SIGTERM into an orderly
# shutdown), kill what is left of it if that takes over 20 s, remove its
# cgroups (depth first).
ct_stop() {
  local dir
  if [ -n "$ct_pid" ] && kill -0 "$ct_pid" 2>/dev/null; then
    kill -TERM "$ct_pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$ct_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$ct_pid" 2>/dev/null; then
      for dir in "${ct_cgroups[@]}"; do
        [ -f "$dir/cgroup.kill" ] && echo 1 > "$dir/cgroup.kill" 2>/dev/null
      done
      kill -KILL "$ct_pid" 2>/dev/null || true
    fi
    wait "$ct_pid" 2>/dev/null || true
  fi
  for dir in "${ct_cgroups[@]}"; do
    [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null
    [ -d "$dir" ] && echo "test-systemd: could not remove cgroup $dir" >&2
  done
  ct_pid='' ct_leader='' ct_cgroups=()
}

# in_ct COMMAND…: run inside the container (all its namespaces), with a
# clean environment, plus the VAR=value words of $DYNIX_TEST_ENV.
in_ct() {
  local extra=()
  read -ra extra <<<"${DYNIX_TEST_ENV:-}"
  nsenter -t "$ct_leader" -a -- env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    "${extra[@]}" "$@"
}

# show UNIT PROPERTY: systemd's own view.
show() { in_ct systemctl show -P "$2" "$1"; }
main_pid() { show "$1" MainPID; }
# The main process's command line, once it has executed its program (a
# just-forked child is still called "(name)").
cmdline() {
  local pid text
  for _ in $(seq 1 40); do
    pid=$(main_pid "$1")
    text=$(in_ct cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' ' | sed 's/ $//')
    case $text in ''|'('*) sleep 0.1 ;; *) break ;; esac
  done
  printf '%s' "$text"
}
