import ArgumentParser
import Dispatch
import FormKit
import Foundation

/// A value computed on another thread; `value` waits for it.
/// `@unchecked Sendable`: `result` is written once, by the worker, before it signals `done`,
/// and read only after waiting on `done` (the semaphore orders the two).
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?

    init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    var value: T {
        done.wait()
        done.signal()
        return result!
    }
}

/// Runs a loader; its diagnostics are printed with file:line:col and the command exits 1.
func loadOrExit<T>(_ language: Language, _ load: () throws -> T) throws -> T {
    do {
        return try load()
    } catch let e as DiagnosticsError {
        for d in e.diagnostics { printError(d.formatted(language)) }
        throw ExitCode(1)
    }
}
