# shellcheck shell=bash
# Start, stop and probe the demo distccd of one root. Sourced by the host
# scripts; build also copies these functions (declare -f) into every
# activation program, so a built program keeps working like an immutable
# store path even if this file changes later.
#
# We play systemd: distccd runs in the foreground (--no-detach, as NixOS's
# unit runs it) in its own session, and we write the pid file ourselves.
# distccd's own --pid-file is written after it drops to user distccd, who
# cannot write under a root-owned temporary directory.

# dd_pidfile ROOT: where the pid of the daemon's session leader is kept.
dd_pidfile() { printf '%s/run/distccd.pid\n' "$1"; }

# dd_group_alive PGID: some process of the group is alive. Zombies do not
# count: pid 1 here reaps lazily, and a zombie holds no socket.
dd_group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# dd_pid ROOT: print the pid from the pid file if it is our daemon, alive.
# The daemon carries DYNIX_DEMO_ROOT in its environment, so a stale pid file
# whose pid was reused by some other process is never acted upon.
dd_pid() {
  local pidfile pid
  pidfile=$(dd_pidfile "$1")
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == distccd ]] || return 1
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  grep -qzxF "DYNIX_DEMO_ROOT=$1" "/proc/$pid/environ" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# dd_port PID: the --port the daemon was started with, from its command line.
dd_port() {
  local -a args
  mapfile -d '' args <"/proc/$1/cmdline"
  local i
  for ((i = 0; i < ${#args[@]} - 1; i++)); do
    [[ ${args[i]} == --port ]] && { printf '%s\n' "${args[i+1]}"; return 0; }
  done
  return 1
}

# dd_listening PID PORT: PID itself holds a listening socket on 127.0.0.1:PORT
# (not merely somebody else on that port).
dd_listening() {
  # No "| grep -q": under pipefail, grep quitting early can fail the pipe.
  [[ $(ss -Hltnp "sport = :$2" 2>/dev/null) == *"pid=$1,"* ]]
}

# dd_stop ROOT: stop the daemon and wait until every process of its session
# is gone, so the port is free for the next start.
dd_stop() {
  local root=$1 pid i
  if pid=$(dd_pid "$root"); then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      dd_group_alive "$pid" || break
      sleep 0.1
    done
    if dd_group_alive "$pid"; then
      echo "distccd $pid ignored SIGTERM for 5 s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
      while dd_group_alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$(dd_pidfile "$root")"
}

# dd_restart ROOT PORT JOBS LOGLEVEL JOBTIMEOUT: stop whatever runs, start
# distccd with these settings and wait (at most 5 s) until it listens.
# Fails, with distccd's own complaint on stderr, if it does not come up.
dd_restart() {
  local root=$1 port=$2 jobs=$3 level=$4 timeout=$5
  local pidfile log pid i
  pidfile=$(dd_pidfile "$root")
  log=$root/var/log/distccd.log
  echo "restarting distccd (jobs $jobs, log-level $level, job-lifetime $timeout, port $port)"
  dd_stop "$root"
  mkdir -p "$root/run" "$root/var/log"
  : >"$log"
  # The daemon must inherit nothing of its caller but the environment: its
  # stdio must not be our stdout (dynix reads this program's output until
  # EOF), and an inherited descriptor (dynix's lock file, say) would be held
  # for the daemon's lifetime. So close every descriptor above 2.
  # setsid: its own session (stop signals the whole group, a caller's Ctrl-C
  # or timeout does not reach it); it execs distccd without forking, since a
  # background job is no group leader, so $! is distccd's pid.
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then { exec {fd}>&-; } 2>/dev/null || true; fi
    done
    DYNIX_DEMO_ROOT=$root exec setsid distccd --no-detach --daemon --log-stderr \
      --listen 127.0.0.1 --allow 127.0.0.1 --port "$port" --user distccd \
      --jobs "$jobs" --log-level "$level" --job-lifetime "$timeout"
  ) </dev/null >>"$log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$pidfile.tmp"
  mv -f "$pidfile.tmp" "$pidfile"
  for ((i = 0; i < 50; i++)); do
    if ! dd_group_alive "$pid"; then
      rm -f "$pidfile"
      echo "distccd exited at start-up on 127.0.0.1:$port:" >&2
      tail -n 5 "$log" >&2
      return 1
    fi
    dd_listening "$pid" "$port" && { echo "distccd $pid listening on 127.0.0.1:$port"; return 0; }
    sleep 0.1
  done
  echo "distccd $pid did not listen on 127.0.0.1:$port within 5 s; stopping it" >&2
  tail -n 5 "$log" >&2
  dd_stop "$root"
  return 1
}

# dd_check ROOT: the daemon is alive, owns its listening socket and accepts a
# TCP connection.
dd_check() {
  local pid port
  pid=$(dd_pid "$1") || { echo "distccd is not running (no live pid in $(dd_pidfile "$1"))" >&2; return 1; }
  port=$(dd_port "$pid") || { echo "distccd $pid has no --port" >&2; return 1; }
  dd_listening "$pid" "$port" || { echo "distccd $pid is not listening on 127.0.0.1:$port" >&2; return 1; }
  # shellcheck disable=SC2016 # $1 is the inner shell's: the port, passed as an argument
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null \
    || { echo "127.0.0.1:$port refuses connections" >&2; return 1; }
}

# dd_settings STATIC_JSON [DYNAMIC_FILE]: print "PORT JOBS LOGLEVEL
# JOBTIMEOUT", the static settings with the dynamic file's entries (folded by
# the repository's fold.nix) laid over them. Fails on an evaluation error.
dd_settings() {
  # Callers run this in $(…), where set -e is off: hence the explicit returns.
  local static=$1 file=${2:-} host out
  host=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
  # --store dummy://: pure evaluation, no store database and its locks.
  out=$(nix-instantiate --store dummy:// --eval --strict --json "$host/settings.nix" \
    --argstr static "$static" \
    --argstr file "$file" \
    --argstr fold "$host/../../modules/dynamicism/fold.nix") || return
  out=${out#\"}; printf '%s\n' "${out%\"}"
}


# dd_write_manifest ROOT: (re)write ROOT/etc/dynix/manifest.json from the live
# system's static.json, atomically.
dd_write_manifest() {
  local root=$1 host m
  host=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
  m=$root/etc/dynix/manifest.json
  mkdir -p "${m%/*}"
  nix-instantiate --store dummy:// --eval --strict --json "$host/manifest.nix" \
    --argstr root "$root" --argstr host "$host" \
    --argstr static "$root/run/current-system/static.json" >"$m.tmp"
  echo >>"$m.tmp"
  mv -f "$m.tmp" "$m"
}

# dd_link TARGET LINK: point LINK at TARGET atomically (rename over it), as
# nix-env and the activation script do for profiles and /run/current-system.
dd_link() {
  ln -sfn "$1" "$2.tmp"
  mv -fT "$2.tmp" "$2"
}

# dd_absroot DIR: DIR as an absolute, symlink-free path (it must exist).
dd_absroot() { (cd "$1" && pwd -P); }
