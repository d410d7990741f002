# How package.nix builds dynix, in plain Nix (builtins only), so that
# scripts/test and Tests/benchmarks/bench can realise the same source and pass the same
# flags on a machine without nixpkgs.
{
  # The source SwiftPM gets: what `swift build` reads and nothing else, so a
  # change to the modules, documents or scripts does not rebuild the command.
  # The Swift test targets' folders are in it because Package.swift declares
  # them and SwiftPM refuses a manifest whose target folders are missing, even
  # when it builds only `--product dynix`; the rest of Tests/ (the NixOS side's,
  # crash and benchmark scripts) is not.
  src = let swiftTests = [ "Tests/DynixTestSupport" "Tests/DynixHistoryTests" "Tests/dynixTests" ]; in builtins.path {
    name = "dynix-source";
    path = ./.;
    filter = path: type:
      let
        root = toString ./.;
        rel = builtins.substring (builtins.stringLength root + 1) (-1) (toString path);
        under = dir: builtins.substring 0 (builtins.stringLength dir + 1) rel == dir + "/";
      in
      builtins.elem rel ([ "Package.swift" "Package.resolved" "Sources" "Tests" "man" "man/dynix.1" ] ++ swiftTests)
      || under "Sources" || builtins.any under swiftTests;
  };

  # nixpkgs' swiftpm hook runs `swift build -j N -c release` with these.
  # The Swift runtime stays shared: swift-argument-parser imports
  # FoundationEssentials, which nixpkgs builds as a shared library only
  # (swift-foundation: BUILD_SHARED_LIBS unless the platform is static), and
  # a static Swift runtime beside it would load a second, shared runtime with
  # it. The Debian release build links the runtime in (scripts/build-package,
  # debian-static): swift.org's toolchain has static FoundationEssentials.
  swiftpmFlags = [ "--product" "dynix" ];

  # Appended to nixpkgs' libgit2 cmakeFlags (CMake takes the last value of a
  # variable): an archive, so it is linked into the binary, with nothing dynix
  # does not use. dynix only reads and writes a local repository: no HTTPS, no
  # SSH, no SPNEGO, and the bundled regex and HTTP parsers, so the archive
  # needs nothing but zlib.
  libgit2CmakeFlags = [
    "-DBUILD_SHARED_LIBS=OFF"
    "-DBUILD_TESTS=OFF"
    "-DBUILD_CLI=OFF"
    "-DUSE_HTTPS=OFF"
    "-DUSE_SSH=OFF"
    "-DUSE_GSSAPI=OFF"
    "-DUSE_SHA256=Builtin"
    "-DREGEX_BACKEND=builtin"
    "-DUSE_HTTP_PARSER=builtin"
  ];
}
