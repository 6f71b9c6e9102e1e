import Foundation
import Testing

/// A throw-away PostgreSQL cluster for the tests of the campaign store: initdb into a folder of
/// its own, the server listening on a Unix socket in that folder only (no TCP port), started
/// once per test process and stopped when it ends. Debian's `postgresql` package provides the
/// programs (`make deps` installs it); as root the server runs as the `postgres` system user,
/// since initdb refuses root. A missing PostgreSQL is an error, never a skipped test.
public final class PostgresCluster: @unchecked Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public let folder: URL
    public var socketFolder: URL { folder.appendingPathComponent("sock") }
    let bin: URL
    let asPostgres: Bool
    private let lock = NSLock()
    private var databases = 0

    /// The cluster of this test process, started at first use.
    public static func shared() throws -> PostgresCluster {
        try startOnce.get()
    }

    private static let startOnce: Result<PostgresCluster, Error> = Result { try PostgresCluster() }

    private init() throws {
        let fm = FileManager.default
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted()
        guard let version = versions.last,
            fm.isExecutableFile(atPath: "/usr/lib/postgresql/\(version)/bin/initdb")
        else {
            throw Unavailable(
                description:
                    "PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb): run make deps, or apt-get install postgresql"
            )
        }
        bin = URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
        asPostgres = getuid() == 0
        // Short, so the socket's path stays within the system's limit (107 bytes).
        folder = URL(fileURLWithPath: "/tmp/ictreport-pg-\(getpid())")
        try? fm.removeItem(at: folder)
        try fm.createDirectory(at: socketFolder, withIntermediateDirectories: true)
        if asPostgres {
            try runLogged("/bin/chown", ["-R", "postgres:postgres", folder.path])
        }
        let data = folder.appendingPathComponent("data").path
        try run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C"])
        try run(
            "pg_ctl",
            [
                "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o",
                "-k \(socketFolder.path) -c listen_addresses= -F -c max_connections=50", "start"
            ])
        atexit {
            guard case .success(let cluster) = PostgresCluster.startOnce else { return }
            cluster.stop()
        }
    }

    /// A new, empty database of this cluster, as a `postgres://` address for `--db`.
    public func newDatabase() throws -> String {
        let name = lock.withLock {
            databases += 1
            return "t\(databases)_\(UUID().uuidString.prefix(8).lowercased())"
        }
        try run("createdb", ["-h", socketFolder.path, "-U", "postgres", name])
        return url(name)
    }

    public func url(_ database: String) -> String {
        "postgres://postgres@/\(database)?host=\(socketFolder.path)"
    }

    /// Stops the server and removes its folder.
    public func stop() {
        try? run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ program: String, _ arguments: [String]) throws {
        let path = bin.appendingPathComponent(program).path
        if asPostgres {
            try runLogged("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try runLogged(path, arguments)
        }
    }

    /// Runs a program and waits for it (posix_spawn and waitpid: the server it starts keeps
    /// running, and nothing here waits on its output). Its output goes to `commands.log`.
    func runLogged(_ executable: String, _ arguments: [String]) throws {
        let log = folder.appendingPathComponent("commands.log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Unavailable(description: "\(executable) could not be started: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Unavailable(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text.suffix(2000))")
        }
    }
}

/// The engines the store's users are tested on (the commands, the server): the same checks on both.
public enum StoreEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    public var testDescription: String { rawValue }

    /// `--db` for a new, empty store: a file in `folder`, or a new database of the test cluster.
    public func newStore(in folder: URL) throws -> String {
        switch self {
        case .sqlite: return folder.appendingPathComponent("campaign.sqlite").path
        case .postgres: return try PostgresCluster.shared().newDatabase()
        }
    }
}
