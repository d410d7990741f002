# The dynix command, built the way nixpkgs builds Swift packages since it
# moved to Swift 6 (nixpkgs PR 557896, nixos-unstable after 2026-08-30):
# `fetchSwiftPMDeps` vendors what Package.resolved pins into one
# fixed-output derivation, and the `swiftpm` setup hooks (swiftpmHook,
# swiftpmUnpackHook) link it in as edited packages and build with
# `swift build -c release`. No hand-written workspace-state.json.
#
# The hash below was computed without network on the workplace where this
# was written, from the GitHub tree of swift-argument-parser 1.8.2
# (commit 6a52f325…, as Package.resolved pins it) and this Package.resolved,
# laid out as fetchSwiftPMDeps' staging output (Package.resolved +
# Packages/swift-argument-parser); see README, "VM tests and the package on
# a NixOS host", for how it was computed and how a host confirms it.
# Changing Package.resolved in any byte changes the hash.
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
in
lib.throwIf (fetchSwiftPMDeps == null || lib.versionOlder swiftVersion "6")
  "dynix needs a nixpkgs with Swift 6 and fetchSwiftPMDeps (nixos-unstable after 2026-08-30); this one has Swift ${swiftVersion}${lib.optionalString (fetchSwiftPMDeps == null) " and no fetchSwiftPMDeps"}."
(stdenv.mkDerivation (finalAttrs: {
  pname = "dynix";
  version = "0.1.0";

  # Only what SwiftPM reads: a change to the modules, tests or docs does not
  # rebuild the binary (nor change the dependency hash).
  src = lib.cleanSourceWith {
    name = "dynix-source";
    src = ./.;
    filter = path: type:
      let rel = lib.removePrefix (toString ./. + "/") (toString path); in
      lib.elem rel [ "Package.swift" "Package.resolved" "Sources" "man" "man/dynix.1" ] || lib.hasPrefix "Sources/" rel;
  };

  swiftpmDeps = fetchSwiftPMDeps {
    inherit (finalAttrs) pname version src;
    hash = "sha256-1qDNNBCwI5UdOF1lbdt9dp9DiGlqAafZZi1HD/7cMzE=";
  };

  strictDeps = true;

  # swiftpm propagates swiftpmHook (build, install, check phases) and
  # swiftpmUnpackHook (links swiftpmDeps in before the build).
  nativeBuildInputs = [ swift swiftpm pkg-config installShellFiles ];
  # CGit2 is a system-library target over `pkg-config libgit2`; CDeflate
  # compresses large objects with zlib itself (-lz, zlib.h).
  buildInputs = [ libgit2 zlib ];

  # Only the command; the test targets need git and Nix at run time.
  swiftpmFlags = [ "--product" "dynix" ];

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
