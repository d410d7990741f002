# The dynix command, built with nixpkgs' Swift toolchain.
#
# Not built in the workplace where this was written (no nixpkgs there); it
# parses, and is written for a NixOS/nixpkgs host. Two things need a human
# with network access the first time:
#   * the hash of swift-argument-parser below (lib.fakeHash: the first build
#     prints the real one), and
#   * a Swift 6 toolchain: swift-argument-parser 1.8.2 does not build with
#     Swift 5. Pass one with `callPackage ./package.nix { swift = …; swiftpm = …; }`
#     if your nixpkgs' default `swift` is older.
#
# Dependencies are pinned like swiftpm2nix does it: the checkout is placed in
# .build/checkouts with a workspace-state.json that matches Package.resolved,
# and SwiftPM is told not to resolve anything (no network in the sandbox).
{ lib
, stdenv
, fetchFromGitHub
, swift
, swiftpm
, pkg-config
, libgit2
, staticSwiftStdlib ? false
}:

let
  resolved = builtins.fromJSON (builtins.readFile ./Package.resolved);
  argumentParserPin = builtins.head (builtins.filter (pin: pin.identity == "swift-argument-parser") resolved.pins);

  argumentParser = fetchFromGitHub {
    owner = "apple";
    repo = "swift-argument-parser";
    rev = argumentParserPin.state.revision;
    hash = lib.fakeHash;
  };

  # What `swift package resolve` would leave behind for this one pin.
  workspaceState = builtins.toJSON {
    version = 6;
    object = {
      artifacts = [ ];
      dependencies = [{
        basedOn = null;
        packageRef = {
          identity = "swift-argument-parser";
          kind = "remoteSourceControl";
          location = argumentParserPin.location;
          name = "swift-argument-parser";
        };
        state = {
          name = "sourceControlCheckout";
          checkoutState = { inherit (argumentParserPin.state) revision version; };
        };
        subpath = "swift-argument-parser";
      }];
    };
  };

  swiftVersion = lib.getVersion swift;
in
lib.throwIf (lib.versionOlder swiftVersion "6")
  "dynix needs a Swift 6 toolchain (swift-argument-parser 1.8.2); this nixpkgs has Swift ${swiftVersion}. Pass `swift` and `swiftpm` to package.nix."
stdenv.mkDerivation {
  pname = "dynix";
  version = "0.1.0";

  # Only what SwiftPM reads: a change to the modules or tests does not
  # rebuild the binary.
  src = lib.cleanSourceWith {
    src = ./.;
    filter = path: type:
      let rel = lib.removePrefix (toString ./. + "/") (toString path); in
      rel == "Package.swift" || rel == "Package.resolved"
      || rel == "Sources" || lib.hasPrefix "Sources/" rel;
  };

  nativeBuildInputs = [ swift swiftpm pkg-config ];
  buildInputs = [ libgit2 ];

  configurePhase = ''
    runHook preConfigure
    mkdir -p .build/checkouts
    cp -r ${argumentParser} .build/checkouts/swift-argument-parser
    chmod -R u+w .build/checkouts
    cat > .build/workspace-state.json <<'JSON'
    ${workspaceState}
    JSON
    runHook postConfigure
  '';

  swiftpmFlags = [ "--disable-automatic-resolution" "--product" "dynix" ]
    # DESIGN.md's start-up numbers are for a statically linked stdlib;
    # whether nixpkgs' toolchain supports it on your platform varies.
    ++ lib.optional staticSwiftStdlib "--static-swift-stdlib";

  installPhase = ''
    runHook preInstall
    install -D "$(swiftpmBinPath)/dynix" "$out/bin/dynix"
    runHook postInstall
  '';

  # The test suite drives git and nix-instantiate against temporary roots;
  # run it with scripts/test outside the sandbox.
  doCheck = false;

  meta = {
    description = "Change selected NixOS service settings at run time, with a git-backed history";
    mainProgram = "dynix";
    platforms = lib.platforms.linux;
  };
}
