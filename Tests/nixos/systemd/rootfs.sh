#!/usr/bin/env bash
# Build (once) a minimal Debian root for the real-systemd tests and print its
# path. Cached outside the repository under $DYNIX_TEST_CACHE (default
# /var/cache/dynix-test), keyed by the suite and package list, so a second run
# costs nothing. The mirror is the one apt on this machine already uses, read
# from its configuration at run time.
set -euo pipefail

suite=${DYNIX_TEST_SUITE:-bookworm}
# systemd as PID 1 and its bus; the real daemons the tests drive (distccd,
# memcached); what the dynix binary links (libgit2); nix-bin so the build
# program can evaluate the dynamic file with Nix inside the container; and
# the tools the test programs use. libdbi-perl: nix-bin needs the virtual
# perl-dbdabi-94, which debootstrap does not resolve by itself. perl and its
# Config::IniFiles and File::Slurp: nixpkgs' switch-to-configuration (switch.sh).
packages=systemd,systemd-sysv,dbus,distcc,memcached,libgit2-1.5,procps,iproute2,nix-bin,libdbi-perl,perl,libconfig-inifiles-perl,libfile-slurp-perl
cache=${DYNIX_TEST_CACHE:-/var/cache/dynix-test}
key=$(printf '%s\n' "$suite" "$packages" "v1" | sha256sum | cut -c1-16)
root=$cache/rootfs-$suite-$key

if [ -f "$root/.dynix-complete" ]; then
  echo "$root"
  exit 0
fi

mirror() {
  # deb822 (.sources) first, then one-line .list format.
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i !~ /security/) { print $i; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
}

url=$(mirror)
if [ -z "$url" ]; then echo "rootfs: no Debian mirror found in apt's configuration" >&2; exit 1; fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -f "$root/.dynix-complete" ]; then echo "$root"; exit 0; fi
rm -rf "$root.tmp"
echo "rootfs: debootstrap $suite ($packages) into $root" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$root.tmp" "$url" >"$cache/debootstrap.log" 2>&1 || {
  echo "rootfs: debootstrap failed; see $cache/debootstrap.log" >&2
  tail -20 "$cache/debootstrap.log" >&2
  exit 1
}
# No getty or anything else that waits for a terminal; a root without a
# password is never reachable (private network, no login service).
chroot "$root.tmp" systemctl mask console-getty.service getty@.service systemd-networkd-wait-online.service >/dev/null 2>&1 || true
# The daemons start only when the tests start them.
chroot "$root.tmp" systemctl disable distcc.service memcached.service >/dev/null 2>&1 || true
echo dynix-test > "$root.tmp/etc/hostname"
rm -rf "$root"
mv "$root.tmp" "$root"
touch "$root/.dynix-complete"
echo "$root"
