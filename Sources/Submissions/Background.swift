import Dispatch
import Foundation

/// A value computed on another thread; `value` waits for it.
/// `@unchecked Sendable`: `result` is written once, by the worker, before it signals `done`,
/// and read only after waiting on `done` (the semaphore orders the two).
package final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?

    package init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    package var value: T {
        done.wait()
        done.signal()
        return result!
    }
}
