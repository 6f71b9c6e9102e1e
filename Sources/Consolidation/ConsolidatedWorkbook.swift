import Foundation
import FormKit
import Submissions
import XLSX

/// Writes the consolidated workbook sheet by sheet, each strictly in row order so that
/// libxlsxwriter's constant-memory mode keeps memory flat however many units there are.
final class ConsolidatedWorkbook {
    let c: Consolidator
    let result: MergeResult
    let now: Date
    let workbook: Workbook
    /// Per unit in registry order: the unit, the answers merged (skip logic applied) if any,
    /// and their check. Kept as three arrays: rows are read many times, and a check is
    /// costly to copy.
    let rows: Rows

    struct Rows {
        var units: [ReportingUnit]
        var answers: [Answers?]
        var checks: [SubmissionCheck?]
        var count: Int { units.count }
        /// The indices of the units that submitted.
        var present: [Int] { answers.indices.filter { answers[$0] != nil } }
    }
    var form: Form { c.form }
    /// Where the summary sheet put its columns, for the charts.
    var summaryPlace: (sheet: String, firstRow: Int, lastRow: Int, columns: [String: Int])?
    /// The column widths of the sheet being written, to size rows of wrapped text.
    var widths: [Double] = []

    init(consolidator: Consolidator, result: MergeResult, now: Date) throws {
        c = consolidator
        self.result = result
        self.now = now
        workbook = try Workbook(url: result.output, constantMemory: true)
        let validator = Validator(form: consolidator.form)
        let units = consolidator.registry.units
        let checks = units.map { result.checks[$0.id] }
        rows = Rows(units: units, answers: (0..<units.count).map { i in checks[i]?.loaded.submission.map { validator.relevantAnswers($0.answers) } },
                    checks: checks)
    }

    func write() throws {
        workbook.setProperties(title: c.layout.title, subject: form.title.vi, author: "ictreport")
        for sheet in c.layout.sheets {
            switch sheet {
            case .cover(let name): try writeCover(name)
            case .summary(let name, let title, let columns): try writeSummary(name, title, columns)
            case .charts(let name, let charts): try writeCharts(name, charts)
            case .section(let name, let section, let fields): try writeSection(name, section, fields)
            case .table(let name, let section, let table, let ticks): try writeTable(name, section, table, ticks)
            case .issues(let name): try writeIssues(name)
            case .completeness(let name): try writeCompleteness(name)
            }
        }
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

    /// Title and subtitle rows across `width` columns; returns the next free row.
    func titleRows(_ ws: Worksheet, _ title: String, width: Int) throws -> Int {
        try ws.setRow(0, height: 24)
        try ws.merge(0, 0, 0, max(width - 1, 1), title, Style.title)
        try ws.merge(1, 0, 1, max(width - 1, 1), "\(form.title.vi) — tổng hợp lúc \(generatedAt)", Style.subtitle)
        return 3
    }

    /// A data sheet's set-up: widths, frozen header, autofilter, printing. Call before any row.
    func prepare(_ ws: Worksheet, widths: [Double], headerRows: ClosedRange<Int>, dataRows: Int, frozenColumns: Int = 2) throws {
        self.widths = widths
        for (i, w) in widths.enumerated() { try ws.setColumn(i, i, width: w) }
        ws.freeze(row: headerRows.upperBound + 1, col: frozenColumns)
        if dataRows > 0 { try ws.autofilter(headerRows.upperBound, 0, headerRows.upperBound + dataRows, widths.count - 1) }
        try ws.printSetup(PrintSetup(repeatRows: headerRows, header: "&C&\"Times New Roman,Bold\"\(escapeHeader(c.layout.title))"))
    }

    func escapeHeader(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&&") }

    /// Two header rows: a group spanning its columns above, the column's own header below.
    func headerRows(_ ws: Worksheet, at row: Int, _ headers: [(group: String?, header: String)]) throws {
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

    /// Writes one data row, tall enough for its wrapped text.
    func writeRow(_ ws: Worksheet, _ row: Int, _ cells: [(Cell, CellFormat)]) throws {
        var writer = RowWriter(ws: ws, row: row, widths: widths)
        for (cell, format) in cells { try writer.add(cell, format) }
        try writer.finish()
    }

    /// Cells written left to right as they come (no arrays for the big sheets), the row's
    /// height set at the end to fit its wrapped text.
    struct RowWriter {
        let ws: Worksheet
        let row: Int
        let widths: [Double]
        var col = 0
        var lines = 1

        mutating func add(_ cell: Cell, _ format: CellFormat) throws {
            if format.wrap, case .text(let t) = cell, col < widths.count {
                lines = max(lines, Worksheet.lineCount(t, width: widths[col]))
            }
            try ws.write(row, col, cell, format)
            col += 1
        }

        func finish() throws {
            if let h = Worksheet.height(lines: lines) { try ws.setRow(row, height: h) }
        }
    }

    /// A scalar answer as a cell.
    func cell(_ value: Value?, _ field: Field) -> Cell {
        guard let value, !value.isBlank else { return .blank }
        if case .number(let n) = value { return .number(n) }
        return .text(form.display(value, of: field, .vi))
    }

    // MARK: Cover

    func writeCover(_ name: String) throws {
        let ws = try workbook.addSheet(name)
        try ws.setColumn(0, 0, width: 46)
        try ws.setColumn(1, 1, width: 18)
        try ws.printSetup(PrintSetup(landscape: false))
        try ws.setRow(0, height: 30)
        try ws.merge(0, 0, 0, 1, c.layout.title, Style.title)
        try ws.merge(1, 0, 1, 1, form.title.vi, CellFormat(italic: true, wrap: true, align: .center))
        try ws.setRow(1, height: 48)
        let r = result
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

    func summaryValue(_ column: SummaryColumn, _ field: Field?, _ answers: Answers) -> Cell {
        switch column.source {
        case .field(let s, let f):
            guard let field else { return .blank }
            return cell(answers[s, f], field)
        case .value(let compiled):
            if case .number(let n) = compiled.expression.evaluate(answers) { return .number(n) }
            return .blank
        case .ratio:
            return .blank
        }
    }

    func writeSummary(_ name: String, _ title: String, _ columns: [SummaryColumn]) throws {
        let ws = try workbook.addSheet(name)
        let fixed = ["STT", "Đơn vị", "Viết tắt", "Tình trạng"]
        let width = fixed.count + columns.count
        let headerRow = 3, firstData = headerRow + 2, lastData = firstData + rows.count - 1
        var values: [[Cell]] = []
        var statuses: [String] = []
        let fields: [Field?] = columns.map { c in
            if case .field(let s, let f) = c.source { return form.field(s, f) } else { return nil }
        }
        for i in 0..<rows.count {
            if let a = rows.answers[i] { values.append(zip(columns, fields).map { summaryValue($0, $1, a) }) } else { values.append([]) }
            statuses.append(status(i))
        }
        var widths: [Double] = [5, fittedWidth(header: "Đơn vị", values: rows.units.map(\.name), minimum: 24, maximum: 38),
                                fittedWidth(header: "Viết tắt", values: rows.units.map(\.shortName), maximum: 18),
                                fittedWidth(header: "Tình trạng", values: statuses, maximum: 18)]
        widths += columns.map { fittedWidth(header: $0.header, values: [], minimum: 10, maximum: 16) }
        try prepare(ws, widths: widths, headerRows: headerRow...(headerRow + 1), dataRows: rows.count, frozenColumns: 3)
        _ = try titleRows(ws, title, width: width)
        try headerRows(ws, at: headerRow, fixed.map { (nil, $0) } + columns.map { ($0.group, $0.header) })
        let colIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($0.element.id, fixed.count + $0.offset) })
        for i in 0..<rows.count {
            let row = firstData + i
            let missing = rows.answers[i] == nil
            var cells: [(Cell, CellFormat)] = [(.number(Double(i + 1)), Style.center), (.text(rows.units[i].name), Style.text),
                                               (.text(rows.units[i].shortName), Style.text), (.text(statuses[i]), missing ? Style.missing : Style.text)]
            for (j, column) in columns.enumerated() {
                if case .ratio(let n, let d) = column.source, let nc = colIndex[n], let dc = colIndex[d] {
                    let num = values[i].indices.contains(nc - fixed.count) ? values[i][nc - fixed.count] : .blank
                    let den = values[i].indices.contains(dc - fixed.count) ? values[i][dc - fixed.count] : .blank
                    cells.append((ratio(cellName(row, nc), cellName(row, dc), num, den), Style.number(.ratio)))
                } else {
                    cells.append((missing ? .blank : values[i][j], Style.number(column.format)))
                }
            }
            try writeRow(ws, row, cells)
        }
        // The total row: live SUM formulas, ratios recomputed from the totals.
        let totalRow = lastData + 1
        try ws.merge(totalRow, 0, totalRow, 3, "Tổng cộng", Style.totalLabel)
        var totals: [String: Double] = [:]
        for (j, column) in columns.enumerated() {
            let col = fixed.count + j
            if column.total {
                let sum = values.reduce(0.0) { acc, v in
                    if v.indices.contains(j), case .number(let n) = v[j] { return acc + n }
                    return acc
                }
                totals[column.id] = sum
                let range = rows.count == 0 ? "0" : "SUM(\(cellName(firstData, col)):\(cellName(lastData, col)))"
                try ws.write(totalRow, col, .formula(range, cached: sum), Style.total(column.format))
            } else if case .ratio(let n, let d) = column.source, let nc = colIndex[n], let dc = colIndex[d] {
                let num = totals[n].map(Cell.number) ?? .blank, den = totals[d].map(Cell.number) ?? .blank
                try ws.write(totalRow, col, ratio(cellName(totalRow, nc), cellName(totalRow, dc), num, den), Style.total(.ratio))
            } else {
                try ws.write(totalRow, col, .blank, Style.total(column.format))
            }
        }
        summaryPlace = (ws.name, firstData, lastData, colIndex)
    }

    func ratio(_ numRef: String, _ denRef: String, _ num: Cell, _ den: Cell) -> Cell {
        var cached: Double?
        if case .number(let n) = num, case .number(let d) = den, d > 0 { cached = n / d }
        return .formula("IF(N(\(denRef))>0,\(numRef)/\(denRef),\"\")", cached: cached)
    }

    func status(_ i: Int) -> String {
        guard rows.checks[i] != nil else {
            return result.submissions.draftsOnly[rows.units[i].id] != nil ? "Chỉ có bản nháp" : "Chưa nộp"
        }
        let errors = rows.checks[i]!.errorCount, warnings = rows.checks[i]!.warningCount
        if errors > 0 { return "Có \(errors) lỗi" }
        if warnings > 0 { return "Có \(warnings) cảnh báo" }
        return "Đã nộp"
    }

    // MARK: Charts

    func writeCharts(_ name: String, _ charts: [ChartLayout]) throws {
        let ws = try workbook.addSheet(name)
        try ws.printSetup(PrintSetup())
        try ws.merge(0, 0, 0, 12, c.layout.title, Style.title)
        guard let place = summaryPlace, place.lastRow >= place.firstRow else {
            try ws.write(2, 0, .text("Chưa có trang tổng hợp (summary) để vẽ biểu đồ."))
            return
        }
        for (i, chart) in charts.enumerated() {
            let series = chart.columns.compactMap { id -> Chart.Series? in
                guard let col = place.columns[id], let column = summaryColumn(id) else { return nil }
                return Chart.Series(name: column.header, sheet: place.sheet, categoryColumn: 2, valueColumn: col,
                                    firstRow: place.firstRow, lastRow: place.lastRow)
            }
            try ws.insert(Chart(kind: .column, title: chart.title, series: series, stacked: chart.stacked), at: 2 + i * 30, 0, scale: 1.45)
        }
        // One chart a printed page.
        try ws.pageBreaks(before: (1..<max(1, charts.count)).map { $0 * 30 + 1 })
    }

    func summaryColumn(_ id: String) -> SummaryColumn? {
        for case .summary(_, _, let columns) in c.layout.sheets { if let col = columns.first(where: { $0.id == id }) { return col } }
        return nil
    }

    // MARK: Sections and tables

    /// The columns a field becomes: one, or one tick column a choice.
    func columns(of field: Field, ticks: Bool) -> [(group: String?, header: String, choice: String?)] {
        if field.type == .multi_choice || (ticks && field.type == .choice) {
            return field.choices.map { (field.heading(.vi), $0.label.vi, $0.id) }
        }
        return [(nil, field.heading(.vi), nil)]
    }

    func cells(of field: Field, _ value: Value?, ticks: Bool) -> [Cell] {
        if field.type == .multi_choice || (ticks && field.type == .choice) {
            let chosen: [String] = value?.list ?? value?.text.map { [$0] } ?? []
            return field.choices.map { chosen.contains($0.id) ? .text("x") : .blank }
        }
        return [cell(value, field)]
    }

    func format(for field: Field) -> CellFormat {
        field.type.isNumeric ? Style.number(ColumnFormat.of(field.type)) : (field.type == .date ? Style.center : Style.text)
    }

    func writeSection(_ name: String?, _ sectionId: String, _ only: [String]?) throws {
        guard let section = form.section(sectionId) else { return }
        let fields = section.fields.filter { $0.type != .table && (only?.contains($0.id) ?? true) }
        let ws = try workbook.addSheet(name ?? section.heading(.vi))
        let present = rows.present
        let layout = fields.flatMap { f in columns(of: f, ticks: false).map { (f, $0) } }
        var widths: [Double] = [5, fittedWidth(header: "Đơn vị", values: present.prefix(500).map { rows.units[$0].name }, minimum: 24, maximum: 38)]
        for (f, col) in layout {
            let sample = col.choice == nil ? present.prefix(200).compactMap { i in rows.answers[i]?[section.id, f.id].map { form.display($0, of: f, .vi) } } : ["x"]
            widths.append(fittedWidth(header: col.header, values: sample, minimum: col.choice == nil ? 10 : 8, maximum: f.type == .long_text ? 50 : 30))
        }
        try prepare(ws, widths: widths, headerRows: 3...4, dataRows: present.count)
        _ = try titleRows(ws, section.heading(.vi).uppercased(), width: widths.count)
        try headerRows(ws, at: 3, [(nil, "STT"), (nil, "Đơn vị")] + layout.map { ($0.1.group, $0.1.header) })
        let sectionAnswers = rows.answers.map { $0?.sections[section.id] }
        let formats = fields.map { $0.type == .multi_choice ? Style.center : format(for: $0) }
        for (i, u) in present.enumerated() {
            var line = RowWriter(ws: ws, row: 5 + i, widths: widths)
            try line.add(.number(Double(i + 1)), Style.center)
            try line.add(.text(rows.units[u].name), Style.text)
            for (f, fmt) in zip(fields, formats) {
                for cell in cells(of: f, sectionAnswers[u]?[f.id], ticks: false) { try line.add(cell, fmt) }
            }
            try line.finish()
        }
    }

    func writeTable(_ name: String?, _ sectionId: String, _ tableId: String, _ ticks: Set<String>) throws {
        guard let section = form.section(sectionId), let table = section.field(tableId) else { return }
        let ws = try workbook.addSheet(name ?? "\(section.number.map { $0 + " " } ?? "")\(table.label.vi)")
        var entries: [(unit: ReportingUnit, index: Int, row: Row)] = []
        for u in 0..<rows.count {
            for (i, row) in (rows.answers[u]?[sectionId, tableId]?.rows ?? []).enumerated() { entries.append((rows.units[u], i + 1, row)) }
        }
        let layout = table.columns.flatMap { col in columns(of: col, ticks: ticks.contains(col.id)).map { (col, $0) } }
        var widths: [Double] = [6, fittedWidth(header: "Đơn vị", values: entries.prefix(500).map(\.unit.name), minimum: 22, maximum: 34), 7]
        for (col, h) in layout {
            let sample = h.choice == nil ? entries.prefix(200).compactMap { e in e.row[col.id].map { form.display($0, of: col, .vi) } } : ["x"]
            widths.append(fittedWidth(header: h.header, values: sample, minimum: h.choice == nil ? 10 : 9, maximum: col.type == .long_text ? 50 : 34))
        }
        try prepare(ws, widths: widths, headerRows: 3...4, dataRows: entries.count)
        _ = try titleRows(ws, table.label.vi.uppercased(), width: widths.count)
        try headerRows(ws, at: 3, [(nil, "STT"), (nil, "Đơn vị"), (nil, "TT trong đơn vị")] + layout.map { ($0.1.group, $0.1.header) })
        let formats = table.columns.map { ticks.contains($0.id) || $0.type == .multi_choice ? Style.center : format(for: $0) }
        let tick = table.columns.map { ticks.contains($0.id) }
        for (i, e) in entries.enumerated() {
            var line = RowWriter(ws: ws, row: 5 + i, widths: widths)
            try line.add(.number(Double(i + 1)), Style.center)
            try line.add(.text(e.unit.name), Style.text)
            try line.add(.number(Double(e.index)), Style.center)
            for (j, column) in table.columns.enumerated() {
                for cell in cells(of: column, e.row[column.id], ticks: tick[j]) { try line.add(cell, formats[j]) }
            }
            try line.finish()
        }
    }

    // MARK: Issues and completeness

    func writeIssues(_ name: String) throws {
        let ws = try workbook.addSheet(name)
        var lines: [[Cell]] = []
        for u in 0..<rows.count {
            guard let check = rows.checks[u] else { continue }
            let unitName = rows.units[u].name
            for p in check.loaded.problems {
                lines.append([.text(unitName), .text(""), .text(p.path), .blank, .text("Lỗi"),
                              .text("\(p.message.vi) (tệp \(check.loaded.file), dòng \(p.line))"), .blank])
            }
            for issue in check.issues.sorted(by: { $0.severity < $1.severity }) {
                let section = form.section(issue.section)
                let field = issue.field.flatMap { section?.field($0) }
                let column = issue.column.flatMap { field?.column($0) }
                // A rule of a whole section names the questions it reads.
                let fieldLabel = field == nil
                    ? issue.fields.compactMap { form.field(at: $0).map { ($0.column ?? $0.field).label.vi } }.joined(separator: "; ")
                    : [field?.heading(.vi), column?.label.vi].compactMap { $0 }.joined(separator: " › ")
                lines.append([.text(unitName), .text(section?.heading(.vi) ?? issue.section), .text(fieldLabel),
                              issue.row.map { .number(Double($0)) } ?? .blank,
                              .text(issue.severity == .error ? "Lỗi" : "Cảnh báo"), .text(issue.message.vi),
                              check.loaded.submission?.explanations[issue.key].map(Cell.text) ?? .blank])
            }
        }
        let headers = ["STT", "Đơn vị", "Mục", "Câu hỏi", "Dòng", "Mức độ", "Nội dung", "Giải trình của đơn vị"]
        try prepare(ws, widths: [6, 30, 30, 36, 7, 10, 50, 40], headerRows: 3...4, dataRows: lines.count, frozenColumns: 0)
        _ = try titleRows(ws, "LỖI VÀ CẢNH BÁO TRONG CÁC BẢN NỘP", width: headers.count)
        try headerRows(ws, at: 3, headers.map { (nil, $0) })
        for (i, line) in lines.enumerated() {
            try writeRow(ws, 5 + i, [(.number(Double(i + 1)), Style.center)] + line.enumerated().map { j, cell in (cell, j == 3 || j == 4 ? Style.center : Style.text) })
        }
        if lines.isEmpty { try ws.merge(5, 0, 5, headers.count - 1, "Không có lỗi hoặc cảnh báo.", Style.text) }
    }

    func writeCompleteness(_ name: String) throws {
        let ws = try workbook.addSheet(name)
        let s = result.submissions
        let unitName: (String) -> String = { id in self.c.registry.unit(id)?.name ?? id }
        var lines: [(String, String, String, String)] = []
        for u in result.missing {
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
        for item in s.rejected { lines.append(("Tệp bị từ chối", "", item.file, item.reason.vi)) }
        for path in result.missingInputs { lines.append(("Tệp bị từ chối", "", path, "Không có tệp hoặc thư mục này")) }
        let headers = ["STT", "Tình trạng", "Đơn vị", "Tệp", "Chi tiết"]
        try prepare(ws, widths: [6, 26, 38, fittedWidth(header: "Tệp", values: lines.map(\.2), minimum: 16, maximum: 45), 50],
                    headerRows: 3...4, dataRows: lines.count, frozenColumns: 0)
        _ = try titleRows(ws, "TÌNH TRẠNG NỘP BÁO CÁO", width: headers.count)
        try headerRows(ws, at: 3, headers.map { (nil, $0) })
        for (i, l) in lines.enumerated() {
            try writeRow(ws, 5 + i, [(.number(Double(i + 1)), Style.center), (.text(l.0), Style.text), (.text(l.1), Style.text),
                                     (.text(l.2), Style.text), (.text(l.3), Style.text)])
        }
        if lines.isEmpty { try ws.merge(5, 0, 5, headers.count - 1, "Tất cả các đơn vị đã nộp bản chính thức.", Style.text) }
    }

    func date(_ d: Date?) -> String {
        d.map(timeFormatter.string(from:)) ?? ""
    }
}
