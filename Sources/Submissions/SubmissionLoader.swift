import AtomicFiles
import Dispatch
import FormKit
import Foundation

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
    /// The version of the file that was read (nil when not read from a file).
    package var identity: InputFile.Identity?
    /// The path the file was read from (nil when not read from a file): `file` names it for people.
    package var path: String?
    /// A digest of the file's bytes (within one run; set by a merge's first pass for the files
    /// that may be copies, `withDigests`): what tells a copy of a file from a different file of
    /// the same unit and revision (a hand edit keeps the content hash it claims).
    public var fileDigest: Int?

    public var isUsable: Bool { rejection == nil && submission != nil }

    public init(
        file: String, submission: Submission?, problems: [DataProblem], rejection: LocalizedText?,
        answersRead: Bool = true
    ) {
        self.file = file
        self.submission = submission
        self.problems = problems
        self.rejection = rejection
        self.answersRead = answersRead
    }
}

/// Reads submission files (JSON) and answers files (the same nested answers, JSON or YAML,
/// alone or under `answers:`). The one reader of them: `validate`, `merge`, `export`,
/// `collect` and the tests all come through here, and through `DataTree`'s one parser.
public enum SubmissionLoader {
    /// Reads a file; with `answers: false` a submission's answers are read and checked for
    /// syntax exactly as in a full read, but not kept: a file the scan accepts, the full read
    /// accepts too (unless the file changed in between, which `identity` tells).
    /// `anyVersion`: a file of another version of the same form is read too, by this version's
    /// questions (ids stay stable from year to year): last year's report, carried forward.
    public static func load(_ url: URL, form: Form, answers: Bool = true, anyVersion: Bool = false)
        -> LoadedSubmission
    {
        load(path: url.path, form: form, answers: answers, anyVersion: anyVersion)
    }

    /// The same by path: a merge keeps thousands of paths, and a URL's path costs to get.
    public static func load(path: String, form: Form, answers: Bool = true, anyVersion: Bool = false)
        -> LoadedSubmission
    {
        let name = FormLoader.displayPath(path)
        let file: InputFile
        do {
            file = try InputFile.read(path)
        } catch {
            return LoadedSubmission(file: name, submission: nil, problems: [], rejection: error.message)
        }
        let lower = path.lowercased()
        var loaded = load(
            bytes: file.bytes, file: name, form: form, yaml: lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"),
            answers: answers, anyVersion: anyVersion)
        loaded.identity = file.identity
        loaded.path = path
        return loaded
    }

    /// Reads a file's bytes (JSON, or YAML when `yaml`); `file` is the name its messages give.
    public static func load(
        bytes: [UInt8], file name: String, form: Form, yaml: Bool, answers: Bool = true, anyVersion: Bool = false
    ) -> LoadedSubmission {
        parse(bytes: bytes, file: name, form: form, yaml: yaml, answers: answers, anyVersion: anyVersion)
    }

    /// `loaded` (read from `paths`) with `fileDigest` set where it is needed: for final files
    /// that share their unit and revision with another (a copy or a conflict), the only ones
    /// `SubmissionSet` compares; those few are read again. Hashing every file's bytes as it was
    /// read cost a ninth of a merge's scan.
    package static func withDigests(_ loaded: [LoadedSubmission], paths: [String]) -> [LoadedSubmission] {
        withDigests(loaded) { k in
            // The same version of the file only: one changed since is not compared.
            guard let file = try? InputFile.read(paths[k]), file.identity == loaded[k].identity else { return nil }
            return file.bytes
        }
    }

    /// The same, `bytes(k)` giving file k's bytes as they were read (nil when they cannot be had
    /// again: the file then counts as different, and the full read reports that it changed).
    package static func withDigests(_ loaded: [LoadedSubmission], bytes: (Int) -> [UInt8]?) -> [LoadedSubmission] {
        var groups: [String: [Int]] = [:]
        for (k, item) in loaded.enumerated() {
            guard item.rejection == nil, let s = item.submission, s.status == .final else { continue }
            groups["\(s.revision) \(s.unitId)", default: []].append(k)
        }
        var out = loaded
        for indices in groups.values where indices.count > 1 {
            for k in indices {
                guard let b = bytes(k) else { continue }
                var hasher = Hasher()
                b.withUnsafeBytes { hasher.combine(bytes: $0) }
                out[k].fileDigest = hasher.finalize()
            }
        }
        return out
    }

    private static func parse(
        bytes: [UInt8], file name: String, form: Form, yaml: Bool, answers: Bool, anyVersion: Bool
    )
        -> LoadedSubmission
    {
        let tree: DataTree
        do {
            tree =
                yaml
                ? try DataTree.parse(bytes, yaml: true)
                : try DataTree.parseJSON(bytes, skippingTopLevel: answers ? [] : ["answers"])
        } catch {
            return LoadedSubmission(
                file: name, submission: nil, problems: [],
                rejection: L(
                    "dòng \(error.line), cột \(error.column): \(error.message.vi)",
                    "line \(error.line), column \(error.column): \(error.message.text(.en))"))
        }
        return load(tree, file: name, form: form, answers: answers || yaml, anyVersion: anyVersion)
    }

    package static func load(
        _ tree: DataTree, file: String, form: Form, answers readAnswers: Bool = true, now: Date = Date(),
        anyVersion: Bool = false
    ) -> LoadedSubmission {
        guard case .object = tree.kind else {
            return LoadedSubmission(
                file: file, submission: nil, problems: [],
                rejection: L(
                    "tệp phải chứa một bảng khoá JSON/YAML ở ngoài cùng",
                    "the file must hold a JSON/YAML object at the top"))
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
            let (answers, p) = AnswersDecoder.decode(
                answersOnly, form: form, path: tree["answers"] == nil ? "$" : "$.answers")
            let unitId = tree["unit"]?["id"]?.string ?? tree["unit"]?.string ?? ""
            let unitName = tree["unit"]?["name"]?.string ?? ""
            let s = Submission(form: form, unitId: unitId, unitName: unitName.nfc, status: .draft, answers: answers)
            return LoadedSubmission(file: file, submission: s, problems: p, rejection: nil)
        }

        if let node = tree["format_version"] {
            guard case .number(let v) = node.kind, v >= 1, v == v.rounded() else {
                return LoadedSubmission(
                    file: file, submission: nil, problems: [],
                    rejection: L(
                        "dòng \(node.line): 'format_version' phải là một số nguyên từ 1 trở lên",
                        "line \(node.line): 'format_version' must be a whole number of at least 1"))
            }
            if v > Double(Submission.formatVersion) {
                return LoadedSubmission(
                    file: file, submission: nil, problems: [],
                    rejection: L(
                        "tệp được tạo bởi phiên bản mới hơn của công cụ (định dạng \(formatNumber(v))); hãy cập nhật ictreport",
                        "the file was written by a newer version of the tool (format \(formatNumber(v))); update ictreport"
                    ))
            }
        }
        let formId = tree["form"]?["id"]?.string ?? ""
        let formVersion = tree["form"]?["version"]?.string ?? ""
        if formId != form.id || (formVersion != form.version && !anyVersion) {
            return LoadedSubmission(
                file: file, submission: nil, problems: [],
                rejection: L(
                    "tệp thuộc biểu mẫu '\(formId)' phiên bản '\(formVersion)', không phải '\(form.id)' phiên bản '\(form.version)'",
                    "the file belongs to form '\(formId)' version '\(formVersion)', not '\(form.id)' version '\(form.version)'"
                ))
        }
        func problem(_ path: String, _ node: DataTree?, _ message: LocalizedText) {
            problems.append(
                DataProblem(
                    path: path, line: node?.line ?? tree.line, column: node?.column ?? tree.column, message: message))
        }
        func text(_ path: [String], required: Bool = true) -> String? {
            var node: DataTree? = tree
            for k in path { node = node?[k] }
            guard let s = node?.string else {
                if required || !(node?.isNull ?? true) {
                    problem(
                        "$." + path.joined(separator: "."), node,
                        L("thiếu hoặc sai kiểu (cần chuỗi)", "missing or not a string"))
                }
                return nil
            }
            return s
        }
        func time(_ key: String) -> Date? {
            guard let s = text([key], required: false) else { return nil }
            guard let d = Submission.parseTimestamp(s) else {
                problem(
                    "$.\(key)", tree[key],
                    L(
                        "'\(s)' không phải thời điểm hợp lệ (dạng 2018-12-01T09:30:00Z)",
                        "'\(s)' is not a valid time (as 2018-12-01T09:30:00Z)"))
                return nil
            }
            // A clock set wrong, or a hand edit to win a tie: said, never believed.
            if d.timeIntervalSince(now) > 3600 {
                problem(
                    "$.\(key)", tree[key],
                    L(
                        "thời điểm '\(s)' ở tương lai; kiểm tra đồng hồ của máy đã ghi tệp",
                        "the time '\(s)' is in the future; check the clock of the computer that wrote the file"))
            }
            return d
        }
        let unitId = text(["unit", "id"]) ?? ""
        let unitName = text(["unit", "name"]) ?? ""
        let statusText = text(["status"]) ?? "draft"
        guard let status = Submission.Status(rawValue: statusText) else {
            return LoadedSubmission(
                file: file, submission: nil, problems: problems,
                rejection: L(
                    "trạng thái '\(statusText)' không hợp lệ (draft hoặc final)",
                    "status '\(statusText)' is not valid (draft or final)"))
        }
        let (answers, answerProblems) =
            readAnswers
            ? AnswersDecoder.decode(
                tree["answers"] ?? DataTree(kind: .null, line: tree.line, column: tree.column), form: form,
                path: "$.answers")
            : (Answers(), [])
        problems += answerProblems
        var s = Submission(form: form, unitId: unitId, unitName: unitName.nfc, status: status, answers: answers)
        s.formVersion = formVersion
        if let node = tree["revision"] {
            if case .number(let v) = node.kind, v >= 0, v <= Double(Submission.maxRevision), v == v.rounded() {
                s.revision = Int(v)
            } else {
                problem(
                    "$.revision", node,
                    L(
                        "'revision' phải là một số nguyên từ 0 đến \(Submission.maxRevision)",
                        "'revision' must be a whole number from 0 to \(Submission.maxRevision)"))
            }
        }
        s.createdAt = time("created_at") ?? Date(timeIntervalSince1970: 0)
        s.updatedAt = time("updated_at") ?? s.createdAt
        s.finalizedAt = time("finalized_at")
        s.toolVersion = text(["tool_version"], required: false) ?? ""
        s.resumeAt = text(["resume_at"], required: false)
        if let node = tree["explanations"] {
            if case .object(let pairs) = node.kind {
                for (k, v) in pairs {
                    if let t = v.string {
                        s.explanations[k] = t.nfc
                    } else {
                        problem(
                            "$.explanations.\(k)", v, L("giải trình phải là văn bản", "an explanation must be text"))
                    }
                }
            } else if !node.isNull {
                problem(
                    "$.explanations", node, L("'explanations' phải là bảng khoá", "'explanations' must be an object"))
            }
        }
        let storedHash = text(["content_hash"], required: false)
        if readAnswers, let storedHash, answerProblems.isEmpty, storedHash != s.contentHash {
            problem(
                "$.content_hash", tree["content_hash"],
                L(
                    "mã kiểm tra nội dung không khớp: tệp đã bị sửa bằng tay sau khi lưu",
                    "the content hash does not match: the file was edited by hand after it was saved"))
        }
        return LoadedSubmission(file: file, submission: s, problems: problems, rejection: nil, answersRead: readAnswers)
    }

    /// Loads many files on every core; the results keep the order of `urls`.
    public static func load(_ urls: [URL], form: Form, anyVersion: Bool = false) -> [LoadedSubmission] {
        parallelMap(urls.count) { load(urls[$0], form: form, anyVersion: anyVersion) }
    }

    /// The files to read: each file named, and in each folder every .json file (submissions;
    /// hidden ones and other files, such as a units.yaml beside them, are left alone), sorted.
    public static func expand(_ paths: [String]) -> (files: [URL], missing: [String], repeated: [String]) {
        let inputs = expandPaths(paths)
        return (inputs.files.map { URL(fileURLWithPath: $0, isDirectory: false) }, inputs.missing, inputs.repeated)
    }

    /// The same as paths. A path that names a file or folder already given (links resolved, or
    /// a file inside a folder given) is read once and listed in `repeated`.
    public static func expandPaths(_ paths: [String]) -> (files: [String], missing: [String], repeated: [String]) {
        var files: [String] = []
        var missing: [String] = []
        var repeated: [String] = []
        var seenFiles: Set<String> = []
        var seenFolders: Set<String> = []
        var fileArguments: [(path: String, resolved: String)] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                missing.append(p)
                continue
            }
            let resolved = AtomicOutput.resolvingLinks(p)
            if isDir.boolValue {
                guard seenFolders.insert(resolved).inserted else {
                    repeated.append(p)
                    continue
                }
                // Names as strings: URL operations on thousands of files cost more than reading them.
                let names = ((try? fm.contentsOfDirectory(atPath: p)) ?? [])
                    .filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
                let dir = p.hasSuffix("/") ? p : p + "/"
                files += names.map { dir + $0 }
            } else {
                guard seenFiles.insert(resolved).inserted else {
                    repeated.append(p)
                    continue
                }
                fileArguments.append((p, resolved))
                files.append(p)
            }
        }
        // A file named that a folder given also lists: read once, through the folder.
        for argument in fileArguments {
            let name = (argument.resolved as NSString).lastPathComponent
            if seenFolders.contains((argument.resolved as NSString).deletingLastPathComponent),
                name.lowercased().hasSuffix(".json"), !name.hasPrefix("."),
                let k = files.lastIndex(of: argument.path)
            {
                files.remove(at: k)
                repeated.append(argument.path)
            }
        }
        return (files, missing, repeated)
    }
}

/// `transform` over 0..<count on every core, results in order. Reading and checking many
/// submissions is independent work; the machine has more than one core.
package func parallelMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(transform) }
    var items = [T?](repeating: nil, count: count)
    // Many small chunks, taken by whichever thread is free: with a few large ones, the last
    // ran alone for a tenth of a second of a 10,000-file merge while the other core waited.
    let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 64)
    items.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let slots = buffer
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            // Each chunk writes only its own slots.
            for i in stride(from: chunk, to: count, by: chunks) { slots[i] = transform(i) }
        }
    }
    return items.map { $0! }
}
