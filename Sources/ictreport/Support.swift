import ArgumentParser
import Dispatch
import FormKit
import Foundation

/// Runs a loader; its diagnostics are printed with file:line:col and the command exits 1.
func loadOrExit<T>(_ language: Language, _ load: () throws -> T) throws -> T {
    do {
        return try load()
    } catch let e as DiagnosticsError {
        for d in e.diagnostics { printError(d.formatted(language)) }
        throw ExitCode(1)
    }
}
