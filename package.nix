# The dynix command, built the way nixpkgs builds Swift packages since it
# moved to Swift 6 (nixpkgs PR 557896, nixos-unstable after 2026-08-30):
# `fetchSwiftPMDeps` vendors what Package.resolved pins into one
# fixed-output derivation, and the `swiftpm` setup hooks (swiftpmHook,
# swiftpmUnpackHook) link it in as edited packages and build with
# `swift build -c release`. No hand-written workspace-state.json.
#
# The dependency hash covers fetchSwiftPMDeps' output only: Package.resolved
# and the trees it pins (swift-argument-parser 1.8.2, GitHub commit
# 6a52f325…), so it changes with Package.resolved and with nothing else in
# the source. It was computed offline with Tests/nixos/eval/swiftpm-deps-hash.sh
# from a clone of that repository; to recompute it after changing
# Package.resolved, run that script, or build once with any other hash
# and take the `got:` value Nix prints (README, "The package on a NixOS host").
{ lib
, stdenv
, swift
, swiftpm
, pkg-config
, libgit2
, zlib
, installShellFiles

  # Only in nixpkgs with the Swift 6 package set; null elsewhere so the
  # error below can say what is missing.
, fetchSwiftPMDeps ? null
}:

let
  swiftVersion = lib.getVersion swift;
  recipe = import ./package-recipe.nix;

  # libgit2 as dynix uses it (a local repository, no network), built as an
  # archive: linked into the binary, it adds no shared object to start-up.
  libgit2Archive = libgit2.overrideAttrs (old: {
    pname = "libgit2-dynix";
    cmakeFlags = (old.cmakeFlags or [ ]) ++ recipe.libgit2CmakeFlags;
    buildInputs = [ zlib ];
    # Its test suite is not built (BUILD_TESTS=OFF); dynix's own tests run
    # against this configuration (scripts/test with LIBGIT2_SOURCE).
    doCheck = false;
  });
in
lib.throwIf (fetchSwiftPMDeps == null || lib.versionOlder swiftVersion "6")
  "dynix needs a nixpkgs with Swift 6 and fetchSwiftPMDeps (nixos-unstable after 2026-08-30); this one has Swift ${swiftVersion}${lib.optionalString (fetchSwiftPMDeps == null) " and no fetchSwiftPMDeps"}."
(stdenv.mkDerivation (finalAttrs: {
  pname = "dynix";
  version = "0.1.0";

  # What SwiftPM reads, and the flags, are in package-recipe.nix (builtins
  # only), so scripts/test builds exactly this source the same way.
  inherit (recipe) src;

  swiftpmDeps = fetchSwiftPMDeps {
    inherit (finalAttrs) pname version src;
    hash = "sha256-1qDNNBCwI5UdOF1lbdt9dp9DiGlqAafZZi1HD/7cMzE=";
  };

  strictDeps = true;

  # swiftpm propagates swiftpmHook (build, install, check phases) and
  # swiftpmUnpackHook (links swiftpmDeps in before the build).
  nativeBuildInputs = [ swift swiftpm pkg-config installShellFiles ];
  # CGit2 is a system-library target over `pkg-config libgit2`, which names
  # the archive; CDeflate compresses large objects with zlib itself (-lz,
  # zlib.h), and libgit2's archive needs zlib too.
  buildInputs = [ libgit2Archive zlib ];

  # Only the command (the test targets need git and Nix at run time); the
  # Swift runtime stays shared (package-recipe.nix says why).
  inherit (recipe) swiftpmFlags;

  # The man page is generated from the command's own help (swift-argument-parser's generate-manual
  # plugin; scripts/test checks it is current); the completion scripts come from the binary, and complete
  # option paths and generations by asking it.
  postInstall = ''
    installManPage man/dynix.1
    installShellCompletion --cmd dynix \
      --bash <($out/bin/dynix --generate-completion-script bash) \
      --zsh <($out/bin/dynix --generate-completion-script zsh) \
      --fish <($out/bin/dynix --generate-completion-script fish)
  '';

  # What it is built with, for inspection (`nix-build -A dynix.libgit2Archive`).
  passthru = { inherit libgit2Archive; };

  # The test suite drives git and nix-instantiate against temporary roots;
  # run it with scripts/test outside the sandbox.
  doCheck = false;

  __structuredAttrs = true;

  meta = {
    description = "Change selected NixOS service settings at run time, with a git-backed history";
    mainProgram = "dynix";
    platforms = lib.platforms.linux;
  };
}))
