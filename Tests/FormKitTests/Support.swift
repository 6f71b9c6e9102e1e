import Foundation
import FormKit

/// The repository this test file lives in.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The bundled annual report form, loaded once.
let bundledForm: Form = try! FormLoader.load(contentsOf: repositoryRoot.appendingPathComponent("Forms/ict-annual-report.yaml"))
