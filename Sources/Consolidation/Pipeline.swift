import Foundation

/// Items 0..<count computed on background threads while the caller takes them in order:
/// the workbook writer puts unit k into its sheets while the workers read and check the units
/// after it. At most `window` items wait untaken, so memory stays bounded.
final class OrderedPipeline<T: Sendable>: @unchecked Sendable {
    // Every field below is guarded by `lock`.
    private let lock = NSCondition()
    private var slots: [T?]
    private var claimed = 0
    private var taken = 0
    private var cancelled = false
    private let window: Int
    private let make: @Sendable (Int) -> T
    /// Items handed back by the taker, for a worker to free.
    private var finished: [T] = []
    /// How long `take` waited for the workers (having nothing of theirs left to do): near
    /// zero when the taker is the bottleneck.
    private(set) var waited = Duration.zero
    /// How many items `take` made itself.
    private(set) var madeByTaker = 0

    init(count: Int, workers: Int, window: Int, _ make: @escaping @Sendable (Int) -> T) {
        slots = Array(repeating: nil, count: count)
        self.window = max(1, window)
        self.make = make
        for _ in 0..<min(max(1, workers), count) {
            let thread = Thread { [self] in work() }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    private func work() {
        // Below the taker: it is the one the output waits for, and with as many workers as
        // cores it would otherwise get only its share of one (measured: the whole merge of
        // 10,000 units 3.2 s at equal priority, 2.55 s at nice 10). The workers use what it
        // leaves; nice 10, not idle, so that a busy machine still gives them a share.
        // On Linux (the one platform built and tested) the nice value is per thread, and
        // `who` 0 is the calling thread; elsewhere it would be the whole process: not done.
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        while true {
            lock.lock()
            while !cancelled && claimed < slots.count && claimed >= taken + window { lock.wait() }
            guard !cancelled, claimed < slots.count else {
                lock.unlock()
                return
            }
            let i = claimed
            claimed += 1
            let done = finished
            finished = []
            lock.unlock()
            // Items the taker is through with are freed here, off its thread.
            _ = consume done
            let item = make(i)
            lock.lock()
            slots[i] = item
            lock.broadcast()
            lock.unlock()
        }
    }

    /// Item `i`, waiting for it; it stays for `take`. `i` must be within the window.
    func peek(_ i: Int) -> T {
        precondition(i < taken + window, "peek beyond the pipeline's window")
        lock.lock()
        defer { lock.unlock() }
        while slots[i] == nil { lock.wait() }
        return slots[i]!
    }

    /// Stops the workers after the items they are computing (when the caller gives up early).
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    /// Hands back an item the taker is through with: a worker frees it, so the taker (the
    /// bottleneck) does not spend its time freeing what the workers allocated.
    func finish(_ item: consuming T) {
        lock.lock()
        finished.append(item)
        lock.unlock()
    }

    /// Item `i`, waiting for it, and frees its slot. Items must be taken in order.
    func take(_ i: Int) -> T {
        lock.lock()
        defer { lock.unlock() }
        precondition(i == taken, "items are taken in order")
        let began = ContinuousClock.now
        while slots[i] == nil {
            // Item i is long in coming: make a later one rather than go on waiting. When other
            // programs keep the workers (at a lower priority) from running, the taker
            // then does their work instead of idling; a short wait costs less than an item.
            if ContinuousClock.now - began > .milliseconds(2), !cancelled, claimed < slots.count,
                claimed < taken + window
            {
                let j = claimed
                claimed += 1
                madeByTaker += 1
                lock.unlock()
                let item = make(j)
                lock.lock()
                slots[j] = item
                lock.broadcast()
                continue
            }
            let start = ContinuousClock.now
            _ = lock.wait(until: Date(timeIntervalSinceNow: 0.002))
            waited += ContinuousClock.now - start
        }
        let item = slots[i]!
        slots[i] = nil
        taken += 1
        lock.broadcast()
        return item
    }
}
