import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The limits every reader keeps, so that no file, however made, can crash, hang or exhaust
/// a run. Each has its own message; docs/form-language.md lists them.
package enum InputLimits {
    /// The largest file read: a full report is about 20 KB, a form about 100 KB.
    package static let fileBytes = 16 << 20
    /// How deep lists and objects may nest in a data file (a submission nests 5 deep).
    package static let depth = 64
    /// How many values a data file may hold, YAML aliases expanded (a report holds about 500).
    package static let values = 1_000_000
    /// How many rows one table answer may have.
    package static let tableRows = 10_000
}

/// Why an input file could not be read at all.
package enum InputFileError: Error, Sendable, Equatable {
    case missing
    case notRegular(kind: String)
    case tooLarge(bytes: Int)
    case unreadable(errno: Int32)
    /// UTF-16 or UTF-32 text (a byte-order mark, or NUL bytes among the first).
    case notUTF8(encoding: String)
    /// Bytes that are not UTF-8, at a line and column.
    case invalidUTF8(line: Int, column: Int)

    package var message: LocalizedText {
        switch self {
        case .missing:
            return L("không có tệp này; kiểm tra đường dẫn", "no such file; check the path")
        case .notRegular(let kind):
            return L(
                "không phải tệp thông thường (\(kind == "folder" ? "thư mục" : kind == "fifo" ? "ống dẫn FIFO" : kind == "device" ? "thiết bị" : kind)); không đọc",
                "not a regular file (\(kind)); not read")
        case .tooLarge(let bytes):
            return L(
                "tệp quá lớn (\(bytes / 1024) KB; tối đa \(InputLimits.fileBytes >> 20) MB)",
                "the file is too large (\(bytes / 1024) KB; at most \(InputLimits.fileBytes >> 20) MB)")
        case .unreadable(let code):
            return L(
                "không đọc được tệp (\(String(cString: strerror(code)))); kiểm tra quyền đọc",
                "cannot read the file (\(String(cString: strerror(code)))); check the permissions")
        case .notUTF8(let encoding):
            return L(
                "tệp được lưu theo mã \(encoding); hãy lưu lại theo mã UTF-8",
                "the file is saved as \(encoding); save it as UTF-8")
        case .invalidUTF8(let line, let column):
            return L(
                "dòng \(line), cột \(column): có byte không phải văn bản UTF-8; hãy lưu lại tệp theo mã UTF-8",
                "line \(line), column \(column): bytes that are not UTF-8 text; save the file as UTF-8")
        }
    }
}

/// One input file as read: its bytes and what identifies this version of it, so that a file
/// read twice (a merge's scan, then its full read) can be told to have changed in between.
package struct InputFile: Sendable {
    package var bytes: [UInt8]
    package var identity: Identity

    /// Device, inode, size and change times: any write or replacement changes one of them.
    package struct Identity: Sendable, Hashable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: Int64, modifiedNanos: Int64, changed: Int64, changedNanos: Int64
    }

    /// Reads a regular file of at most `InputLimits.fileBytes`. Anything else (a folder, a FIFO,
    /// a device) is refused before a byte is read: the file is opened without blocking and
    /// looked at first, so a FIFO cannot hang the run.
    package static func read(_ path: String) throws(InputFileError) -> InputFile {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(errno: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notRegular(kind: "folder")
        case S_IFIFO: throw .notRegular(kind: "fifo")
        case S_IFCHR, S_IFBLK: throw .notRegular(kind: "device")
        default: throw .notRegular(kind: "socket")
        }
        guard info.st_size <= InputLimits.fileBytes else { throw .tooLarge(bytes: Int(info.st_size)) }
        // One byte more than the size, so that the read which meets the end needs no growth.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var done = 0
        while true {
            if done == bytes.count {
                // The file grew since fstat: read on, within the limit.
                guard bytes.count <= InputLimits.fileBytes else { throw .tooLarge(bytes: bytes.count) }
                bytes.append(contentsOf: repeatElement(0, count: 4096))
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            if n == 0 { break }
            done += n
            // All the bytes fstat counted and fewer than asked: the end, known without a second
            // read that returns nothing (a merge reads some 20,000 files). A file written to
            // meanwhile has changed its identity, which the merge compares.
            if done >= Int(info.st_size) && done < bytes.count { break }
        }
        bytes.removeLast(bytes.count - done)
        let identity = Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec), modifiedNanos: Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec), changedNanos: Int64(info.st_ctim.tv_nsec))
        return InputFile(bytes: bytes, identity: identity)
    }

    /// The encoding when the bytes are surely not UTF-8 text: a UTF-16/32 byte-order mark, or
    /// NUL bytes among the first (UTF-16 text without a mark).
    package static func foreignEncoding(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) { return "UTF-32" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        if bytes.prefix(64).contains(0) { return "UTF-16" }
        return nil
    }

    /// Where the first byte that is not UTF-8 stands (line and column, 1-based).
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let u):
                if u == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput: return (line, column)
            case .error: return (line, column)
            }
        }
    }

    /// The text of a form, unit list or layout: UTF-8 (a byte-order mark is skipped).
    package static func text(_ path: String) throws(InputFileError) -> String {
        try text(of: read(path).bytes)
    }

    /// UTF-8 bytes as text, a byte-order mark skipped; UTF-16/32 and bytes that are not UTF-8
    /// (with their place) refused. Every YAML text read comes through here.
    static func text(of bytes: [UInt8]) throws(InputFileError) -> String {
        if let encoding = foreignEncoding(bytes) { throw .notUTF8(encoding: encoding) }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(body)
            throw .invalidUTF8(line: line, column: column)
        }
        return text
    }

    /// `text(path)`, its failure as a diagnostic naming the file (for the YAML loaders).
    package static func yamlText(_ path: String, what: LocalizedText) throws(DiagnosticsError) -> String {
        do {
            return try text(path)
        } catch {
            throw DiagnosticsError([
                Diagnostic(
                    .error, SourceLocation(file: FormLoader.displayPath(path), line: 1, column: 1),
                    L("\(what.vi): \(error.message.vi)", "\(what.text(.en)): \(error.message.text(.en))"))
            ])
        }
    }
}
