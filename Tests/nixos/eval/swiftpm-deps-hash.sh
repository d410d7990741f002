#!/usr/bin/env bash
# Recompute package.nix's swiftpmDeps hash without network: lay out what
# fetchSwiftPMDeps' fixed-output derivation produces (prefetch-swiftpm-deps:
# a copy of Package.resolved, and each pin checked out by nix-prefetch-git
# without .git under Packages/<name>) and print its NAR hash (SRI).
#
#   Tests/nixos/eval/swiftpm-deps-hash.sh GIT-DIR
#
# GIT-DIR: a clone of github.com/apple/swift-argument-parser holding the
# revision Package.resolved pins (GitHub's own commit ids: a mirror that
# re-commits the tags has other ids and other trees). Not part of
# scripts/test-nix: it needs that clone. Prints the hash; compare it with package.nix.
set -euo pipefail
cd "$(dirname "$0")/../../.."
git_dir=${1:?usage: $0 GIT-DIR-OF-swift-argument-parser}
rev=$(python3 -c 'import json; p = json.load(open("Package.resolved"))["pins"]; assert len(p) == 1 and p[0]["identity"] == "swift-argument-parser", p; print(p[0]["state"]["revision"])')
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/staging/Packages/swift-argument-parser"
cp Package.resolved "$work/staging/Package.resolved"
# git archive of a commit writes the same tree a checkout does (no
# .gitattributes export rules in this repository at that revision; checked
# below), symlinks and executable bits included.
if git --git-dir="$git_dir" ls-tree -r --name-only "$rev" | grep -q -e '\.gitattributes$' -e '\.gitmodules$'; then
  echo "$0: $rev has .gitattributes or submodules; this layout would not match nix-prefetch-git" >&2; exit 1
fi
git --git-dir="$git_dir" archive "$rev" | tar -x -C "$work/staging/Packages/swift-argument-parser"
hex=$(nix-hash --type sha256 "$work/staging")
python3 -c 'import base64, sys; print("sha256-" + base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$hex"
