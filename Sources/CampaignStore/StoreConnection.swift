import FormKit
import Foundation
import PostgresKit
import SQLKit
import SQLiteKit

/// Why the store cannot do what was asked, said to a person.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: LocalizedText
    public init(_ message: LocalizedText) { self.message = message }
    public var description: String { message.text(.en) }
}

/// Where the store is: a SQLite file (the default, nothing to install) or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    /// `postgres://user[:password]@host[:port]/database`, or with the server's Unix socket folder
    /// as libpq writes it: `postgres://user@/database?host=/run/postgresql` (port 5432 unless given).
    case postgres(url: String)

    /// The file name used when neither `--db` nor `ICTREPORT_DB` names a store.
    public static let defaultPath = "campaign.sqlite"

    /// `--db`, else the environment variable `ICTREPORT_DB`, else `campaign.sqlite` here.
    public static func resolve(_ given: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> StoreLocation
    {
        let text = given ?? environment["ICTREPORT_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") { return .postgres(url: text) }
        return .sqlite(path: text)
    }

    /// How messages name it: the file, or the database without its password.
    public var displayName: String {
        switch self {
        case .sqlite(let path): return FormLoader.displayPath(path)
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }

    /// The connection settings of a `postgres://` address.
    func postgresConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        guard case .postgres(let url) = self else { preconditionFailure("not a PostgreSQL address") }
        let bad = StoreError(
            L(
                "địa chỉ cơ sở dữ liệu '\(displayName)' không hợp lệ; dạng đúng: postgres://người-dùng@máy:5432/tên-csdl hoặc postgres://người-dùng@/tên-csdl?host=/thư-mục-socket",
                "the database address '\(displayName)' is not valid; write postgres://user@host:5432/database or postgres://user@/database?host=/socket-folder"
            ))
        guard let c = URLComponents(string: url) else { throw bad }
        let database = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        let user = c.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let socketFolder = c.queryItems?.first { $0.name == "host" }?.value
        guard !database.isEmpty, !database.contains("/") else { throw bad }
        if let socketFolder, socketFolder.hasPrefix("/") {
            let socket = socketFolder + "/.s.PGSQL.\(c.port ?? 5432)"
            return .init(unixSocketPath: socket, username: user, password: c.password, database: database)
        }
        guard let host = c.host, !host.isEmpty else { throw bad }
        return .init(
            host: host, port: c.port ?? 5432, username: user, password: c.password, database: database, tls: .disable)
    }
}

/// The two engines the same store code runs on.
enum Engine: Sendable { case sqlite, postgres }

/// One connection to the store's database, used from one thread at a time. Every query goes
/// through SQLKit (one query layer for both engines); the few statements the engines write
/// differently are chosen by `engine`.
final class StoreConnection: @unchecked Sendable {
    let engine: Engine
    let sql: any SQLDatabase
    private let close: () -> Void
    private var closed = false

    private init(engine: Engine, sql: any SQLDatabase, close: @escaping () -> Void) {
        self.engine = engine
        self.sql = sql
        self.close = close
    }

    deinit { if !closed { close() } }

    func shutdown() {
        guard !closed else { return }
        closed = true
        close()
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "ictreport.store")
        logger.logLevel = .critical
        return logger
    }

    /// Opens the database: a SQLite file in WAL mode with a busy timeout (several processes may
    /// write at once, each waiting its turn), or a PostgreSQL connection.
    static func open(_ location: StoreLocation) throws(StoreError) -> StoreConnection {
        switch location {
        case .sqlite(let path):
            // A thread of its own for this connection's SQLite calls: a connection waiting for
            // another's write lock (busy timeout) must not hold a thread of a shared pool that
            // the lock holder needs to commit (with the shared pool of 2 threads on 2 cores,
            // three connections of one process deadlocked until the timeout).
            let threads = NIOThreadPool(numberOfThreads: 1)
            threads.start()
            let connection: SQLiteConnection
            do {
                connection = try SQLiteConnection.open(
                    storage: .file(path: path), threadPool: threads, logger: quietLogger,
                    on: MultiThreadedEventLoopGroup.singleton.any()
                ).wait()
            } catch {
                try? threads.syncShutdownGracefully()
                throw StoreError(
                    L(
                        "không mở được kho \(location.displayName): \(describe(error))",
                        "cannot open the store \(location.displayName): \(describe(error))"))
            }
            let store = StoreConnection(
                engine: .sqlite, sql: connection.sql(queryLogLevel: nil),
                close: {
                    try? connection.close().wait()
                    try? threads.syncShutdownGracefully()
                })
            do {
                // The busy timeout first: setting WAL itself may wait for another process.
                try store.run("PRAGMA busy_timeout = 60000")
                try store.run("PRAGMA journal_mode = WAL")
                try store.run("PRAGMA synchronous = FULL")
                try store.run("PRAGMA foreign_keys = ON")
            } catch {
                store.shutdown()
                throw StoreError(
                    L(
                        "\(location.displayName) không phải là kho đợt báo cáo (SQLite): \(error.message.vi)",
                        "\(location.displayName) is not a campaign store (SQLite): \(error.message.text(.en))"))
            }
            return store
        case .postgres:
            let configuration = try location.postgresConfiguration()
            let connection: PostgresConnection
            do {
                connection = try PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
                    logger: quietLogger
                ).wait()
            } catch {
                throw StoreError(
                    L(
                        "không kết nối được PostgreSQL tại \(location.displayName): \(describe(error))",
                        "cannot connect to PostgreSQL at \(location.displayName): \(describe(error))"))
            }
            let store = StoreConnection(
                engine: .postgres, sql: connection.sql(queryLogLevel: nil), close: { try? connection.close().wait() })
            do {
                try store.run("SET client_min_messages = WARNING")
            } catch {
                store.shutdown()
                throw error
            }
            return store
        }
    }

    /// The rows a query returns.
    func all(_ query: SQLQueryString) throws(StoreError) -> [any SQLRow] {
        do {
            return try sql.raw(query).all().wait()
        } catch {
            throw StoreError(L("lỗi cơ sở dữ liệu: \(describe(error))", "database error: \(describe(error))"))
        }
    }

    /// The first row, if any.
    func first(_ query: SQLQueryString) throws(StoreError) -> (any SQLRow)? { try all(query).first }

    /// Runs a statement.
    func run(_ query: SQLQueryString) throws(StoreError) {
        do {
            try sql.raw(query).run().wait()
        } catch {
            throw StoreError(L("lỗi cơ sở dữ liệu: \(describe(error))", "database error: \(describe(error))"))
        }
    }

    /// `body` in one transaction: all of it lands, or none. On SQLite the write lock is taken
    /// at the start (BEGIN IMMEDIATE), so two processes take turns instead of failing midway.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try run(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let value = try body()
            try run("COMMIT")
            return value
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }
}

/// A database error as a person can read it (PostgresNIO hides the server's words by default).
func describe(_ error: any Error) -> String {
    if let e = error as? PSQLError {
        if let message = e.serverInfo?[.message] {
            return message + (e.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = e.underlying { return "\(underlying)" }
        return "\(e.code)"
    }
    if let e = error as? SQLiteError { return e.message }
    return "\(error)"
}

extension SQLRow {
    func string(_ column: String) throws(StoreError) -> String {
        do { return try decode(column: column, as: String.self) } catch {
            throw StoreError(L("cột \(column): \(describe(error))", "column \(column): \(describe(error))"))
        }
    }

    func optionalString(_ column: String) throws(StoreError) -> String? {
        do { return try decodeNil(column: column) ? nil : try decode(column: column, as: String.self) } catch {
            throw StoreError(L("cột \(column): \(describe(error))", "column \(column): \(describe(error))"))
        }
    }

    func int(_ column: String) throws(StoreError) -> Int {
        do { return try decode(column: column, as: Int.self) } catch {
            throw StoreError(L("cột \(column): \(describe(error))", "column \(column): \(describe(error))"))
        }
    }

    func optionalInt(_ column: String) throws(StoreError) -> Int? {
        do { return try decodeNil(column: column) ? nil : try decode(column: column, as: Int.self) } catch {
            throw StoreError(L("cột \(column): \(describe(error))", "column \(column): \(describe(error))"))
        }
    }

    func bytes(_ column: String) throws(StoreError) -> [UInt8] {
        do { return [UInt8](try decode(column: column, as: Data.self)) } catch {
            throw StoreError(L("cột \(column): \(describe(error))", "column \(column): \(describe(error))"))
        }
    }
}
