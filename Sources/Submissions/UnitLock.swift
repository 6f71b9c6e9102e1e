import FormKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One session per unit at a time: a lock on the unit's draft and final files, held while a
/// session has them open. Each is a `.<name>.lock` file beside the file it guards, locked with
/// `flock` (the system releases it when the process ends, however it ends) and holding who
/// holds it: host, process and start time, to name them to a second session.
public final class UnitLock {
    /// Who holds a lock.
    public struct Holder: Sendable, Equatable {
        public var host: String
        public var process: Int32
        public var started: Date

        static func current(started: Date) -> Holder {
            var name = [CChar](repeating: 0, count: 256)
            gethostname(&name, name.count - 1)
            return Holder(
                host: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                process: getpid(), started: started)
        }

        var text: String { "host=\(host)\npid=\(process)\nstarted=\(Submission.timestamp(started))\n" }

        static func parse(_ text: String) -> Holder? {
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let host = fields["host"], let pid = fields["pid"].flatMap({ Int32($0) }),
                let started = fields["started"].flatMap(Submission.parseTimestamp)
            else { return nil }
            return Holder(host: host, process: pid, started: started)
        }
    }

    private var descriptors: [Int32]
    /// Locks found left by a session that ended without releasing them (a crash, a power cut):
    /// taken over, and named so the person knows.
    public let takenOver: [Holder]

    private init(descriptors: [Int32], takenOver: [Holder]) {
        self.descriptors = descriptors
        self.takenOver = takenOver
    }

    deinit { release() }

    /// Releases the locks (also done when the process ends). A lock released this way holds
    /// no holder any more: only a session that ended without releasing (a crash, a power cut,
    /// a kill) leaves its name for the next one to report as taken over.
    public func release() {
        for fd in descriptors {
            _ = ftruncate(fd, 0)
            close(fd)
        }
        descriptors = []
    }

    /// The lock file that guards `path`.
    public static func lockPath(for path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "" : dir + "/") + "." + (path as NSString).lastPathComponent + ".lock"
    }

    /// Takes the locks of every path (in a fixed order, so two sessions cannot each hold one),
    /// or fails naming who holds one; nothing is changed then.
    public static func acquire(_ paths: [String], now: Date = Date()) throws(UnitLockError) -> UnitLock {
        let me = Holder.current(started: now)
        var taken: [Int32] = []
        var stale: [Holder] = []
        let lockPaths = Array(Set(paths.map { lockPath(for: $0) })).sorted()
        for path in lockPaths {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                for t in taken { close(t) }
                throw .cannotLock(path: path, reason: reason)
            }
            let previous = Holder.parse(contents(fd))
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                for t in taken { close(t) }
                throw .held(by: previous, path: path)
            }
            if let previous, previous.process != me.process { stale.append(previous) }
            let text = Array(me.text.utf8)
            _ = ftruncate(fd, 0)
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, text.count, 0) }
            taken.append(fd)
        }
        return UnitLock(descriptors: taken, takenOver: stale)
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1024, 0) }
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
    }
}

public enum UnitLockError: Error, Sendable {
    /// Another session holds the lock (who, when the lock file says).
    case held(by: UnitLock.Holder?, path: String)
    case cannotLock(path: String, reason: String)

    public var message: LocalizedText {
        switch self {
        case .held(let holder, _):
            let who =
                holder.map { h in
                    L(
                        "trên máy \(h.host), tiến trình \(h.process), mở từ \(UnitLockError.display(h.started))",
                        "on \(h.host), process \(h.process), open since \(UnitLockError.display(h.started))")
                } ?? L("không rõ phiên nào", "by an unknown session")
            return L(
                "Báo cáo của đơn vị này đang được mở trong một phiên khác (\(who.vi)). Hãy hoàn tất hoặc thoát phiên đó rồi chạy lại; không có gì bị thay đổi.",
                "This unit's report is open in another session (\(who.text(.en))). Finish or leave that session, then run again; nothing was changed."
            )
        case .cannotLock(let path, let reason):
            return L(
                "Không khoá được \(path) (\(reason)); không có gì bị thay đổi.",
                "Cannot lock \(path) (\(reason)); nothing was changed.")
        }
    }

    static func display(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm dd/MM/yyyy"
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return f.string(from: d)
    }
}
