import CampaignStore
import FormKit
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// The campaign store for asynchronous code. `CampaignStore` is synchronous (SQLKit futures
/// waited on) and one connection is used from one thread at a time, so it must never be called
/// on an event loop thread: every call runs on a thread of this pool's own `NIOThreadPool`, which
/// has exactly as many threads as the pool has open stores, each call taking a free store for its
/// duration (so a free one is always there). SQLite: several connections to one file in WAL mode
/// take turns for writes (`BEGIN IMMEDIATE`, busy timeout); PostgreSQL: several sessions, the
/// unit's row locked in each write. Nothing is kept here that another serve process would need.
package final class StorePool: Sendable {
    package let location: StoreLocation
    private let threads: NIOThreadPool
    private let free: NIOLockedValueBox<[CampaignStore]>
    private let all: [CampaignStore]

    /// Opens `size` connections (the first migrates an older store after its backup, as any
    /// command does) and starts their threads.
    package init(location: StoreLocation, size: Int = 4) throws(StoreError) {
        self.location = location
        var stores: [CampaignStore] = []
        do {
            for _ in 0..<max(1, size) {
                let store = try CampaignStore.open(location).store
                stores.append(store)
                _ = try store.campaign()
            }
        } catch {
            for s in stores { s.close() }
            throw error
        }
        all = stores
        free = NIOLockedValueBox(stores)
        threads = NIOThreadPool(numberOfThreads: stores.count)
        threads.start()
    }

    /// Runs `body` with a store of its own, on one of the pool's threads.
    package func run<T: Sendable>(_ body: @escaping @Sendable (CampaignStore) throws -> T) async throws -> T {
        try await threads.runIfActive { [free] in
            let store = free.withLockedValue { $0.popLast() }
            guard let store else {
                // Not reached: as many threads as stores, each call holding one.
                throw StoreError(L("hết kết nối tới kho", "no store connection free"))
            }
            defer { free.withLockedValue { $0.append(store) } }
            return try body(store)
        }
    }

    /// Stops the threads (after the calls running) and closes the connections.
    package func shutdown() async {
        try? await threads.shutdownGracefully()
        for s in all { s.close() }
    }
}
