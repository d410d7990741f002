# shellcheck shell=bash
# The package as a flake or a clean clone sees it.
# A flake and `nix-build` of a git checkout see only tracked files, and
# package.nix reads Package.resolved (fetchSwiftPMDeps vendors what it pins).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if git ls-files --error-unmatch Package.resolved >/dev/null 2>&1; then
    pass "packaging: Package.resolved is tracked"
  else fail "packaging: Package.resolved is tracked" "git ls-files does not list it: a flake or clean clone cannot evaluate package.nix"; fi
  if git check-ignore -q --no-index Package.resolved 2>/dev/null && grep -qx 'Package.resolved' .gitignore; then
    fail "packaging: .gitignore does not ignore Package.resolved" "$(grep -n Package.resolved .gitignore)"
  elif grep -qx 'Package.resolved' .gitignore; then
    fail "packaging: .gitignore does not ignore Package.resolved" "$(grep -n Package.resolved .gitignore)"
  else pass "packaging: .gitignore does not ignore Package.resolved"; fi
else
  echo "skip  packaging: not a git checkout (or git refuses this user one); tracked files not checked"
fi

# No placeholder hash: lib.fakeHash / fakeSha256, an empty hash, or the
# all-A SRI placeholder would make the first build fail on purpose.
if grep -nE 'fake(Hash|Sha256)|hash = ""|sha256-A{43}=' package.nix; then
  fail "packaging: package.nix has no placeholder hash" "$(grep -nE 'fake(Hash|Sha256)|hash = ""|sha256-A{43}=' package.nix)"
elif grep -qE 'hash = "sha256-[A-Za-z0-9+/]{43}=";' package.nix; then
  pass "packaging: package.nix has no placeholder hash"
else fail "packaging: package.nix has no placeholder hash" "no sha256 SRI hash found in package.nix"; fi

expect_json "packaging: Package.resolved pins swift-argument-parser 1.8.2 by commit" '[true,true,true]' \
  'let p = builtins.head (builtins.fromJSON (builtins.readFile ./Package.resolved)).pins; in
   [ (p.identity == "swift-argument-parser") (p.state.version == "1.8.2") (builtins.match "[0-9a-f]{40}" p.state.revision != null) ]'

if [ -n "${NIXPKGS_LIB:-}" ] && [ -f "$NIXPKGS_LIB/lib/default.nix" ]; then
  expect_json "packaging: default.nix layout; fetchSwiftPMDeps + swiftpm hooks, real hash; libgit2 as an archive; refusals" \
    '{"allTests":["distccd","fleet","gotosocial","harmonia","history"],"defaultHasTests":["distccd","fleet","gotosocial","harmonia","history"],
      "deps":{"fetcher":"fetchSwiftPMDeps","named":"dynix-0.1.0","realHash":true,"sameSource":true},
      "hooks":{"flags":["--product","dynix"],
        "mentionsWorkspaceState":false,"nativeBuildInputs":["swift-6.2.4","swiftpm","pkg-config","installShellFiles"],"ownPhases":[]},
      "libgit2":{"archiveOnly":true,"buildInputs":["zlib"],"doCheck":false,"flags":true,"linked":true},
      "pin":{"identity":"swift-argument-parser","revisionIsCommit":true,"version":"1.8.2"},
      "refusedOldSwift":true,"refusedWithoutFetcher":true,"sameSourceAsRecipe":true,"scriptHasHelpers":true,
      "testName":"dynix-history","testNames":["distccd","fleet","gotosocial","harmonia","history"]}' \
    "builtins.removeAttrs (import ./Tests/nixos/eval/modules/packaging.nix { nixpkgsLib = $NIXPKGS_LIB; }) [ \"sourcePath\" ]"
else
  echo "skip  packaging: NIXPKGS_LIB is not set; package.nix under nixpkgs' lib skipped"
fi
