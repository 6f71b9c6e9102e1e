import FormKit
import Foundation
import Submissions
import Testing

// What every test target shares: where the repository is, the bundled form and unit list,
// and scratch folders that are removed when the test process ends.

/// The repository's root (this file is Tests/TestSupport/TestSupport.swift).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A file of the repository, by its path from the root.
public func repositoryFile(_ path: String) -> URL { repositoryRoot.appendingPathComponent(path) }

/// The bundled annual report form (Forms/ict-annual-report.yaml), loaded once.
public let form: Form = try! FormLoader.load(contentsOf: repositoryFile("Forms/ict-annual-report.yaml"))

/// The bundled unit list (Forms/units.yaml), loaded once.
public let registry: UnitRegistry = try! UnitRegistry.load(contentsOf: repositoryFile("Forms/units.yaml"))

/// One folder per test process under the system's temporary folder, removed at exit.
private let scratchRoot: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ictreport-tests-\(getpid())")
    try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    atexit {
        try? FileManager.default.removeItem(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("ictreport-tests-\(getpid())"))
    }
    return root
}()

/// A new empty folder of its own (removed with the others when the test process ends).
public func temporaryDirectory(_ prefix: String = "scratch") -> URL {
    let url = scratchRoot.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A path named `name` in a new empty folder.
public func temporaryFile(_ name: String) -> URL { temporaryDirectory().appendingPathComponent(name) }

/// The diagnostics (in English, as printed) of a load that must fail with `DiagnosticsError`;
/// `removing` is taken out of each (a scratch folder's path). Any other outcome is an issue.
public func diagnostics(
    removing prefix: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ load: () throws -> Any
) -> [String] {
    do {
        _ = try load()
        Issue.record("expected errors", sourceLocation: sourceLocation)
    } catch let e as DiagnosticsError {
        return e.diagnostics.map { d in
            prefix.map { d.formatted(.en).replacingOccurrences(of: $0, with: "") } ?? d.formatted(.en)
        }
    } catch {
        Issue.record("\(error)", sourceLocation: sourceLocation)
    }
    return []
}

/// The bundled sample profiles (Examples/sample-profiles.yaml) for the bundled form, loaded once.
public let sampleProfiles: SampleProfiles = try! SampleProfiles.load(
    contentsOf: repositoryFile("Examples/sample-profiles.yaml"), form: form)
