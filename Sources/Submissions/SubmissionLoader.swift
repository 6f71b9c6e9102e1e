import Dispatch
import Foundation
import FormKit

/// What reading one submission or answers file gave: the submission when it could be read,
/// and every problem with its JSON path and line:column.
public struct LoadedSubmission: Sendable {
    public var file: String
    public var submission: Submission?
    public var problems: [DataProblem]
    /// Why the file cannot be used at all (unreadable, malformed, another form); nil when usable.
    public var rejection: LocalizedText?
    /// False when only what the file is about was read (unit, status, revision, times), not
    /// its answers: enough to sort many files out before reading the ones that count.
    public var answersRead = true

    public var isUsable: Bool { rejection == nil && submission != nil }
}

/// Reads submission files (JSON) and answers files (the same nested answers, JSON or YAML,
/// alone or under `answers:`).
public enum SubmissionLoader {
    /// Reads a file; with `answers: false` a submission's answers are checked for syntax only.
    /// A `reader` built once for the form makes reading many files cheaper (see `AnswersReader`).
    public static func load(_ url: URL, form: Form, answers: Bool = true, reader: AnswersReader? = nil) -> LoadedSubmission {
        load(path: url.path, form: form, answers: answers, reader: reader)
    }

    /// The same by path: a merge keeps thousands of paths, and a URL's path costs to get.
    public static func load(path: String, form: Form, answers: Bool = true, reader: AnswersReader? = nil) -> LoadedSubmission {
        let name = FormLoader.displayPath(path)
        guard let bytes = readFile(path) else {
            return LoadedSubmission(file: name, submission: nil, problems: [],
                                    rejection: L("không mở được tệp; kiểm tra đường dẫn và quyền đọc", "cannot open the file; check the path and permissions"))
        }
        let lower = path.lowercased()
        return load(bytes: bytes, file: name, form: form, yaml: lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"), answers: answers, reader: reader)
    }

    /// Reads a file's bytes (JSON, or YAML when `yaml`); `file` is the name its messages give.
    public static func load(bytes: [UInt8], file name: String, form: Form, yaml: Bool, answers: Bool = true, reader: AnswersReader? = nil) -> LoadedSubmission {
        let tree: DataTree
        var plain: PlainAnswers?
        do {
            if yaml {
                tree = try DataTree.parse(Data(bytes), yaml: true)
            } else if answers {
                let read = try DataTree.parseJSON(bytes, answers: reader ?? AnswersReader(form: form))
                tree = read.tree
                if let a = read.answers, let range = read.answersBytes { plain = PlainAnswers(answers: a, json: bytes[range]) }
            } else {
                tree = try DataTree.parseJSON(bytes, skippingTopLevel: ["answers"])
            }
        } catch let e as DataSyntaxError {
            return LoadedSubmission(file: name, submission: nil, problems: [],
                                    rejection: L("dòng \(e.line), cột \(e.column): \(e.message.vi)", "line \(e.line), column \(e.column): \(e.message.text(.en))"))
        } catch {
            return LoadedSubmission(file: name, submission: nil, problems: [], rejection: L("không đọc được tệp", "cannot read the file"))
        }
        return load(tree, file: name, form: form, answers: answers || yaml, plain: plain)
    }

    /// Answers `AnswersReader` read straight from the file, with their JSON text.
    struct PlainAnswers {
        var answers: Answers
        var json: ArraySlice<UInt8>
    }

    public static func load(_ tree: DataTree, file: String, form: Form, answers readAnswers: Bool = true) -> LoadedSubmission {
        load(tree, file: file, form: form, answers: readAnswers, plain: nil)
    }

    /// With `plain`, the answers were read already and the tree has none.
    static func load(_ tree: DataTree, file: String, form: Form, answers readAnswers: Bool, plain: PlainAnswers?) -> LoadedSubmission {
        guard case .object = tree.kind else {
            return LoadedSubmission(file: file, submission: nil, problems: [],
                                    rejection: L("tệp phải chứa một bảng khoá JSON/YAML ở ngoài cùng", "the file must hold a JSON/YAML object at the top"))
        }
        var problems: [DataProblem] = []
        let isSubmission = tree["format"]?.string == Submission.format
        guard isSubmission else {
            // An answers file: the nested answers, alone or under `answers:`, plus an optional unit.
            let answersNode = tree["answers"] ?? tree
            var answersOnly = answersNode
            if tree["answers"] == nil, case .object(let pairs) = tree.kind {
                answersOnly.kind = .object(pairs.filter { $0.key != "unit" })
            }
            let (answers, p) = plain.map { ($0.answers, []) }
                ?? AnswersDecoder.decode(answersOnly, form: form, path: tree["answers"] == nil ? "$" : "$.answers")
            let unitId = tree["unit"]?["id"]?.string ?? tree["unit"]?.string ?? ""
            let unitName = tree["unit"]?["name"]?.string ?? ""
            let s = Submission(form: form, unitId: unitId, unitName: unitName, status: .draft, answers: answers)
            return LoadedSubmission(file: file, submission: s, problems: p, rejection: nil)
        }

        if let v = tree["format_version"]?.number, Int(v) > Submission.formatVersion {
            return LoadedSubmission(file: file, submission: nil, problems: [],
                                    rejection: L("tệp được tạo bởi phiên bản mới hơn của công cụ (định dạng \(formatNumber(v))); hãy cập nhật ictreport",
                                                 "the file was written by a newer version of the tool (format \(formatNumber(v))); update ictreport"))
        }
        let formId = tree["form"]?["id"]?.string ?? ""
        let formVersion = tree["form"]?["version"]?.string ?? ""
        if formId != form.id || formVersion != form.version {
            return LoadedSubmission(file: file, submission: nil, problems: [],
                                    rejection: L("tệp thuộc biểu mẫu '\(formId)' phiên bản '\(formVersion)', không phải '\(form.id)' phiên bản '\(form.version)'",
                                                 "the file belongs to form '\(formId)' version '\(formVersion)', not '\(form.id)' version '\(form.version)'"))
        }
        func text(_ path: [String], required: Bool = true) -> String? {
            var node: DataTree? = tree
            for k in path { node = node?[k] }
            guard let s = node?.string else {
                if required {
                    problems.append(DataProblem(path: "$." + path.joined(separator: "."), line: node?.line ?? tree.line, column: node?.column ?? tree.column,
                                                message: L("thiếu hoặc sai kiểu (cần chuỗi)", "missing or not a string")))
                }
                return nil
            }
            return s
        }
        let unitId = text(["unit", "id"]) ?? ""
        let unitName = text(["unit", "name"]) ?? ""
        let statusText = text(["status"]) ?? "draft"
        guard let status = Submission.Status(rawValue: statusText) else {
            return LoadedSubmission(file: file, submission: nil, problems: problems,
                                    rejection: L("trạng thái '\(statusText)' không hợp lệ (draft hoặc final)", "status '\(statusText)' is not valid (draft or final)"))
        }
        let (answers, answerProblems) = plain.map { ($0.answers, []) } ?? (readAnswers
            ? AnswersDecoder.decode(tree["answers"] ?? DataTree(kind: .null, line: tree.line, column: tree.column), form: form, path: "$.answers")
            : (Answers(), []))
        problems += answerProblems
        var s = Submission(form: form, unitId: unitId, unitName: unitName.nfc, status: status, answers: answers)
        s.revision = Int(tree["revision"]?.number ?? 0)
        s.createdAt = text(["created_at"], required: false).flatMap(Submission.parseTimestamp) ?? Date(timeIntervalSince1970: 0)
        s.updatedAt = text(["updated_at"], required: false).flatMap(Submission.parseTimestamp) ?? s.createdAt
        s.finalizedAt = text(["finalized_at"], required: false).flatMap(Submission.parseTimestamp)
        s.toolVersion = text(["tool_version"], required: false) ?? ""
        s.resumeAt = text(["resume_at"], required: false)
        if case .object(let pairs)? = tree["explanations"]?.kind {
            for (k, v) in pairs { if let t = v.string { s.explanations[k] = t.nfc } }
        }
        // The file's own text first: it matches for every file the tool wrote and costs less.
        if readAnswers, let stored = text(["content_hash"], required: false), answerProblems.isEmpty,
           plain.map({ Submission.contentHash(answersJSON: $0.json, explanations: s.explanations) }) != stored, stored != s.contentHash {
            let node = tree["content_hash"]!
            problems.append(DataProblem(path: "$.content_hash", at: node,
                                        L("mã kiểm tra nội dung không khớp: tệp đã bị sửa bằng tay sau khi lưu", "the content hash does not match: the file was edited by hand after it was saved")))
        }
        return LoadedSubmission(file: file, submission: s, problems: problems, rejection: nil, answersRead: readAnswers)
    }

    /// A whole file's bytes with plain POSIX calls (Data and URL cost more than the read
    /// itself when a merge reads thousands of small files); nil when it cannot be read.
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        // One byte more than the size, so that the read which meets the end needs no growth.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var done = 0
        while true {
            if done == bytes.count {
                // The file may have grown since fstat: read on until the end.
                bytes.append(contentsOf: repeatElement(0, count: 4096))
            }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            done += n
        }
        bytes.removeLast(bytes.count - done)
        return bytes
    }

    /// Loads many files on every core; the results keep the order of `urls`.
    public static func load(_ urls: [URL], form: Form) -> [LoadedSubmission] {
        let reader = AnswersReader(form: form)
        return parallelMap(urls.count) { load(urls[$0], form: form, reader: reader) }
    }

    /// The files to read: each file named, and in each folder every .json file (submissions;
    /// hidden ones and other files, such as a units.yaml beside them, are left alone), sorted.
    public static func expand(_ paths: [String]) -> (files: [URL], missing: [String]) {
        let (files, missing) = expandPaths(paths)
        return (files.map { URL(fileURLWithPath: $0, isDirectory: false) }, missing)
    }

    /// The same as paths.
    public static func expandPaths(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { missing.append(p); continue }
            if isDir.boolValue {
                // Names as strings: URL operations on thousands of files cost more than reading them.
                let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? [])
                    .filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
                let dir = p.hasSuffix("/") ? p : p + "/"
                files += names.map { dir + $0 }
            } else {
                files.append(p)
            }
        }
        return (files, missing)
    }
}

/// `transform` over 0..<count on every core, results in order. Reading and checking many
/// submissions is independent work; the machine has more than one core.
public func parallelMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(transform) }
    var items = [T?](repeating: nil, count: count)
    let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
    items.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let slots = buffer
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            // Each chunk writes only its own slots.
            for i in stride(from: chunk, to: count, by: chunks) { slots[i] = transform(i) }
        }
    }
    return items.map { $0! }
}
