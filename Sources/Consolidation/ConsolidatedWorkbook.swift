import FormKit
import Foundation
import Submissions
import XLSX

/// What one submitted unit brings to the workbook: its check and, per sheet of the layout (in
/// order, as `ConsolidatedWorkbook.sheets`), the rows it puts there, prepared on a worker
/// thread while the writer writes the units before it.
struct UnitPart: Sendable {
    var check: SubmissionCheck
    var rows: [[[Cell]]]
}

/// Turns one submission file into a `UnitPart`. Everything in it is safe to run on any thread.
struct UnitPreparer: Sendable {
    let form: Form
    let validator: Validator
    let sheets: [any ConsolidatedSheet]
    /// Submissions held in memory (the campaign store's), by path; others are files.
    let contents: [String: [UInt8]]

    /// The unit's part from its file, read in full. `scanned` is what the merge's first pass
    /// read of the same file: when the file is no longer that one (changed, replaced or gone
    /// in between), the part says so and holds no cells.
    func prepare(_ scanned: LoadedSubmission) -> UnitPart {
        var loaded: LoadedSubmission
        let changed: Bool
        // A file read from disk by its path; one held in memory (the store's) by its name.
        let path = scanned.path ?? scanned.file
        if let bytes = contents[path] {
            // Held in memory: it cannot change under the merge.
            loaded = SubmissionLoader.load(bytes: bytes, file: scanned.file, form: form, yaml: false)
            changed = false
        } else {
            loaded = SubmissionLoader.load(path: path, form: form)
            changed = loaded.identity == nil || loaded.identity != scanned.identity
        }
        if changed || loaded.submission?.unitId != scanned.submission?.unitId {
            loaded = LoadedSubmission(
                file: scanned.file, submission: nil, problems: [],
                rejection:
                    L(
                        "tệp đã thay đổi hoặc bị xoá trong lúc tổng hợp; hãy chạy lại lệnh tổng hợp",
                        "the file changed or disappeared during the merge; run the merge again"))
        }
        let check = SubmissionCheck(loaded, validator: validator)
        let unit = UnitInput(check: check, answers: loaded.isUsable ? check.relevantAnswers : nil)
        return UnitPart(check: check, rows: sheets.map { $0.rows(of: unit) })
    }
}

/// Writes the consolidated workbook. Units are prepared (read in full, checked, turned into
/// cells) on worker threads in registry order, while this writer puts the units before them
/// into every sheet at once: in libxlsxwriter's constant-memory mode each sheet grows row by
/// row on its own, so memory stays flat and reading overlaps writing.
///
/// What each sheet holds is its kind's business (Sheets/, one type per kind); this class runs
/// the pipeline, hands every sheet each unit's rows in turn, and keeps what sheets share.
final class ConsolidatedWorkbook {
    let consolidator: Consolidator
    let set: SubmissionSet
    let missingInputs: [String]
    /// Input paths given more than once (read once).
    var repeatedInputs: [String] = []
    /// Rows of a unit left out of a sheet that reached Excel's last row.
    var rowsCut: [(sheet: String, unit: String, rows: Int)] = []
    /// The unit whose rows are being written (named when some do not fit).
    var unitBeingWritten = ""
    let now: Date
    let workbook: Workbook
    /// The layout's sheets, in order.
    let sheets: [any ConsolidatedSheet]
    let preparer: UnitPreparer
    /// Per unit of the registry, in order: the merged unit's check once written.
    var checks: [SubmissionCheck?]
    var form: Form { consolidator.form }
    var units: [ReportingUnit] { consolidator.registry.units }
    /// How long the writer waited for units to be prepared (for `merge --stats`).
    var writerWaited = Duration.zero
    /// How many units the writer prepared itself, the workers being held up (for `--stats`).
    var writerPrepared = 0
    /// How long the sheets took to end after the last unit (written from the whole merge's
    /// result: completeness, cover, charts), the workers being done (for `--stats`).
    var lastSheets = Duration.zero
    /// Formats every sheet uses, looked up once.
    let textFormat: FormatRef
    let missingFormat: FormatRef
    /// A change from last year beyond the layout's `jump`: implausible, to look at.
    let jumpFormat: FormatRef
    /// The sheets being written, as `sheets` (set by `write()`).
    private(set) var streams: [SheetStream] = []

    /// Per unit id, its review in the campaign store (nil when merging files).
    let reviews: [String: UnitReview]?

    init(
        consolidator: Consolidator, set: SubmissionSet, missingInputs: [String], output: URL,
        now: Date, contents: [String: [UInt8]] = [:], reviews: [String: UnitReview]? = nil
    ) throws {
        self.consolidator = consolidator
        self.reviews = reviews
        self.set = set
        self.missingInputs = missingInputs
        self.now = now
        workbook = try Workbook(url: output, constantMemory: true)
        textFormat = try workbook.resolve(Style.text)
        missingFormat = try workbook.resolve(Style.missing)
        jumpFormat = try workbook.resolve(Style.jump)
        let cells = AnswerCells(form: consolidator.form)
        // The plan-tracking sheet only when last year's reports are given (`merge --previous`).
        let summaryColumns =
            consolidator.layout.sheets.lazy.compactMap { sheet -> [SummaryColumn]? in
                if case .summary(_, _, let columns) = sheet { columns } else { nil }
            }.first ?? []
        sheets = consolidator.layout.sheets.filter { !consolidator.previous.isEmpty || !$0.needsPreviousYear }.map {
            ConsolidatedSheets.make($0, cells: cells, previous: consolidator.previous, summaryColumns: summaryColumns)
        }
        preparer = UnitPreparer(
            form: consolidator.form, validator: consolidator.validator, sheets: sheets, contents: contents)
        checks = Array(repeating: nil, count: consolidator.registry.units.count)
    }

    /// Writes every sheet; returns what was merged.
    func write() throws -> MergeResult {
        try workbook.setProperties(title: consolidator.layout.title, subject: form.title.vi, author: "ictreport")
        // The units that submitted, in registry order. Each unit's file is looked up by the
        // worker that reads it (copying 10,000 of them here held both cores up).
        let counted = set.current
        let ids = units.map(\.id)
        let present = ids.indices.filter { counted.index(forKey: ids[$0]) != nil }
        let preparer = self.preparer
        let parts = OrderedPipeline(
            count: present.count, workers: ProcessInfo.processInfo.activeProcessorCount, window: 256
        ) {
            preparer.prepare(counted[ids[present[$0]]]!)
        }
        defer { parts.cancel() }
        // Every sheet now, in the layout's order; they are filled as the units come.
        streams = try sheets.map { SheetStream(try workbook.addSheet($0.name)) }
        // Column widths from the first units, as a person sizing columns would look at a few.
        let sample = (0..<min(200, present.count)).map { parts.peek($0) }
        for (k, sheet) in sheets.enumerated() {
            try sheet.begin(streams[k], self, sample: SheetSample(rows: sample.map { $0.rows[k] }, units: present))
        }
        var next = 0
        var current = set.current
        var lost: [(file: String, reason: LocalizedText)] = []
        for i in units.indices {
            var part: UnitPart?
            if next < present.count, present[next] == i {
                let taken = parts.take(next)
                next += 1
                if let reason = taken.check.loaded.rejection {
                    // The file counted at the scan cannot be read now: the unit is missing.
                    lost.append((taken.check.loaded.file, reason))
                    current[units[i].id] = nil
                    parts.finish(taken)
                } else {
                    let kept = taken.check.withoutAnswers
                    checks[i] = kept
                    current[units[i].id] = kept.loaded
                    part = consume taken
                }
            }
            unitBeingWritten = units[i].name
            for (k, sheet) in sheets.enumerated() {
                try sheet.write(unit: i, part?.rows[k], to: streams[k], self)
            }
            if let part { parts.finish(part) }
        }
        writerWaited = parts.waited
        writerPrepared = parts.madeByTaker
        let lastUnit = ContinuousClock.now
        defer { lastSheets = ContinuousClock.now - lastUnit }
        var result = MergeResult(
            output: workbook.url, submissions: set, checks: [:], expected: units.count,
            missing: units.indices.filter { checks[$0] == nil }.map { units[$0] },
            cellsWritten: 0, notices: [], missingInputs: missingInputs)
        result.repeatedInputs = repeatedInputs
        result.rowsCut = rowsCut
        result.submissions.current = current
        result.submissions.rejected += lost
        for (i, check) in checks.enumerated() { if let check { result.checks[units[i].id] = check } }
        for (k, sheet) in sheets.enumerated() { try sheet.end(streams[k], self, result) }
        return result
    }

    /// The first sheet of a kind and its stream (a sheet that reads another, as charts read the summary).
    func first<Sheet: ConsolidatedSheet>(_ kind: Sheet.Type) -> (sheet: Sheet, stream: SheetStream)? {
        for (k, sheet) in sheets.enumerated() { if let s = sheet as? Sheet { return (s, streams[k]) } }
        return nil
    }

    /// Times as the ministry writes them, in Hanoi's time zone (one formatter: they are costly).
    let timeFormatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "dd/MM/yyyy HH:mm"
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return f
    }()

    var generatedAt: String { timeFormatter.string(from: now) }

    func date(_ d: Date?) -> String {
        d.map(timeFormatter.string(from:)) ?? ""
    }

    /// A unit's review state as the sheets show it ("Đã duyệt"), when merging from the store.
    func reviewState(_ unitId: String) -> String? {
        guard let state = reviews?[unitId]?.state, let first = state.first else { return nil }
        return first.uppercased() + state.dropFirst()
    }

    /// A unit's status as the summary shows it.
    func status(_ i: Int) -> String {
        guard let check = checks[i] else {
            if set.conflicts[units[i].id] != nil { return "Xung đột, chưa tổng hợp" }
            return set.draftsOnly[units[i].id] != nil ? "Chỉ có bản nháp" : "Chưa nộp"
        }
        let errors = check.errorCount
        let warnings = check.warningCount
        if errors > 0 { return "Có \(errors) lỗi" }
        if warnings > 0 { return "Có \(warnings) cảnh báo" }
        return "Đã nộp"
    }
}
