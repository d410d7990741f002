// swift-tools-version:6.0
// 6.0: the package builds in the Swift 6 language mode (strict concurrency checking);
// swift-argument-parser 1.8.2 needs a Swift 6.0 toolchain anyway.
import PackageDescription

/// How libgit2 is linked is the builder's choice, made in the environment; this manifest reads no file.
///
/// - `DYNIX_LIBGIT2` unset (the default, everywhere): `pkg-config libgit2`. A shared libgit2 is linked as a shared
///   object; a libgit2 built as an archive alone (package.nix builds one) ends up inside the binary, with no flag here.
/// - `DYNIX_LIBGIT2=debian-static`: Debian's `libgit2.a` and the archives of its dependencies (libgit2-dev ships
///   them), so that none of libgit2's shared dependencies (libssh2, libcrypto, Kerberos, mbedTLS…) load at start-up.
///   The transports dynix never uses are stubbed in CGit2Startup/static.c and libgit2's TLS set-up is skipped
///   through `--wrap`, as zlib's inflate() is guarded (CInflateGuard). These are unsafe flags, so this choice is
///   for building the command, never a dependency.
let debianStaticLibgit2 = Context.environment["DYNIX_LIBGIT2"] == "debian-static"

let debianStaticLinking: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "--wrap=git_mbedtls_stream_global_init",
        "-Xlinker", "--wrap=git_mbedtls_stream_new",
        "-Xlinker", "--wrap=git_mbedtls_stream_wrap",
        "-Xlinker", "--wrap=inflate",
        "-Xlinker", "-Bstatic",
        "-Xlinker", "-lgit2", "-Xlinker", "-lmbedtls", "-Xlinker", "-lmbedx509", "-Xlinker", "-lmbedcrypto",
        "-Xlinker", "-lhttp_parser", "-Xlinker", "-lpcre2-8", "-Xlinker", "-lz",
        "-Xlinker", "-Bdynamic",
    ])
]

/// The crash points of FaultInjection.swift (`DYNIX_FAULT=STEP`): compiled into every debug build, and into a release
/// build only when asked (`DYNIX_FAULT_INJECTION=1`, for Tests/crash/torture); the released binary ignores `DYNIX_FAULT`.
let faultInjection: [SwiftSetting] =
    Context.environment["DYNIX_FAULT_INJECTION"] == "1"
    ? [.define("DYNIX_FAULT_INJECTION")] : [.define("DYNIX_FAULT_INJECTION", .when(configuration: .debug))]

let package = Package(
    name: "dynix",
    products: [
        .executable(name: "dynix", targets: ["dynix"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            // Linked from Debian's archives, the headers are in /usr/include and debianStaticLinking names the libraries.
            pkgConfig: debianStaticLibgit2 ? nil : "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Keeps libgit2 from parsing the CA bundle at start-up; stubs for the Debian static link (see the sources).
        .target(
            name: "CGit2Startup",
            cSettings: debianStaticLibgit2 ? [.define("DYNIX_LIBGIT2_DEBIAN_STATIC")] : []
        ),
        // Signal handlers (interrupting an apply, the watchdog): C, because a handler may only touch
        // sig_atomic_t state and async-signal-safe calls.
        .target(name: "CSignals"),
        // A large object is hashed and compressed on two threads (zlib; linked with libgit2's in the Debian static link).
        .target(name: "CDeflate", linkerSettings: debianStaticLibgit2 ? [] : [.linkedLibrary("z")]),
        // Ends zlib's endless retry on a truncated object inside libgit2 (see the source: why, and when it can go).
        .target(
            name: "CInflateGuard",
            cSettings: debianStaticLibgit2 ? [.define("DYNIX_LIBGIT2_DEBIAN_STATIC")] : [],
            linkerSettings: debianStaticLibgit2 ? [] : [.linkedLibrary("z")]
        ),
        .target(
            name: "DynixHistory",
            dependencies: ["CGit2", "CGit2Startup", "CSignals", "CDeflate", "CInflateGuard"],
            swiftSettings: faultInjection,
            linkerSettings: debianStaticLibgit2 ? debianStaticLinking : []
        ),
        .executableTarget(
            name: "dynix",
            dependencies: [
                "DynixHistory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by both test targets (temporary roots, running the binary, real git and Nix). A test target
        // itself, so that neither `swift build` nor a release build compiles it: it imports XCTest.
        .testTarget(name: "DynixTestSupport", dependencies: ["DynixHistory"]),
        .testTarget(name: "DynixHistoryTests", dependencies: ["DynixHistory", "DynixTestSupport"]),
        .testTarget(name: "dynixTests", dependencies: ["dynix", "DynixHistory", "DynixTestSupport"]),
    ]
)
