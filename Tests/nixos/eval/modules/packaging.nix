# default.nix and package.nix evaluated with a stub pkgs around nixpkgs' real
# lib: the attribute layout (tests.<name>, allTests, default.tests), the
# package built the way today's nixpkgs builds Swift packages
# (fetchSwiftPMDeps + the swiftpm hooks, no hand-written workspace state),
# a real dependency hash, and the refusal on a nixpkgs without Swift 6.
# Nothing is built.
{ nixpkgsLib }:

let
  lib = import (nixpkgsLib + "/lib");

  pkgsWith = { swiftVersion, withFetcher ? true }: lib.fix (pkgs: {
    inherit lib;
    path = "/nix/store/00000000000000000000000000000000-nixpkgs";
    swift = { name = "swift-${swiftVersion}"; version = swiftVersion; };
    swiftpm = { name = "swiftpm"; };
    pkg-config = { name = "pkg-config"; }; zlib = { name = "zlib"; };
    # overrideAttrs as mkDerivation's: the override sees the package's own attributes.
    libgit2 = { name = "libgit2"; cmakeFlags = [ "-DREGEX_BACKEND=pcre2" "-DUSE_SSH=ON" "-DBUILD_SHARED_LIBS=ON" ]; doCheck = true; }
      // { overrideAttrs = f: pkgs.libgit2 // f pkgs.libgit2; };
    installShellFiles = { name = "installShellFiles"; };
    git = { }; yq-go = { name = "yq-go"; };
    # mkDerivation with the finalAttrs form; no builder runs.
    stdenv.mkDerivation = lib.fix (mk: argsOrFn:
      let attrs = if builtins.isFunction argsOrFn then lib.fix argsOrFn else argsOrFn; in
      attrs // (attrs.passthru or { }) // { overrideAttrs = f: mk (attrs // f attrs); });
    callPackage = fn: args: (import fn) ((builtins.intersectAttrs (builtins.functionArgs (import fn)) pkgs) // args);
    testers.runNixOSTest = test: test // { outPath = "/nix/store/test-${test.name}"; };
    linkFarm = name: entries: { inherit name entries; };
  } // lib.optionalAttrs withFetcher {
    fetchSwiftPMDeps = args: { fetcher = "fetchSwiftPMDeps"; inherit args; };
  });

  top = import ../../../../default.nix { pkgs = pkgsWith { swiftVersion = "6.2.4"; }; };
  dynix = top.dynix;
  resolved = builtins.fromJSON (builtins.readFile ../../../../Package.resolved);
  recipe = import ../../../../package-recipe.nix;
  stubPkgs = pkgsWith { swiftVersion = "6.2.4"; };
  refused = pkgs: !(builtins.tryEval (builtins.seq (pkgs.callPackage ../../../../package.nix { }).pname true)).success;
in
{
  # For Tests/nixos/package/run.sh, which builds it; not part of the compared result.
  sourcePath = dynix.src;

  testNames = builtins.attrNames top.tests;
  testName = top.tests.history.name;
  scriptHasHelpers = lib.hasInfix "def history_events()" top.tests.history.testScript
    && lib.hasInfix "a reboot is a reset" top.tests.history.testScript;
  allTests = map (e: e.name) top.allTests.entries;
  defaultHasTests = builtins.attrNames top.default.tests;

  # fetchSwiftPMDeps vendors from the package's own source (it reads the
  # Package.resolved in it), with a real SRI sha256.
  deps = {
    fetcher = dynix.swiftpmDeps.fetcher;
    sameSource = dynix.swiftpmDeps.args.src == dynix.src;
    named = dynix.swiftpmDeps.args.pname + "-" + dynix.swiftpmDeps.args.version;
    realHash = builtins.match "sha256-[A-Za-z0-9+/]{43}=" dynix.swiftpmDeps.args.hash != null
      && dynix.swiftpmDeps.args.hash != lib.fakeHash && dynix.swiftpmDeps.args.hash != lib.fakeSha256;
  };
  # The source is package-recipe.nix's (Tests/nixos/package/run.sh realises and builds it).
  sameSourceAsRecipe = dynix.src == recipe.src;
  # libgit2 as an archive with nothing dynix does not use: nixpkgs' flags, then the recipe's (CMake takes the last).
  libgit2 = {
    flags = dynix.libgit2Archive.cmakeFlags == stubPkgs.libgit2.cmakeFlags ++ recipe.libgit2CmakeFlags;
    archiveOnly = lib.elem "-DBUILD_SHARED_LIBS=OFF" recipe.libgit2CmakeFlags;
    linked = lib.elem dynix.libgit2Archive dynix.buildInputs;
    inherit (dynix.libgit2Archive) doCheck;
    buildInputs = map (d: d.name) dynix.libgit2Archive.buildInputs;
  };
  # The swiftpm hooks build and install; nothing writes SwiftPM's state.
  hooks = {
    nativeBuildInputs = map (d: d.name) dynix.nativeBuildInputs;
    ownPhases = builtins.filter (p: dynix ? ${p}) [ "configurePhase" "buildPhase" "installPhase" ];
    mentionsWorkspaceState = lib.hasInfix "workspace-state" (builtins.toJSON (removeAttrs dynix [ "overrideAttrs" "src" "buildInputs" "passthru" "libgit2Archive" ]));
    flags = dynix.swiftpmFlags;
  };
  pin = {
    identity = (builtins.head resolved.pins).identity;
    version = (builtins.head resolved.pins).state.version;
    revisionIsCommit = builtins.match "[0-9a-f]{40}" (builtins.head resolved.pins).state.revision != null;
  };
  refusedOldSwift = refused (pkgsWith { swiftVersion = "5.10.1"; });
  refusedWithoutFetcher = refused (pkgsWith { swiftVersion = "6.2.4"; withFetcher = false; });
}
