// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ictreport",
    // Built and tested on Linux (Debian, Swift 6.3) only: the merge's workers use glibc's
    // per-thread priority, and make deps installs Debian packages. No other platform is claimed.
    products: [
        .executable(name: "ictreport", targets: ["ictreport"]),
        .library(name: "FormKit", targets: ["FormKit"]),
        .library(name: "Submissions", targets: ["Submissions"]),
        // libFuzzer targets for the readers (make fuzz); built plainly it replays files.
        .executable(name: "ictreport-fuzz", targets: ["ictreport-fuzz"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The campaign store: one query layer (SQLKit) over both engines.
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        // `ictreport serve`: the HTTP server (routing, middleware, graceful stop through
        // ServiceLifecycle) and, for the tests, its in-process test client (HummingbirdTesting).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph (SQLKit, Hummingbird): its thread pool runs the synchronous store
        // off the server's event loops.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Also in the graph through Hummingbird: the names of HTTP header fields.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Also in the graph: the server's own logger, kept to warnings (requests have our line).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2")
    ],
    targets: [
        // Unicode NFC, one implementation for all text (forms, submissions, workbooks).
        .target(name: "TextNormalization"),
        .target(name: "FormKit", dependencies: ["TextNormalization", .product(name: "Yams", package: "Yams")]),
        // Atomic, flushed output files: every file the tool writes (no dependencies).
        .target(name: "AtomicFiles"),
        // swift-crypto's SHA-256 for the content hash of every submission.
        .target(
            name: "Submissions",
            dependencies: ["FormKit", "AtomicFiles", .product(name: "Crypto", package: "swift-crypto")]),
        // Debian's libedit (make deps installs libedit-dev): line editing in the collector.
        .systemLibrary(name: "Clibedit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "Collector", dependencies: ["FormKit", "Submissions", "Clibedit"]),
        // The campaign store: submissions, revisions, review states and the log in one
        // database, SQLite (a file, the default) or PostgreSQL, through one SQLKit layer.
        // swift-crypto (already here for the content hash): SHA-256 of the units' link tokens,
        // and scrypt from its _CryptoExtras for the coordinators' passwords — a slow, memory-hard
        // hash with no further package (bcrypt would have brought hummingbird-auth for one call).
        .target(
            name: "CampaignStore",
            dependencies: [
                "FormKit", "Submissions", "AtomicFiles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit")
            ]),
        // Debian's libxlsxwriter (make deps installs libxlsxwriter-dev).
        .systemLibrary(name: "Cxlsxwriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .target(name: "XLSX", dependencies: ["Cxlsxwriter", "TextNormalization", "AtomicFiles"]),
        .target(
            name: "Consolidation",
            dependencies: ["FormKit", "Submissions", "XLSX", .product(name: "Yams", package: "Yams")]),
        // `ictreport serve`: the campaign on the web over the store (Hummingbird).
        .target(
            name: "WebServer",
            dependencies: [
                "FormKit", "Submissions", "Consolidation", "CampaignStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log")
            ]),
        .executableTarget(
            name: "ictreport",
            dependencies: [
                "FormKit", "Submissions", "Collector", "Consolidation", "XLSX", "AtomicFiles", "CampaignStore",
                "WebServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        // One function per fuzz target (bytes in, never a trap of its own) and their driver.
        .target(name: "FuzzTargets", dependencies: ["FormKit", "Submissions", "Consolidation"]),
        .executableTarget(name: "ictreport-fuzz", dependencies: ["FuzzTargets"]),
        // What the test targets share: the repository's files, the bundled form and units,
        // scratch folders, the scripted terminal, and a reader of .xlsx files (ZIPFoundation
        // is here for it alone). Not part of any product.
        .target(
            name: "TestSupport",
            dependencies: [
                "FormKit", "Submissions", "Collector", "XLSX", .product(name: "ZIPFoundation", package: "ZIPFoundation")
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "TextNormalizationTests", dependencies: ["TextNormalization"]),
        .testTarget(name: "FormKitTests", dependencies: ["FormKit", "TestSupport"]),
        .testTarget(name: "SubmissionsTests", dependencies: ["Submissions", "TestSupport"]),
        .testTarget(name: "CollectorTests", dependencies: ["Collector", "TestSupport"]),
        .testTarget(name: "XLSXTests", dependencies: ["XLSX", "TestSupport"]),
        .testTarget(name: "ConsolidationTests", dependencies: ["Consolidation", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["XLSX", "Submissions", "TestSupport"]),
        .testTarget(name: "CampaignStoreTests", dependencies: ["CampaignStore", "TestSupport"]),
        .testTarget(
            name: "WebServerTests",
            dependencies: [
                "WebServer", "CampaignStore", "Consolidation", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types")
            ]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "FormKit", "TestSupport"])
    ]
)
