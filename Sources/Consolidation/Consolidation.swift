import FormKit
import Foundation
import Submissions
import XLSX

/// What a merge did: the sorted-out submissions, their checks, and what the workbook holds.
public struct MergeResult: Sendable {
    public var output: URL
    public var submissions: SubmissionSet
    /// Per unit id, the check of the submission that was merged: its file, unit, status,
    /// revision, times, explanations and every problem, but not its answers (they are in the
    /// workbook): a merge of thousands of units would otherwise hold all of them to the end.
    public var checks: [String: SubmissionCheck]
    public var expected: Int
    public var missing: [ReportingUnit]
    public var cellsWritten: Int
    public var notices: [XLSXNotice]
    /// Input paths that do not exist.
    public var missingInputs: [String]
    /// Input paths given more than once (read once).
    public var repeatedInputs: [String] = []
    /// Rows of a unit left out of a sheet that reached Excel's last row (1,048,576): the rest
    /// of the workbook is written all the same.
    public var rowsCut: [(sheet: String, unit: String, rows: Int)] = []
    /// Units the workbook writer prepared itself, its workers being held up (for `--stats`).
    public var unitsPreparedByWriter = 0
    /// Seconds spent in each phase (scan, read+check+write, close), for the benchmark.
    public var phases: [(name: String, seconds: Double)] = []
    /// The coordinator's summary (`Consolidator.summary`), when the merge was asked to make it:
    /// it is made while the workbook is zipped, one core's work with the other idle.
    public var summaryText: String?

    public var submitted: Int { checks.count }
    public var withErrors: Int { checks.values.count { $0.errorCount > 0 } }
    public var withWarnings: Int { checks.values.count { $0.warningCount > 0 } }
    public var rejectedCount: Int { submissions.rejected.count + missingInputs.count }
    /// Units with two different finals of the same revision: none of them merged.
    public var conflictCount: Int { submissions.conflicts.count }
}

/// A unit's review in the campaign store, as the summary and completeness sheets show it.
public struct UnitReview: Sendable, Equatable {
    /// The state in words ("đã duyệt", "trả lại", …).
    public var state: String
    /// The coordinator's comment when the unit was sent back (kept until it is accepted).
    public var comment: String?

    public init(state: String, comment: String?) {
        self.state = state
        self.comment = comment
    }
}

/// Merges many units' submissions into the consolidated workbook leaders read and print.
public struct Consolidator {
    public let form: Form
    public let registry: UnitRegistry
    public let layout: WorkbookLayout
    let validator: Validator
    /// The last row a sheet may use: Excel's, lower in tests.
    var rowLimit = Worksheet.maxRows
    /// Last year's answers by unit id (`merge --previous`), for the plan-tracking sheet.
    public var previous: [String: Answers] = [:]

    public init(form: Form, registry: UnitRegistry, layout: WorkbookLayout) {
        self.form = form
        self.registry = registry
        self.layout = layout
        self.validator = Validator(form: form)
    }

    /// What a first pass over the inputs found: every file and what it is about (unit, status,
    /// revision; answers checked for syntax only). It needs only the form, so it can run while
    /// the unit list and the layout load.
    public struct Scan: Sendable {
        /// Every file's path, in the order of `headers`.
        public var files: [String]
        public var headers: [LoadedSubmission]
        /// Input paths that do not exist.
        public var missingInputs: [String]
        /// Input paths given more than once (read once).
        public var repeatedInputs: [String]
        public var seconds: Double
        /// The files' bytes, by path, when they are held in memory (from the campaign store)
        /// rather than read from disk; empty for files.
        public var contents: [String: [UInt8]] = [:]
    }

    /// The same first pass over submissions held in memory (the campaign store's current
    /// files): `name` is how the workbook names each, as a file's name names it.
    public static func scan(stored: [(name: String, bytes: [UInt8])], form: Form) -> Scan {
        let start = ContinuousClock.now
        let headers = SubmissionLoader.withDigests(
            parallelMap(stored.count) {
                SubmissionLoader.load(
                    bytes: stored[$0].bytes, file: stored[$0].name, form: form, yaml: false, answers: false)
            }, bytes: { stored[$0].bytes })
        var scan = Scan(
            files: stored.map(\.name), headers: headers, missingInputs: [], repeatedInputs: [],
            seconds: seconds(ContinuousClock.now - start))
        scan.contents = Dictionary(stored.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        return scan
    }

    public static func scan(_ inputs: [String], form: Form) -> Scan {
        let start = ContinuousClock.now
        return scan(SubmissionLoader.expandPaths(inputs), form: form, since: start)
    }

    /// The same over inputs already expanded (`SubmissionLoader.expandPaths`): a command that
    /// checked them first does not list its folders twice.
    public static func scan(
        _ expanded: (files: [String], missing: [String], repeated: [String]), form: Form,
        since start: ContinuousClock.Instant = .now
    ) -> Scan {
        let (files, missingInputs, repeated) = expanded
        let headers = SubmissionLoader.withDigests(
            parallelMap(files.count) { SubmissionLoader.load(path: files[$0], form: form, answers: false) },
            paths: files)
        return Scan(
            files: files, headers: headers, missingInputs: missingInputs, repeatedInputs: repeated,
            seconds: seconds(ContinuousClock.now - start))
    }

    /// CPU seconds the calling thread has used (for `merge --stats`).
    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A duration in seconds (for `merge --stats`).
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Reads every input (files or folders), keeps per unit the latest final revision, and writes
    /// the workbook atomically: on any failure an existing `output` is left as it was.
    /// `observer`, when given, is told of every cell written (the benchmark's `CellTrace`).
    public func merge(_ inputs: [String], to output: URL, now: Date = Date(), observer: (any WorkbookObserver)? = nil)
        throws -> MergeResult
    {
        try merge(Consolidator.scan(inputs, form: form), to: output, now: now, observer: observer)
    }

    /// `reviews`, per unit id, when the submissions come from the campaign store: each unit's
    /// review state and the coordinator's comment, shown in the summary and completeness sheets.
    /// `summary`: the language of the summary to make (`MergeResult.summaryText`).
    public func merge(
        _ scan: Scan, to output: URL, now: Date = Date(), observer: (any WorkbookObserver)? = nil,
        reviews: [String: UnitReview]? = nil, summary language: Language? = nil
    ) throws -> MergeResult {
        var clock = ContinuousClock.now
        var phases: [(String, Double)] = [("scan", scan.seconds)]
        func lap(_ name: String) {
            let now = ContinuousClock.now
            phases.append((name, Consolidator.seconds(now - clock)))
            clock = now
        }
        let set = SubmissionSet(scan.headers, registry: registry)
        // The files that count are read in full while the workbook is written.
        let writer = try ConsolidatedWorkbook(
            consolidator: self, set: set, missingInputs: scan.missingInputs, output: output, now: now,
            contents: scan.contents, reviews: reviews)
        writer.repeatedInputs = scan.repeatedInputs
        // Files sorted out per unit and the workbook opened: on this thread alone, the other
        // cores idle (for `merge --stats`).
        lap("sort")
        writer.workbook.observer = observer
        var result: MergeResult
        do {
            let cpu = Consolidator.threadCPU()
            result = try writer.write()
            lap("read+check+write")
            phases.append(("of-which-writer-waited", Consolidator.seconds(writer.writerWaited)))
            phases.append(("of-which-last-sheets", Consolidator.seconds(writer.lastSheets)))
            phases.append(("writer-cpu", Consolidator.threadCPU() - cpu))
            result.notices = writer.workbook.notices
            // Everything the summary reads is known now; the close adds no notice.
            let summary = language.map { language in
                Background { [registry, result] in Consolidator.summary(result, language, registry: registry) }
            }
            try writer.workbook.close()
            lap("close")
            result.summaryText = summary?.value
        } catch {
            writer.workbook.discard()
            throw error
        }
        result.cellsWritten = writer.workbook.cellsWritten
        result.unitsPreparedByWriter = writer.writerPrepared
        result.phases = phases
        return result
    }

    /// The one-screen summary a coordinator reads after a merge.
    public func summary(_ r: MergeResult, _ language: Language) -> String {
        Consolidator.summary(r, language, registry: registry)
    }

    static func summary(_ r: MergeResult, _ language: Language, registry: UnitRegistry) -> String {
        var out = ""
        // What was missing leads: a misspelt folder is the first thing to see.
        for path in r.missingInputs {
            out += (L("Không có tệp hoặc thư mục: ", "No such file or folder: ").text(language)) + path + "\n"
        }
        out += L(
            "Đã tạo bảng tổng hợp: \(FormLoader.displayPath(r.output))\n",
            "Workbook written: \(FormLoader.displayPath(r.output))\n"
        ).text(language)
        let rows: [(LocalizedText, Int)] = [
            (L("Đơn vị phải báo cáo", "Units expected"), r.expected),
            (L("Đã nộp bản chính thức", "Final submissions merged"), r.submitted),
            (L("Chưa nộp", "Missing"), r.missing.count),
            (L("  trong đó chỉ có bản nháp", "  of which drafts only"), r.submissions.draftsOnly.count),
            (L("Bản nộp có lỗi", "Submissions with errors"), r.withErrors),
            (L("Bản nộp có cảnh báo", "Submissions with warnings"), r.withWarnings),
            (L("Bản cũ đã được thay thế", "Superseded revisions"), r.submissions.superseded.count),
            (L("Tệp bị từ chối", "Files rejected"), r.rejectedCount),
            (L("Xung đột cần giải quyết", "Conflicts to settle"), r.conflictCount)
        ]
        for (label, n) in rows {
            out += "  " + label.text(language).padding(toLength: 30, withPad: " ", startingAt: 0) + "\(n)\n"
        }
        if !r.missing.isEmpty {
            let names =
                r.missing.prefix(8).map(\.shortName).joined(separator: ", ") + (r.missing.count > 8 ? ", …" : "")
            out += (L("Chưa nộp: ", "Missing: ").text(language)) + names + "\n"
        }
        for unit in registry.units where r.submissions.conflicts[unit.id] != nil {
            let files = r.submissions.conflicts[unit.id]!.map(\.file).joined(separator: ", ")
            out += L(
                "Xung đột: \(unit.shortName) có hai bản chính thức cùng lần nộp nhưng khác nội dung (\(files)); chưa tổng hợp bản nào. Hãy giữ lại một tệp.\n",
                "Conflict: \(unit.shortName) has two final files of the same revision with different contents (\(files)); neither was merged. Keep one of them.\n"
            ).text(language)
        }
        for copy in r.submissions.copies {
            out += L(
                "Bản sao: \(copy.file.file) giống hệt \(copy.of) (đọc một lần)\n",
                "Copy: \(copy.file.file) is the same as \(copy.of) (read once)\n"
            ).text(language)
        }
        for path in r.repeatedInputs {
            out += L("Được nêu hai lần: \(path) (đọc một lần)\n", "Given twice: \(path) (read once)\n").text(language)
        }
        for item in r.submissions.rejected.prefix(10) {
            out += (L("Từ chối ", "Rejected ").text(language)) + "\(item.file): \(item.reason.text(language))\n"
        }
        let withErrors = registry.units.compactMap { u in r.checks[u.id].map { (u, $0) } }.filter {
            $0.1.errorCount > 0
        }
        for (u, c) in withErrors.prefix(10) {
            out += (L("Có lỗi: ", "Errors: ").text(language)) + "\(u.shortName) (\(c.errorCount)) — \(c.loaded.file)\n"
        }
        if withErrors.count > 10 {
            out += L(
                "… và \(withErrors.count - 10) đơn vị khác có lỗi (xem trang Lỗi và cảnh báo)\n",
                "… and \(withErrors.count - 10) more (see the issues sheet)\n"
            ).text(language)
        }
        for cut in r.rowsCut {
            out += L(
                "Trang '\(cut.sheet)' đã đủ \(Worksheet.maxRows) dòng (giới hạn của Excel): bỏ bớt \(cut.rows) dòng của \(cut.unit)\n",
                "Sheet '\(cut.sheet)' reached Excel's \(Worksheet.maxRows) rows: \(cut.rows) rows of \(cut.unit) left out\n"
            ).text(language)
        }
        for n in r.notices {
            switch n {
            case .truncated(let sheet, let cell, let length):
                out += L(
                    "Cắt bớt văn bản quá dài (\(length) ký tự) ở trang '\(sheet)', ô \(cell)\n",
                    "Text too long (\(length) characters) cut at sheet '\(sheet)', cell \(cell)\n"
                ).text(language)
            case .sheetRenamed(let from, let to):
                out += L(
                    "Tên trang tính '\(from)' được đổi thành '\(to)' (giới hạn của Excel)\n",
                    "Sheet name '\(from)' changed to '\(to)' (Excel's limits)\n"
                ).text(language)
            }
        }
        return out.terminalSafe
    }
}
