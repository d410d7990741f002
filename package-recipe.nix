# How package.nix builds dynix, in plain Nix (builtins only), so that
# scripts/test and scripts/bench can realise the same source and pass the same
# flags on a machine without nixpkgs.
{
  # The source SwiftPM gets: what `swift build` reads and nothing else, so a
  # change to the modules, documents or scripts does not rebuild the command.
  # Tests/ is in it because Package.swift declares the test targets there and
  # SwiftPM refuses a manifest whose target folders are missing, even when it
  # builds only `--product dynix`.
  src = builtins.path {
    name = "dynix-source";
    path = ./.;
    filter = path: type:
      let
        root = toString ./.;
        rel = builtins.substring (builtins.stringLength root + 1) (-1) (toString path);
        under = dir: builtins.substring 0 (builtins.stringLength dir + 1) rel == dir + "/";
      in
      builtins.elem rel [ "Package.swift" "Package.resolved" "Sources" "Tests" "man" "man/dynix.1" ]
      || under "Sources" || under "Tests";
  };

  # nixpkgs' swiftpm hook runs `swift build -j N -c release` with these. The
  # Swift runtime is linked into the binary, and so are the C++ runtime and
  # unwinder it needs: `staticLibstdcxx` is a directory holding a linker
  # script named libstdc++.so that says `INPUT(/path/to/libstdc++.a)`
  # (searched before the compiler's own directories, it turns the
  # `-lstdc++` that --static-swift-stdlib adds into the archive), and
  # -static-libgcc takes libgcc_eh.a for libgcc_s.so. Loading libstdc++.so is
  # the largest single cost of starting a statically linked Swift program
  # (BENCHMARKS.md, "Start-up as users run it").
  swiftpmFlags = { staticLibstdcxx }: [
    "--product" "dynix"
    "--static-swift-stdlib"
    "-Xlinker" "-L${staticLibstdcxx}"
    "-Xswiftc" "-Xclang-linker" "-Xswiftc" "-static-libgcc"
  ];

  # The text of that linker script, for the archive a C++ compiler names with
  # `c++ -print-file-name=libstdc++.a`.
  libstdcxxLinkerScript = archive: "INPUT(${archive})\n";

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
