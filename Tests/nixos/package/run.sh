#!/usr/bin/env bash
# The package as a NixOS host builds it, as far as this machine can: the source package.nix keeps, realised by
# real Nix, copied, and built by SwiftPM as nixpkgs' swiftpm hook builds it (`swift build -c release` with
# package.nix's swiftpmFlags), then the binary run through a short story.
#
# - With NIXPKGS_LIB (a nixpkgs or nixpkgs.lib checkout), the source is package.nix's own `src`, evaluated under
#   nixpkgs' real lib with stub packages; without it, package-recipe.nix's `src`, which package.nix inherits.
# - With LIBGIT2_SOURCE (a libgit2 checkout; nixpkgs builds 1.9.1), libgit2 is built as package.nix builds it and
#   linked from its archive: the nixpkgs shape. Without it, the system's libgit2 through pkg-config.
#
# DYNIX_PACKAGE_WORK=DIR keeps the build there (and reuses it); otherwise a temporary directory, removed.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)
cd "$repo"
. Tests/lib/report.sh

work=${DYNIX_PACKAGE_WORK:-}
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/dynix-package.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd -P)

# shellcheck disable=SC2016 # a Nix string interpolation, not a shell one
recipe_src=$(nix-instantiate --eval --read-write-mode --json -E '"${(import ./package-recipe.nix).src}"' | tr -d '"')
src=$recipe_src
if [ -n "${NIXPKGS_LIB:-}" ] && [ -f "$NIXPKGS_LIB/lib/default.nix" ]; then
  if package_src=$(nix-instantiate --eval --read-write-mode --json -E \
    "\"\${(import ./Tests/nixos/eval/modules/packaging.nix { nixpkgsLib = $NIXPKGS_LIB; }).sourcePath}\"" 2>&1); then
    src=$(printf '%s' "$package_src" | tr -d '"')
    if [ "$src" = "$recipe_src" ]; then pass "package: package.nix's src is package-recipe.nix's ($src)"
    else fail "package: package.nix's src is package-recipe.nix's" "package.nix: $src
recipe:      $recipe_src"; fi
  else
    fail "package: package.nix's src evaluates under nixpkgs' lib" "$package_src"
  fi
else
  echo "skip  package: NIXPKGS_LIB is not set; package-recipe.nix's src (which package.nix inherits) is built, not package.nix's own evaluation"
fi

# Only what SwiftPM reads, and everything Package.swift names.
unexpected=$(cd "$src" && { find . -type f | sed 's|^\./||' | grep -vE '^(Package\.swift|Package\.resolved|man/dynix\.1|Sources/.*|Tests/(DynixTestSupport|DynixHistoryTests|dynixTests)/.*)$' || true; })
if [ -z "$unexpected" ]; then pass "package: the source holds only Package.swift, Package.resolved, Sources/, the Swift test targets' folders and man/dynix.1"
else fail "package: the source holds only what SwiftPM reads" "$unexpected"; fi

libgit2=system
if [ -n "${LIBGIT2_SOURCE:-}" ]; then libgit2=$LIBGIT2_SOURCE
else echo "note  package: LIBGIT2_SOURCE is not set; linking the system's libgit2 through pkg-config, not libgit2 built as package.nix builds it"; fi

if bin=$(scripts/build-package --src "$src" --libgit2 "$libgit2" "$work" 2>"$work/build.log" | tail -n 1) && [ -x "$bin" ]; then
  pass "package: the source builds with swift build -c release and package.nix's swiftpmFlags (libgit2: $libgit2)"
else
  fail "package: the source builds with swift build -c release and package.nix's swiftpmFlags (libgit2: $libgit2)" "$(grep -E 'error|warning' "$work/build.log" | head -20)"
  echo "package: $passed passed, $failed failed"
  exit 1
fi

# Zero warnings from the project's own code (libgit2's C and the toolchain's static libraries are not ours: see
# README, "Building from source").
own_warnings=$(grep -E "^$work/src/(Sources|Tests)/.*warning:" "$work/build.log" || true)
if [ -z "$own_warnings" ]; then pass "package: no warning from dynix's own code"
else fail "package: no warning from dynix's own code" "$own_warnings"; fi

version=$("$bin" --version 2>&1)
if [ "$version" = "$(sed -n 's/^  version = "\(.*\)";$/\1/p' package.nix)" ]; then pass "package: dynix --version says package.nix's version ($version)"
else fail "package: dynix --version says package.nix's version" "$version"; fi

needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if [[ $needed != *libc.so.6* ]]; then
  fail "package: readelf lists what the binary needs" "$(readelf -d "$bin" 2>&1 | head -5)"
elif [ "$libgit2" != system ]; then
  if [[ " $needed " != *" libgit2.so"* ]]; then pass "package: libgit2 is linked in from its archive (needs: $needed)"
  else fail "package: libgit2 is linked in from its archive" "needs: $needed"; fi
fi
if readelf -h "$bin" | grep -q 'DYN (Position-Independent Executable'; then pass "package: the binary is position-independent"
else fail "package: the binary is position-independent" "$(readelf -h "$bin" | grep Type)"; fi

# A short story on a temporary root, with this binary and the git CLI as the witness.
root="$work/root"
rm -rf "$root"
mkdir -p "$root"
story=$({
  set -e
  export NO_COLOR=1 DYNIX_PAGER=cat
  "$bin" --root "$root" init
  "$bin" --root "$root" append services.distccd.maxJobs 4 -m "four jobs"
  "$bin" --root "$root" log --oneline
  git --git-dir "$root/var/lib/dynix/history.git" fsck --strict --no-progress
  cat "$root/etc/nixos/dynamic.nix"
} 2>&1)
story_status=$?
if [ "$story_status" -eq 0 ] && [[ $story == *"services.distccd.maxJobs = 4;"* ]] &&
  [ "$(git --git-dir "$root/var/lib/dynix/history.git" log -1 --format=%s 2>/dev/null)" = "four jobs" ]; then
  pass "package: the built binary keeps a history (init, append, log; git fsck --strict clean)"
else fail "package: the built binary keeps a history" "$story"; fi

# The crash points of the tests exist only in a test build: a released dynix is never told to kill itself.
if out=$(DYNIX_FAULT=objects-written NO_COLOR=1 "$bin" --root "$root" append services.distccd.logLevel info 2>&1) &&
  [ "$(git --git-dir "$root/var/lib/dynix/history.git" log -1 --format=%s 2>/dev/null)" = "set services.distccd.logLevel = \"info\"" ]; then
  pass "package: the release binary ignores DYNIX_FAULT"
else fail "package: the release binary ignores DYNIX_FAULT" "$out"; fi

# libgit2 (1.5 and 1.9.1) spins forever on a truncated loose object; CInflateGuard must stand in front of the zlib
# this shape links (interposed, or through --wrap), so the refusal comes at once, not from the watchdog.
head=$(git --git-dir "$root/var/lib/dynix/history.git" rev-parse main)
object="$root/var/lib/dynix/history.git/objects/${head:0:2}/${head:2}"
chmod u+w "$object"
head -c 10 "$object" > "$root/truncated" && cat "$root/truncated" > "$object"
if out=$(DYNIX_WATCHDOG=60 NO_COLOR=1 timeout 20 "$bin" --root "$root" status 2>&1); status=$?; [ "$status" = 1 ] &&
  [[ $out == *"a truncated object"* ]]; then
  pass "package: a truncated object is refused at once (inflate guarded)"
else fail "package: a truncated object is refused at once (exit $status)" "$out"; fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
