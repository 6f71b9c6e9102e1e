import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Every file the tool writes goes through here: written to a temporary file beside its
/// target, flushed to disk (the file, then its folder), then renamed over the target. A crash,
/// a `kill -9` or a full disk never leaves half a file where a good one was, and a message that
/// says "saved" can only follow a write that reached the disk.
///
/// The temporary file is named `.<name>.<pid>.tmp<ext>`, so the next run can tell one left by a
/// killed process (its process is gone) and remove it; being hidden, it is never read as input.
public struct AtomicOutput: Sendable {
    /// Where the result goes: the target with symbolic links resolved, so that a link is
    /// written through (the file it points to is replaced; the link stays).
    public let target: String
    /// Where it is written first.
    public let temporary: String

    /// Prepares to write `path`: makes its folder, resolves links, and removes temporary files
    /// of earlier runs of this target whose process is gone.
    public init(_ path: String) throws(AtomicOutputError) {
        target = AtomicOutput.resolvingLinks(path)
        let dir = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        if let reason = AtomicOutput.makeFolders(dir.isEmpty ? "." : dir) {
            throw .cannotWrite(path: target, reason: reason)
        }
        AtomicOutput.removeStaleTemporaries(in: dir.isEmpty ? "." : dir, of: name)
        let ext = (name as NSString).pathExtension
        temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).\(getpid()).tmp" + (ext.isEmpty ? "" : "." + ext)
    }

    /// Writes `bytes` to the temporary file, then `commit()`s it.
    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicOutputError) {
        let output = try AtomicOutput(path)
        do throws(AtomicOutputError) {
            let fd = open(output.temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw AtomicOutputError.cannotWrite(path: output.target, reason: String(cString: strerror(errno)))
            }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw AtomicOutputError.cannotWrite(path: output.target, reason: reason)
                }
                done += n
            }
            guard close(fd) == 0 else {
                throw AtomicOutputError.cannotWrite(path: output.target, reason: String(cString: strerror(errno)))
            }
            try output.commit()
        } catch {
            output.abandon()
            throw error
        }
    }

    /// Puts the written temporary file in place: flushed to disk, renamed over the target, the
    /// folder flushed so the rename itself survives a power cut.
    public func commit() throws(AtomicOutputError) {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(path: target, reason: String(cString: strerror(errno))) }
        let synced = fsync(fd) == 0
        let code = errno
        close(fd)
        guard synced else {
            abandon()
            throw .cannotWrite(path: target, reason: String(cString: strerror(code)))
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw .cannotWrite(path: target, reason: reason)
        }
        let dir = (target as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            let ok = fsync(dfd) == 0
            let code = errno
            close(dfd)
            // EINVAL: a file system that cannot flush folders (the rename is done all the same).
            if !ok && code != EINVAL { throw .cannotWrite(path: target, reason: String(cString: strerror(code))) }
        }
    }

    /// Removes the temporary file: nothing is written where the target is.
    public func abandon() {
        unlink(temporary)
    }

    /// The path with every symbolic link in it resolved, also a link to a file that does not
    /// exist yet (the file it names is created).
    public static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            if let real = realpath(current, nil) {
                defer { free(real) }
                return String(cString: real)
            }
            // Not there (yet): a dangling link is followed by hand, else the folder is resolved.
            var info = stat()
            if lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(current, &buffer, Int(PATH_MAX))
                guard n > 0 else { break }
                let destination = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current =
                    destination.hasPrefix("/")
                    ? destination
                    : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
                continue
            }
            let dir = (current as NSString).deletingLastPathComponent
            if let real = realpath(dir.isEmpty ? "." : dir, nil) {
                defer { free(real) }
                return (String(cString: real) as NSString).appendingPathComponent(
                    (current as NSString).lastPathComponent)
            }
            break
        }
        return (current as NSString).standardizingPath
    }

    /// Temporary files of `name` in `dir` left by processes that are gone (killed, crashed).
    /// Returns what was removed.
    @discardableResult
    public static func removeStaleTemporaries(in dir: String, of name: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        let prefix = ".\(name)."
        var removed: [String] = []
        for file in names where file.hasPrefix(prefix) {
            // .<name>.<pid>.tmp[.ext]
            let rest = file.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let pid = Int32(rest[..<dot]), rest[dot...].hasPrefix(".tmp")
            else { continue }
            if pid == getpid() || (kill(pid, 0) == 0 || errno == EPERM) { continue }
            let path = (dir as NSString).appendingPathComponent(file)
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    /// `mkdir -p`; the system's reason when it fails ("Not a directory", "No space left…").
    static func makeFolders(_ dir: String) -> String? {
        var info = stat()
        if stat(dir, &info) == 0 {
            return info.st_mode & S_IFMT == S_IFDIR ? nil : "\(dir): " + String(cString: strerror(ENOTDIR))
        }
        let parent = (dir as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != dir, let reason = makeFolders(parent) { return reason }
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { return "\(dir): " + String(cString: strerror(errno)) }
        return nil
    }
}

/// Why an output could not be written.
public enum AtomicOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    /// The system's reason (the path is the caller's to name).
    public var description: String {
        switch self {
        case .cannotWrite(_, let reason): return reason
        }
    }
}
