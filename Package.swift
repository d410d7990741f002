// swift-tools-version:6.0
// 6.0: the package builds in the Swift 6 language mode (strict concurrency checking);
// swift-argument-parser 1.8.2 needs a Swift 6.0 toolchain anyway.
import Foundation
import PackageDescription

/// Debian's libgit2-dev ships libgit2.a and, through its dependencies, the static libraries of mbedTLS,
/// http-parser, pcre2 and zlib. Linking them in takes libgit2's 20 shared objects (libssh2, OpenSSL's
/// libcrypto, Kerberos, mbedTLS…) out of every start-up (BENCHMARKS.md). Where there is no libgit2.a
/// (nixpkgs) the shared library is linked through pkg-config as before; DYNIX_LIBGIT2=shared forces that.
let staticLibgit2Directory: String? = {
    if Context.environment["DYNIX_LIBGIT2"] == "shared" { return nil }
    let needed = ["libgit2.a", "libmbedtls.a", "libmbedx509.a", "libmbedcrypto.a", "libhttp_parser.a", "libpcre2-8.a", "libz.a"]
    return ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"].first { directory in
        needed.allSatisfy { FileManager.default.fileExists(atPath: "\(directory)/\($0)") }
    }
}()

/// The transports dynix never uses (SSH, SPNEGO) are stubbed in CGit2Startup/static.c instead of linking
/// libssh2, libcrypto and GSSAPI, and libgit2's TLS set-up is skipped (no CA bundle parsed, TLS fails
/// closed). A release link is also position-dependent (no 40,000 relocations at each start) and takes
/// libstdc++ from its archive (CGit2Startup/static-link).
let staticLibgit2Linking: [LinkerSetting] =
    staticLibgit2Directory.map { _ in
        [
            .unsafeFlags([
                "-Xlinker", "--wrap=git_mbedtls_stream_global_init",
                "-Xlinker", "--wrap=git_mbedtls_stream_new",
                "-Xlinker", "--wrap=git_mbedtls_stream_wrap",
                "-Xlinker", "-Bstatic",
                "-Xlinker", "-lgit2", "-Xlinker", "-lmbedtls", "-Xlinker", "-lmbedx509", "-Xlinker", "-lmbedcrypto",
                "-Xlinker", "-lhttp_parser", "-Xlinker", "-lpcre2-8", "-Xlinker", "-lz",
                "-Xlinker", "-Bdynamic",
            ]),
            .unsafeFlags(
                ["-Xclang-linker", "-no-pie", "-L", Context.packageDirectory + "/Sources/CGit2Startup/static-link"],
                .when(configuration: .release)),
        ]
    } ?? []

let package = Package(
    name: "dynix",
    products: [
        .executable(name: "dynix", targets: ["dynix"]),
        .library(name: "DynixHistory", targets: ["DynixHistory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            // Linked statically, the headers are in /usr/include and the libraries come from staticLibgit2Linking.
            pkgConfig: staticLibgit2Directory == nil ? "libgit2" : nil,
            providers: [.apt(["libgit2-dev"])]
        ),
        // Keeps libgit2 from parsing the CA bundle at start-up; stubs for a static link (see the sources).
        .target(
            name: "CGit2Startup",
            exclude: ["static-link"],
            cSettings: staticLibgit2Directory == nil ? [] : [.define("DYNIX_LIBGIT2_STATIC")]
        ),
        // Signal handlers (interrupting an apply, the watchdog): C, because a handler may only touch
        // sig_atomic_t state and async-signal-safe calls.
        .target(name: "CSignals"),
        // A large object is hashed and compressed on two threads (zlib; linked with libgit2's in a static link).
        .target(name: "CDeflate", linkerSettings: staticLibgit2Directory == nil ? [.linkedLibrary("z")] : []),
        .target(
            name: "DynixHistory",
            dependencies: ["CGit2", "CGit2Startup", "CSignals", "CDeflate"],
            linkerSettings: staticLibgit2Linking
        ),
        .executableTarget(
            name: "dynix",
            dependencies: [
                "DynixHistory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by both test targets: temporary roots, running the binary, real git and Nix.
        .target(name: "DynixTestSupport", dependencies: ["DynixHistory"], path: "Tests/DynixTestSupport"),
        .testTarget(name: "DynixHistoryTests", dependencies: ["DynixHistory", "DynixTestSupport"]),
        .testTarget(name: "dynixTests", dependencies: ["DynixHistory", "DynixTestSupport"]),
    ]
)
