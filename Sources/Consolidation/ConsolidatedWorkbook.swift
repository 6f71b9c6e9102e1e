import Foundation
import FormKit
import Submissions
import XLSX

/// What one submitted unit brings to the workbook: its check and its cells for every sheet,
/// prepared on a worker thread while the writer writes the units before it.
struct UnitPart: Sendable {
    var check: SubmissionCheck
    /// One cell a summary column (ratio columns are formulas the writer makes: blank here).
    var summary: [Cell]
    /// Per section sheet of the layout, in order: the cells after STT and the unit's name.
    var sections: [[Cell]]
    /// Per table sheet of the layout, in order: each table row's cells after the row number.
    var tables: [[[Cell]]]
    /// The unit's problems and issues, each a line of the issues sheet without the unit's name.
    var issues: [[Cell]]
}

/// Turns one submission file into a `UnitPart`. Everything in it is safe to run on any thread.
struct UnitPreparer: Sendable {
    let form: Form
    let validator: Validator
    let layout: WorkbookLayout
    let places: IssuePlaces
    /// Per sheet of the layout, what a unit's cells come from: looked up once, not per unit.
    let plans: [Plan]

    enum Plan: Sendable {
        case summary([(column: SummaryColumn, field: FieldRef?)])
        case section(id: String, fields: [FieldRef])
        case table(section: String, table: FieldRef?, ticks: Set<String>)
        case other
    }

    init(form: Form, validator: Validator, layout: WorkbookLayout) {
        self.form = form
        self.validator = validator
        self.layout = layout
        places = IssuePlaces(form)
        plans = layout.sheets.map { sheet in
            switch sheet {
            case .summary(_, _, let columns):
                return .summary(columns.map { c in
                    if case .field(let s, let f) = c.source { return (c, form.field(s, f).map(FieldRef.init)) } else { return (c, nil) }
                })
            case .section(_, let id, let only):
                return .section(id: id, fields: (form.section(id)?.fields ?? []).filter { $0.type != .table && (only?.contains($0.id) ?? true) }.map(FieldRef.init))
            case .table(_, let s, let t, let ticks):
                return .table(section: s, table: form.field(s, t).map(FieldRef.init), ticks: ticks)
            default:
                return .other
            }
        }
    }

    /// The unit's part from its file, read in full. `scanned` is what the merge's first pass
    /// read of the same file: when the file is no longer that one (changed, replaced or gone
    /// in between), the part says so and holds no cells.
    func prepare(_ path: String, scanned: LoadedSubmission) -> UnitPart {
        var loaded = SubmissionLoader.load(path: path, form: form)
        if loaded.identity == nil || loaded.identity != scanned.identity || loaded.submission?.unitId != scanned.submission?.unitId {
            loaded = LoadedSubmission(file: scanned.file, submission: nil, problems: [], rejection:
                L("tệp đã thay đổi hoặc bị xoá trong lúc tổng hợp; hãy chạy lại lệnh tổng hợp",
                  "the file changed or disappeared during the merge; run the merge again"))
        }
        let check = SubmissionCheck(loaded, validator: validator)
        // One entry per sheet of the layout, so that every part has the same shape.
        var part = UnitPart(check: check, summary: [], sections: [], tables: [], issues: issueLines(check))
        guard let answers = check.relevantAnswers, loaded.isUsable else {
            for plan in plans {
                if case .section = plan { part.sections.append([]) }
                if case .table = plan { part.tables.append([]) }
            }
            return part
        }
        for plan in plans {
            switch plan {
            case .summary(let columns):
                part.summary = columns.map { summaryValue($0.column, $0.field, answers) }
            case .section(let id, let fields):
                let section = answers.sections[id]
                part.sections.append(fields.flatMap { cells(of: $0.field, section?[$0.field.id], ticks: false) })
            case .table(let sectionId, let table, let ticks):
                guard let table else { part.tables.append([]); continue }
                part.tables.append((answers[sectionId, table.field.id]?.rows ?? []).map { row in
                    table.columns.flatMap { cells(of: $0.field, row[$0.field.id], ticks: ticks.contains($0.field.id)) }
                })
            case .other: break
            }
        }
        return part
    }

    func summaryValue(_ column: SummaryColumn, _ field: FieldRef?, _ answers: Answers) -> Cell {
        switch column.source {
        case .field(let s, let f):
            guard let field else { return .blank }
            return cell(answers[s, f], field.field)
        case .value(let compiled):
            if case .number(let n) = compiled.expression.evaluate(answers) { return .number(n) }
            return .blank
        case .ratio:
            return .blank
        }
    }

    /// A scalar answer as a cell.
    func cell(_ value: Value?, _ field: Field) -> Cell {
        guard let value, !value.isBlank else { return .blank }
        if case .number(let n) = value { return .number(n) }
        return .text(form.display(value, of: field, .vi))
    }

    /// A field's cells: one, or one tick ("x") a choice.
    func cells(of field: Field, _ value: Value?, ticks: Bool) -> [Cell] {
        if field.type == .multi_choice || (ticks && field.type == .choice) {
            let chosen: [String] = value?.list ?? value?.text.map { [$0] } ?? []
            return field.choices.map { chosen.contains($0.id) ? .text("x") : .blank }
        }
        return [cell(value, field)]
    }

    func issueLines(_ check: SubmissionCheck) -> [[Cell]] {
        var lines: [[Cell]] = []
        if let reason = check.loaded.rejection {
            lines.append([.text(""), .text(check.loaded.file), .blank, .text("Lỗi"), .text(reason.vi), .blank])
        }
        for p in check.loaded.problems {
            lines.append([.text(""), .text(p.path), .blank, .text("Lỗi"), .text("\(p.message.vi) (tệp \(check.loaded.file), dòng \(p.line))"), .blank])
        }
        for issue in check.issues.sorted(by: { $0.severity < $1.severity }) {
            var field: String?, column: String?
            if let f = issue.field, let heading = places.fields[FieldPath(issue.section, f)] {
                field = heading
                column = issue.column.flatMap { places.fields[FieldPath(issue.section, f, column: $0)] }
            }
            // A rule of a whole section names the questions it reads.
            let fieldLabel = field == nil
                ? issue.fields.compactMap { places.references[$0] }.joined(separator: "; ")
                : [field, column].compactMap { $0 }.joined(separator: " › ")
            lines.append([.text(places.sections[issue.section] ?? issue.section), .text(fieldLabel),
                          issue.row.map { .number(Double($0)) } ?? .blank,
                          .text(issue.severity == .error ? "Lỗi" : "Cảnh báo"), .text(issue.message.vi),
                          check.loaded.submission?.explanations[issue.key].map(Cell.text) ?? .blank])
        }
        return lines
    }
}

/// How the issues sheet names the places of the form, looked up once per merge: a Section
/// or Field found by id is copied whole, for every issue of every unit.
struct IssuePlaces: Sendable {
    /// Section id → its heading.
    var sections: [String: String] = [:]
    /// A field → its heading; a column → its label.
    var fields: [FieldPath: String] = [:]
    /// A rule's reference (`general.staff_total`, `a.t[].c`, `a.t.c`) → its field's or column's label.
    var references: [String: String] = [:]

    init(_ form: Form) {
        for section in form.sections {
            sections[section.id] = section.heading(.vi)
            for field in section.fields {
                fields[FieldPath(section.id, field.id)] = field.heading(.vi)
                references["\(section.id).\(field.id)"] = field.label.vi
                for column in field.columns {
                    fields[FieldPath(section.id, field.id, column: column.id)] = column.label.vi
                    references["\(section.id).\(field.id)[].\(column.id)"] = column.label.vi
                    references["\(section.id).\(field.id).\(column.id)"] = column.label.vi
                }
            }
        }
    }
}

/// Writes the consolidated workbook. Units are prepared (read in full, checked, turned into
/// cells) on worker threads in registry order, while this writer puts the units before them
/// into every sheet at once: in libxlsxwriter's constant-memory mode each sheet grows row by
/// row on its own, so memory stays flat and reading overlaps writing.
final class ConsolidatedWorkbook {
    let c: Consolidator
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
    let preparer: UnitPreparer
    /// The files that count, by unit id (the set names files by their display path).
    let paths: [String: String]
    /// Per unit of the registry, in order: the merged unit's check once written.
    var checks: [SubmissionCheck?]
    var form: Form { c.form }
    var units: [ReportingUnit] { c.registry.units }
    /// How long the writer waited for units to be prepared (for `merge --stats`).
    var writerWaited = Duration.zero
    /// How many units the writer prepared itself, the workers being held up (for `--stats`).
    var writerPrepared = 0
    /// The column widths of the sheet being written, to size rows of wrapped text.
    var widths: [Double] = []

    init(consolidator: Consolidator, set: SubmissionSet, files: [String: String], missingInputs: [String], output: URL, now: Date) throws {
        c = consolidator
        self.set = set
        self.missingInputs = missingInputs
        self.now = now
        workbook = try Workbook(url: output, constantMemory: true)
        textFormat = try workbook.resolve(Style.text)
        missingFormat = try workbook.resolve(Style.missing)
        preparer = UnitPreparer(form: consolidator.form, validator: consolidator.validator, layout: consolidator.layout)
        var paths: [String: String] = [:]
        for (unit, loaded) in set.current { paths[unit] = files[loaded.file] }
        self.paths = paths
        checks = Array(repeating: nil, count: consolidator.registry.units.count)
    }

    /// A sheet being written row by row.
    /// Only the writer's thread touches one, row after row: its properties go without the
    /// run-time exclusivity check.
    final class Stream {
        let ws: Worksheet
        @exclusivity(unchecked) var widths: [Double] = []
        /// Each column's format, looked up once for all its cells.
        @exclusivity(unchecked) var formats: [FormatRef] = []
        /// The next data row, and how many were written.
        @exclusivity(unchecked) var row = 5
        @exclusivity(unchecked) var count = 0
        init(_ ws: Worksheet) { self.ws = ws }
    }

    /// Writes every sheet; returns what was merged.
    func write() throws -> MergeResult {
        try workbook.setProperties(title: c.layout.title, subject: form.title.vi, author: "ictreport")
        let present = units.indices.filter { paths[units[$0].id] != nil }
        let preparer = self.preparer
        let presentFiles = present.map { (path: paths[units[$0].id]!, scanned: set.current[units[$0].id]!) }
        let parts = OrderedPipeline(count: present.count, workers: ProcessInfo.processInfo.activeProcessorCount, window: 256) {
            preparer.prepare(presentFiles[$0].path, scanned: presentFiles[$0].scanned)
        }
        defer { parts.cancel() }
        // Every sheet now, in the layout's order; they are filled as the units come.
        let streams = try c.layout.sheets.map { sheet -> Stream in
            switch sheet {
            case .cover(let name), .charts(let name, _), .issues(let name), .completeness(let name), .summary(let name, _, _):
                return Stream(try workbook.addSheet(name))
            case .section(let name, let sectionId, _):
                return Stream(try workbook.addSheet(name ?? form.section(sectionId)?.heading(.vi) ?? sectionId))
            case .table(let name, let sectionId, let tableId, _):
                let section = form.section(sectionId)
                let label = section?.field(tableId)?.label.vi ?? tableId
                return Stream(try workbook.addSheet(name ?? "\(section?.number.map { $0 + " " } ?? "")\(label)"))
            }
        }
        // Column widths from the first units, as a person sizing columns would look at a few.
        let sample = (0..<min(200, present.count)).map { parts.peek($0) }
        var sectionIndex = 0, tableIndex = 0
        for (k, (sheet, stream)) in zip(c.layout.sheets, streams).enumerated() {
            switch sheet {
            case .summary(_, let title, let columns): try beginSummary(stream, title, columns)
            case .section(_, let sectionId, _):
                // The plan of sheet k is made from the same layout entry: its fields.
                if case .section(_, let fields) = preparer.plans[k] {
                    try beginSection(stream, sectionId, fields.map(\.field), sample.map { $0.sections[sectionIndex] }, present)
                }
                sectionIndex += 1
            case .table(_, let sectionId, let tableId, let ticks):
                try beginTable(stream, sectionId, tableId, ticks, sample.map { $0.tables[tableIndex] }, present)
                tableIndex += 1
            case .issues: try beginIssues(stream)
            default: break
            }
        }
        // What each sheet gets per unit, looked up once: the layout's entries are large values.
        enum PerUnit { case summary([(numerator: Int, denominator: Int)?]), section(Int), table(Int), issues, nothing }
        var sections = 0, tables = 0
        let perUnit: [PerUnit] = c.layout.sheets.map { sheet in
            switch sheet {
            case .summary(_, _, let columns): return .summary(ConsolidatedWorkbook.ratios(columns))
            case .section: sections += 1; return .section(sections - 1)
            case .table: tables += 1; return .table(tables - 1)
            case .issues: return .issues
            default: return .nothing
            }
        }
        var sums: [Double] = []
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
            let name = units[i].name
            unitBeingWritten = name
            for (k, stream) in streams.enumerated() {
                switch perUnit[k] {
                case .summary(let ratios): try summaryRow(stream, i, part, ratios, &sums)
                case .section(let n):
                    if let part { try row(stream, [.number(Double(stream.count + 1)), .text(name)], part.sections[n]) }
                case .table(let n):
                    for (r, cells) in (part?.tables[n] ?? []).enumerated() {
                        try row(stream, [.number(Double(stream.count + 1)), .text(name), .number(Double(r + 1))], cells)
                    }
                case .issues:
                    for line in part?.issues ?? [] { try row(stream, [.number(Double(stream.count + 1)), .text(name)], line) }
                case .nothing: break
                }
            }
            if let part { parts.finish(part) }
        }
        writerWaited = parts.waited
        writerPrepared = parts.madeByTaker
        var result = MergeResult(output: workbook.url, submissions: set, checks: [:], expected: units.count,
                                 missing: units.indices.filter { checks[$0] == nil }.map { units[$0] },
                                 cellsWritten: 0, notices: [], missingInputs: missingInputs)
        result.repeatedInputs = repeatedInputs
        result.rowsCut = rowsCut
        result.submissions.current = current
        result.submissions.rejected += lost
        for (i, check) in checks.enumerated() { if let check { result.checks[units[i].id] = check } }
        for (sheet, stream) in zip(c.layout.sheets, streams) {
            switch sheet {
            case .cover: try writeCover(stream.ws, result)
            case .summary(_, _, let columns): try endSummary(stream, columns, sums)
            case .charts(_, let charts): try writeCharts(stream.ws, charts, streams)
            case .section, .table: try end(stream)
            case .issues: try endIssues(stream)
            case .completeness: try writeCompleteness(stream.ws, result)
            }
        }
        return result
    }

    // MARK: Common pieces

    /// Times as the ministry writes them, in Hanoi's time zone (one formatter: they are costly).
    let timeFormatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "dd/MM/yyyy HH:mm"
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return f
    }()

    var generatedAt: String { timeFormatter.string(from: now) }

    /// Title and subtitle rows across `width` columns.
    func titleRows(_ ws: Worksheet, _ title: String, width: Int) throws {
        try ws.setRow(0, height: 24)
        try ws.merge(0, 0, 0, max(width - 1, 1), title, Style.title)
        try ws.merge(1, 0, 1, max(width - 1, 1), "\(form.title.vi) — tổng hợp lúc \(generatedAt)", Style.subtitle)
    }

    /// A data sheet's set-up: widths, frozen header, printing, title, the two header rows.
    func begin(_ stream: Stream, _ title: String, widths: [Double], headers: [(group: String?, header: String)],
               formats: [CellFormat], frozenColumns: Int = 2) throws {
        let ws = stream.ws
        stream.widths = widths
        stream.formats = try formats.map { try workbook.resolve($0) }
        for (i, w) in widths.enumerated() { try ws.setColumn(i, i, width: w) }
        try ws.freeze(row: 5, col: frozenColumns)
        try ws.printSetup(PrintSetup(repeatRows: 3...4, header: "&C&\"Times New Roman,Bold\"\(c.layout.title.replacingOccurrences(of: "&", with: "&&"))"))
        try titleRows(ws, title, width: widths.count)
        try headerRows(stream, at: 3, headers)
    }

    /// The autofilter over the header and every data row, once their number is known: right
    /// after the last data row (constant-memory mode refuses a range above the current row).
    func end(_ stream: Stream) throws {
        if stream.count > 0 { try stream.ws.autofilter(4, 0, 4 + stream.count, stream.widths.count - 1) }
    }

    /// Two header rows: a group spanning its columns above, the column's own header below.
    func headerRows(_ stream: Stream, at row: Int, _ headers: [(group: String?, header: String)]) throws {
        let ws = stream.ws, widths = stream.widths
        var col = 0
        while col < headers.count {
            if let g = headers[col].group {
                var end = col
                while end + 1 < headers.count, headers[end + 1].group == g { end += 1 }
                if end > col { try ws.merge(row, col, row, end, g, Style.header) } else { try ws.write(row, col, .text(g), Style.header) }
                col = end + 1
            } else {
                try ws.write(row, col, .blank, Style.header)
                col += 1
            }
        }
        for (i, h) in headers.enumerated() { try ws.write(row + 1, i, .text(h.header), Style.header) }
        try ws.setRow(row + 1, height: max(30, Worksheet.height(for: headers.enumerated().map { ($0.element.header, widths.indices.contains($0.offset) ? widths[$0.offset] : 10) }) ?? 0))
    }

    /// Writes the next data row of a sheet, `lead` then `cells`, each in its column's format,
    /// tall enough for its wrapped text.
    func row(_ stream: Stream, _ lead: [Cell], _ cells: [Cell] = []) throws {
        let r = stream.row
        // Excel's last row: what does not fit is counted (and reported per unit), not written.
        guard r < c.rowLimit else {
            if let last = rowsCut.last, last.sheet == stream.ws.name, last.unit == unitBeingWritten {
                rowsCut[rowsCut.count - 1].rows += 1
            } else {
                rowsCut.append((stream.ws.name, unitBeingWritten, 1))
            }
            return
        }
        var lines = 1
        // Read once per row, not per cell (each read of a class's property is checked).
        let formats = stream.formats, widths = stream.widths, ws = stream.ws, textFormat = textFormat
        func put(_ col: Int, _ cell: Cell) throws {
            let format = col < formats.count ? formats[col] : textFormat
            if format.wraps, case .text(let t) = cell, col < widths.count {
                lines = max(lines, Worksheet.lineCount(t, width: widths[col]))
            }
            try ws.write(r, col, cell, format)
        }
        for (col, cell) in lead.enumerated() { try put(col, cell) }
        for (col, cell) in cells.enumerated() { try put(lead.count + col, cell) }
        if let h = Worksheet.height(lines: lines) { try stream.ws.setRow(r, height: h) }
        stream.row += 1
        stream.count += 1
    }

    /// Formats every sheet uses, looked up once (the workbook is open from `init`).
    let textFormat: FormatRef
    let missingFormat: FormatRef

    /// The text a cell shows, to size its column.
    func shown(_ cell: Cell) -> String? {
        switch cell {
        case .text(let t): return t
        case .number(let n): return formatNumber(n)
        default: return nil
        }
    }

    // MARK: Cover

    func writeCover(_ ws: Worksheet, _ r: MergeResult) throws {
        try ws.setColumn(0, 0, width: 46)
        try ws.setColumn(1, 1, width: 18)
        try ws.printSetup(PrintSetup(landscape: false))
        try ws.setRow(0, height: 30)
        try ws.merge(0, 0, 0, 1, c.layout.title, Style.title)
        try ws.merge(1, 0, 1, 1, form.title.vi, CellFormat(italic: true, wrap: true, align: .center))
        try ws.setRow(1, height: 48)
        let lines: [(String, Cell)] = [
            ("Biểu mẫu", .text("\(form.id), phiên bản \(form.version)")),
            ("Thời điểm tổng hợp", .text(generatedAt)),
            ("Số đơn vị phải báo cáo", .number(Double(r.expected))),
            ("Số đơn vị đã nộp bản chính thức", .number(Double(r.submitted))),
            ("Số đơn vị chưa nộp", .number(Double(r.missing.count))),
            ("  trong đó: chỉ có bản nháp", .number(Double(r.submissions.draftsOnly.count))),
            ("Số bản nộp có lỗi", .number(Double(r.withErrors))),
            ("Số bản nộp có cảnh báo", .number(Double(r.withWarnings))),
            ("Số tệp bị từ chối", .number(Double(r.rejectedCount))),
        ]
        try ws.write(row: 3, [.text("Chỉ tiêu"), .text("Số lượng")], Style.header)
        for (i, (label, value)) in lines.enumerated() {
            try ws.write(4 + i, 0, .text(label), Style.text)
            try ws.write(4 + i, 1, value, i < 2 ? Style.center : Style.number(.integer))
        }
        let rate = r.expected > 0 ? Double(r.submitted) / Double(r.expected) : 0
        try ws.write(4 + lines.count, 0, .text("Tỷ lệ đơn vị đã nộp"), Style.text)
        try ws.write(4 + lines.count, 1, .formula("IF(B7>0,B8/B7,0)", cached: rate), Style.number(.ratio))
    }

    // MARK: Summary

    static let fixedSummaryHeaders = ["STT", "Đơn vị", "Viết tắt", "Tình trạng"]

    func beginSummary(_ stream: Stream, _ title: String, _ columns: [SummaryColumn]) throws {
        let fixed = ConsolidatedWorkbook.fixedSummaryHeaders
        var widths: [Double] = [5, fittedWidth(header: "Đơn vị", values: units.map(\.name), minimum: 24, maximum: 38),
                                fittedWidth(header: "Viết tắt", values: units.map(\.shortName), maximum: 18),
                                fittedWidth(header: "Tình trạng", values: ["Chỉ có bản nháp", "Có 10 cảnh báo"], maximum: 18)]
        widths += columns.map { fittedWidth(header: $0.header, values: [], minimum: 10, maximum: 16) }
        try begin(stream, title, widths: widths, headers: fixed.map { (nil, $0) } + columns.map { ($0.group, $0.header) },
                  formats: [Style.center, Style.text, Style.text, Style.text] + columns.map { Style.number($0.source.isRatio ? .ratio : $0.format) },
                  frozenColumns: 3)
    }

    /// Where each summary column is, by id.
    static func summaryColumns(_ columns: [SummaryColumn]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.id, ConsolidatedWorkbook.fixedSummaryHeaders.count + $0.offset) })
    }

    /// Per summary column: a ratio of two other columns (by index), or a value of its own.
    /// Worked out once per merge, not once per unit.
    static func ratios(_ columns: [SummaryColumn]) -> [(numerator: Int, denominator: Int)?] {
        let fixed = ConsolidatedWorkbook.fixedSummaryHeaders.count
        let place = ConsolidatedWorkbook.summaryColumns(columns)
        return columns.map { column in
            guard case .ratio(let n, let d) = column.source, let nc = place[n], let dc = place[d] else { return nil }
            return (nc - fixed, dc - fixed)
        }
    }

    func summaryRow(_ stream: Stream, _ i: Int, _ part: UnitPart?, _ ratios: [(numerator: Int, denominator: Int)?], _ sums: inout [Double]) throws {
        let fixed = ConsolidatedWorkbook.fixedSummaryHeaders.count
        if sums.isEmpty { sums = Array(repeating: 0, count: ratios.count) }
        let row = stream.row
        let status = status(i)
        var cells: [Cell] = [.number(Double(i + 1)), .text(units[i].name), .text(units[i].shortName), .text(status)]
        cells.reserveCapacity(cells.count + ratios.count)
        let values = part?.summary ?? []
        for (j, ratio) in ratios.enumerated() {
            if let (nc, dc) = ratio {
                cells.append(self.ratio(cellName(row, fixed + nc), cellName(row, fixed + dc), values.indices.contains(nc) ? values[nc] : .blank,
                                        values.indices.contains(dc) ? values[dc] : .blank))
            } else {
                let value = values.indices.contains(j) ? values[j] : .blank
                if case .number(let n) = value { sums[j] += n }
                cells.append(value)
            }
        }
        // A missing unit's status stands out.
        let formats = stream.formats
        if part == nil { stream.formats[3] = missingFormat }
        try self.row(stream, cells)
        stream.formats = formats
    }

    /// The total row: live SUM formulas, ratios recomputed from the totals.
    func endSummary(_ stream: Stream, _ columns: [SummaryColumn], _ sums: [Double]) throws {
        let ws = stream.ws
        let fixed = ConsolidatedWorkbook.fixedSummaryHeaders.count
        let firstData = 5, lastData = stream.row - 1, totalRow = stream.row
        let ratios = ConsolidatedWorkbook.ratios(columns)
        try end(stream)
        try ws.merge(totalRow, 0, totalRow, 3, "Tổng cộng", Style.totalLabel)
        var totals: [String: Double] = [:]
        for (j, column) in columns.enumerated() {
            let col = fixed + j
            if column.total {
                let sum = sums.indices.contains(j) ? sums[j] : 0
                totals[column.id] = sum
                let range = stream.count == 0 ? "0" : "SUM(\(cellName(firstData, col)):\(cellName(lastData, col)))"
                try ws.write(totalRow, col, .formula(range, cached: sum), Style.total(column.format))
            } else if let (nc, dc) = ratios[j] {
                let num = totals[columns[nc].id].map(Cell.number) ?? .blank, den = totals[columns[dc].id].map(Cell.number) ?? .blank
                try ws.write(totalRow, col, ratio(cellName(totalRow, fixed + nc), cellName(totalRow, fixed + dc), num, den), Style.total(.ratio))
            } else {
                try ws.write(totalRow, col, .blank, Style.total(column.format))
            }
        }
    }

    func ratio(_ numRef: String, _ denRef: String, _ num: Cell, _ den: Cell) -> Cell {
        var cached: Double?
        if case .number(let n) = num, case .number(let d) = den, d > 0 { cached = n / d }
        return .formula("IF(N(\(denRef))>0,\(numRef)/\(denRef),\"\")", cached: cached)
    }

    func status(_ i: Int) -> String {
        guard let check = checks[i] else {
            if set.conflicts[units[i].id] != nil { return "Xung đột, chưa tổng hợp" }
            return set.draftsOnly[units[i].id] != nil ? "Chỉ có bản nháp" : "Chưa nộp"
        }
        let errors = check.errorCount, warnings = check.warningCount
        if errors > 0 { return "Có \(errors) lỗi" }
        if warnings > 0 { return "Có \(warnings) cảnh báo" }
        return "Đã nộp"
    }

    // MARK: Charts

    func writeCharts(_ ws: Worksheet, _ charts: [ChartLayout], _ streams: [Stream]) throws {
        try ws.printSetup(PrintSetup())
        try ws.merge(0, 0, 0, 12, c.layout.title, Style.title)
        guard let s = c.layout.sheets.firstIndex(where: { if case .summary = $0 { true } else { false } }),
              case .summary(_, _, let columns) = c.layout.sheets[s], !units.isEmpty else {
            try ws.write(2, 0, .text("Chưa có trang tổng hợp (summary) để vẽ biểu đồ."))
            return
        }
        let place = ConsolidatedWorkbook.summaryColumns(columns)
        for (i, chart) in charts.enumerated() {
            let series = chart.columns.compactMap { id -> Chart.Series? in
                guard let col = place[id], let column = columns.first(where: { $0.id == id }) else { return nil }
                return Chart.Series(name: column.header, sheet: streams[s].ws.name, categoryColumn: 2, valueColumn: col,
                                    firstRow: 5, lastRow: 4 + units.count)
            }
            try ws.insert(Chart(kind: .column, title: chart.title, series: series, stacked: chart.stacked), at: 2 + i * 30, 0, scale: 1.45)
        }
        // One chart a printed page.
        try ws.pageBreaks(before: (1..<max(1, charts.count)).map { $0 * 30 + 1 })
    }

    // MARK: Sections and tables

    /// The columns a field becomes: one, or one tick column a choice.
    func columns(of field: Field, ticks: Bool) -> [(group: String?, header: String, choice: String?)] {
        if field.type == .multi_choice || (ticks && field.type == .choice) {
            return field.choices.map { (field.heading(.vi), $0.label.vi, $0.id) }
        }
        return [(nil, field.heading(.vi), nil)]
    }

    func format(for field: Field, ticks: Bool) -> CellFormat {
        if ticks || field.type == .multi_choice { return Style.center }
        return field.type.isNumeric ? Style.number(ColumnFormat.of(field.type)) : (field.type == .date ? Style.center : Style.text)
    }

    /// Widths of data columns from the sampled rows' cells: tick columns narrow, text wider.
    func dataWidths(_ layout: [(field: Field, column: (group: String?, header: String, choice: String?))], _ rows: [[Cell]], maximumText: Double) -> [Double] {
        layout.enumerated().map { j, entry in
            let (f, col) = entry
            let sample = col.choice == nil ? rows.compactMap { $0.indices.contains(j) ? shown($0[j]) : nil } : ["x"]
            return fittedWidth(header: col.header, values: sample, minimum: col.choice == nil ? 10 : 8, maximum: f.type == .long_text ? 50 : maximumText)
        }
    }

    /// `sample`: the first units' rows of this sheet.
    func beginSection(_ stream: Stream, _ sectionId: String, _ fields: [Field], _ rows: [[Cell]], _ present: [Int]) throws {
        guard let section = form.section(sectionId) else { return }
        let layout = fields.flatMap { f in columns(of: f, ticks: false).map { (field: f, column: $0) } }
        let widths = [5, fittedWidth(header: "Đơn vị", values: present.prefix(500).map { units[$0].name }, minimum: 24, maximum: 38)]
            + dataWidths(layout, rows, maximumText: 30)
        let formats = [Style.center, Style.text] + layout.map { format(for: $0.field, ticks: $0.column.choice != nil) }
        try begin(stream, section.heading(.vi).uppercased(), widths: widths,
                  headers: [(nil, "STT"), (nil, "Đơn vị")] + layout.map { ($0.column.group, $0.column.header) }, formats: formats)
    }

    /// `sample`: the first units' rows of this table.
    func beginTable(_ stream: Stream, _ sectionId: String, _ tableId: String, _ ticks: Set<String>, _ sample: [[[Cell]]], _ present: [Int]) throws {
        guard let table = form.field(sectionId, tableId) else { return }
        let layout = table.columns.flatMap { col in columns(of: col, ticks: ticks.contains(col.id)).map { (field: col, column: $0) } }
        var names: [String] = [], rows: [[Cell]] = []
        for (k, unitRows) in sample.enumerated() {
            names += Array(repeating: units[present[k]].name, count: unitRows.count)
            rows += unitRows
        }
        let widths = [6, fittedWidth(header: "Đơn vị", values: names, minimum: 22, maximum: 34), 7]
            + dataWidths(layout, Array(rows.prefix(200)), maximumText: 34).enumerated().map { j, w in layout[j].column.choice == nil ? w : max(w, 9) }
        let formats = [Style.center, Style.text, Style.center] + layout.map { format(for: $0.field, ticks: $0.column.choice != nil) }
        try begin(stream, table.label.vi.uppercased(), widths: widths,
                  headers: [(nil, "STT"), (nil, "Đơn vị"), (nil, "TT trong đơn vị")] + layout.map { ($0.column.group, $0.column.header) }, formats: formats)
    }

    // MARK: Issues and completeness

    func beginIssues(_ stream: Stream) throws {
        let headers = ["STT", "Đơn vị", "Mục", "Câu hỏi", "Dòng", "Mức độ", "Nội dung", "Giải trình của đơn vị"]
        try begin(stream, "LỖI VÀ CẢNH BÁO TRONG CÁC BẢN NỘP", widths: [6, 30, 30, 36, 7, 10, 50, 40], headers: headers.map { (nil, $0) },
                  formats: [Style.center, Style.text, Style.text, Style.text, Style.center, Style.center, Style.text, Style.text], frozenColumns: 0)
    }

    func endIssues(_ stream: Stream) throws {
        if stream.count == 0 { try stream.ws.merge(5, 0, 5, stream.widths.count - 1, "Không có lỗi hoặc cảnh báo.", Style.text) }
        try end(stream)
    }

    func writeCompleteness(_ ws: Worksheet, _ result: MergeResult) throws {
        let s = result.submissions
        let unitName: (String) -> String = { id in self.c.registry.unit(id)?.name ?? id }
        var lines: [(String, String, String, String)] = []
        for u in result.missing where s.conflicts[u.id] == nil {
            if let draft = s.draftsOnly[u.id] {
                lines.append(("Chỉ có bản nháp", u.name, draft.file, "Cập nhật lần cuối \(date(draft.submission?.updatedAt))"))
            } else {
                lines.append(("Chưa nộp", u.name, "", ""))
            }
        }
        for item in s.superseded {
            lines.append(("Bản cũ đã được thay thế", unitName(item.submission?.unitId ?? ""), item.file, "Lần nộp \(item.submission?.revision ?? 0)"))
        }
        for item in s.otherDrafts {
            lines.append(("Bản nháp không dùng (đã có bản chính thức)", unitName(item.submission?.unitId ?? ""), item.file, ""))
        }
        for unit in c.registry.units.map(\.id) where s.conflicts[unit] != nil {
            let files = s.conflicts[unit]!
            for item in files {
                lines.append(("Xung đột: cùng lần nộp, nội dung khác nhau", unitName(unit), item.file,
                              "Lần nộp \(item.submission?.revision ?? 0), cập nhật \(date(item.submission?.updatedAt)); chưa tổng hợp bản nào — hãy giữ lại một tệp rồi tổng hợp lại"))
            }
        }
        for copy in s.copies {
            lines.append(("Bản sao (trùng nội dung)", unitName(copy.file.submission?.unitId ?? ""), copy.file.file, "Giống hệt \(copy.of)"))
        }
        for path in result.repeatedInputs { lines.append(("Đầu vào được nêu hai lần", "", path, "Chỉ đọc một lần")) }
        for item in s.rejected { lines.append(("Tệp bị từ chối", "", item.file, item.reason.vi)) }
        for path in result.missingInputs { lines.append(("Tệp bị từ chối", "", path, "Không có tệp hoặc thư mục này")) }
        let stream = Stream(ws)
        try begin(stream, "TÌNH TRẠNG NỘP BÁO CÁO", widths: [6, 26, 38, fittedWidth(header: "Tệp", values: lines.map(\.2), minimum: 16, maximum: 45), 50],
                  headers: ["STT", "Tình trạng", "Đơn vị", "Tệp", "Chi tiết"].map { (nil, $0) },
                  formats: [Style.center, Style.text, Style.text, Style.text, Style.text], frozenColumns: 0)
        for (i, l) in lines.enumerated() { try row(stream, [.number(Double(i + 1)), .text(l.0), .text(l.1), .text(l.2), .text(l.3)]) }
        if lines.isEmpty { try ws.merge(5, 0, 5, 4, "Tất cả các đơn vị đã nộp bản chính thức.", Style.text) }
        try end(stream)
    }

    func date(_ d: Date?) -> String {
        d.map(timeFormatter.string(from:)) ?? ""
    }
}

extension SummaryColumn.Source {
    var isRatio: Bool { if case .ratio = self { true } else { false } }
}
