// swift-tools-version:6.0
// 6.0: the package builds in the Swift 6 language mode (strict concurrency checking);
// swift-argument-parser 1.8.2 needs a Swift 6.0 toolchain anyway.
import PackageDescription

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
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Keeps Debian's libgit2 from parsing the CA bundle at start-up (see its source for the why).
        .target(name: "CGit2Startup"),
        // Signal handlers (interrupting an apply, the watchdog): C, because a handler may only touch
        // sig_atomic_t state and async-signal-safe calls.
        .target(name: "CSignals"),
        .target(name: "DynixHistory", dependencies: ["CGit2", "CGit2Startup", "CSignals"]),
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
