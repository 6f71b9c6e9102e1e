import FormKit
import Foundation
import Submissions
import XLSX
import Yams

/// One unit's report laid out like the official form: Templates/unit-report.yaml.
public struct UnitReportLayout: Sendable {
    public struct Signer: Sendable {
        public var title: String
        public var note: String
        public var name: String?
    }

    public var sheet: String
    public var sections: [String]
    public var warningsTitle: String
    public var place: String?
    public var date: String?
    public var left: Signer
    public var right: Signer

    public static func load(contentsOf url: URL, form: Form) throws -> UnitReportLayout {
        let file = FormLoader.displayPath(url)
        let text = try InputFile.yamlText(url.path, what: L("không mở được tệp bố cục", "cannot open the layout file"))
        let reader = YAMLReader(file: file)
        guard let root = reader.compose(text),
            let top = reader.mapping(
                root, what: L("bố cục báo cáo đơn vị", "the unit report layout"),
                allowed: ["sheet", "sections", "warnings_title", "signature"])
        else {
            throw DiagnosticsError(reader.diagnostics)
        }
        var sections: [String] = []
        if top.has("sections") {
            for node in reader.sequence(top.node("sections"), what: L("'sections'", "'sections'")) {
                guard let id = node.scalar?.string else { continue }
                if form.section(id) == nil {
                    reader.error(node, WorkbookLayout.unknown("section", id, form.sections.map(\.id)))
                } else {
                    sections.append(id)
                }
            }
        } else {
            sections = form.sections.map(\.id)
        }
        func field(_ m: YAMLMapping?, _ key: String) -> String? {
            guard let m, let path = m.string(key) else { return nil }
            guard let found = form.field(at: path), found.column == nil, found.field.type != .table else {
                reader.error(
                    at: m.location(key),
                    WorkbookLayout.unknown(
                        "field", path, form.sections.flatMap { s in s.fields.map { "\(s.id).\($0.id)" } }))
                return nil
            }
            return path
        }
        let sig = reader.mapping(
            top.node("signature"), what: L("'signature'", "'signature'"), allowed: ["place", "date", "left", "right"])
        func signer(_ key: String, _ fallback: String) -> Signer {
            let m = reader.mapping(sig?.node(key), what: L("người ký", "a signer"), allowed: ["title", "note", "name"])
            return Signer(title: m?.string("title") ?? fallback, note: m?.string("note") ?? "", name: field(m, "name"))
        }
        let layout = UnitReportLayout(
            sheet: top.string("sheet") ?? "Báo cáo", sections: sections,
            warningsTitle: top.string("warnings_title") ?? "GIẢI TRÌNH CÁC CẢNH BÁO",
            place: field(sig, "place"), date: field(sig, "date"),
            left: signer("left", "Người khai"), right: signer("right", "Thủ trưởng cơ quan"))
        if reader.hasErrors { throw DiagnosticsError(reader.diagnostics) }
        return layout
    }
}

/// Writes one unit's report as the official form prints it: sections and questions in the
/// template's order with its own numbers, tables, warnings with explanations, signatures.
public struct UnitReportExporter {
    public let form: Form
    public let layout: UnitReportLayout

    public init(form: Form, layout: UnitReportLayout) {
        self.form = form
        self.layout = layout
    }

    /// Writes atomically; returns the cells written.
    @discardableResult
    /// `mark`: a warning printed above the report (e.g. that the file was edited by hand).
    public func export(_ submission: Submission, to url: URL, mark: String? = nil) throws -> Int {
        let wb = try Workbook(url: url, constantMemory: true)
        do {
            try write(submission, into: wb, mark: mark)
            try wb.close()
        } catch {
            wb.discard()
            throw error
        }
        return wb.cellsWritten
    }

    static let lastColumn = 10  // A–K: the widest table (10 columns) plus its STT

    func write(_ submission: Submission, into wb: Workbook, mark: String? = nil) throws {
        let validator = Validator(form: form)
        let answers = validator.relevantAnswers(submission.answers)
        let ws = try wb.addSheet(layout.sheet)
        let last = Self.lastColumn
        try ws.setColumn(0, 0, width: Self.width(0))
        try ws.setColumn(1, 1, width: Self.width(1))
        try ws.setColumn(2, last, width: Self.width(2))
        try ws.printSetup(PrintSetup(landscape: true))
        var row = 0
        if let mark {
            try ws.merge(
                row: row, columns: 0...last, mark,
                CellFormat(bold: true, wrap: true, border: true, background: 0xFFE699))
            try ws.setRow(row, height: 32)
            row += 1
        }
        try ws.setRow(row, height: 48)
        try ws.merge(
            row: row, columns: 0...last, form.title.vi.uppercased(),
            CellFormat(bold: true, wrap: true, fontSize: 13, align: .center))
        row += 1
        try ws.merge(
            row: row, columns: 0...last, submission.unitName, CellFormat(bold: true, fontSize: 12, align: .center))
        row += 2
        let value = CellFormat(wrap: true, border: true)
        for sid in layout.sections {
            guard let section = form.section(sid) else { continue }
            try ws.merge(
                row: row, columns: 0...last, section.heading(.vi).uppercased(),
                CellFormat(bold: true, wrap: true, background: 0xDCE6F1))
            row += 1
            for field in section.fields {
                let relevant = validator.isRelevant(field, answers)
                if field.type == .table {
                    try ws.write(row, 0, .text(field.number ?? ""), Style.label)
                    try ws.merge(row: row, columns: 1...last, field.label.vi, Style.label)
                    row += 1
                    row = try writeTable(ws, field, answers[sid, field.id]?.rows ?? [], at: row)
                    continue
                }
                try ws.write(row, 0, .text(field.number ?? ""), Style.plain)
                try ws.write(row, 1, .text(field.label.vi), CellFormat(wrap: true, border: true))
                let text: String
                if !relevant { text = "—" } else { text = display(answers[sid, field.id], field) }
                if relevant, case .number(let n)? = answers[sid, field.id] {
                    // One rule for numbers, here as in the tables: a numeric cell in its kind's
                    // format (whole, decimal, percent, a year without separators).
                    try ws.merge(row: row, columns: 2...last, "", value)
                    var format = Style.number(ColumnFormat.of(field.type))
                    format.align = .left  // beside its label, as the template's answer box reads
                    try ws.write(row, 2, .number(n), format)
                } else {
                    try ws.merge(row: row, columns: 2...last, text, value)
                }
                let lines = max(
                    text.split(separator: "\n").count, Int(Double(max(text.count, 1)) / 120) + 1,
                    field.label.vi.count / 45 + 1)
                if lines > 1 { try ws.setRow(row, height: Double(lines) * 15) }
                row += 1
            }
            row += 1
        }
        // Warnings (and any error) with the unit's explanations.
        let issues = validator.validate(submission.answers)
        if !issues.isEmpty {
            try ws.merge(
                row: row, columns: 0...last, layout.warningsTitle, CellFormat(bold: true, background: 0xDCE6F1))
            row += 1
            try ws.write(row: row, [.text("STT"), .text("Nội dung")], Style.header)
            try ws.merge(row: row, columns: 2...6, "Mục", Style.header)
            try ws.merge(row: row, columns: 7...last, "Giải trình của đơn vị", Style.header)
            row += 1
            for (i, issue) in issues.enumerated() {
                try ws.write(row, 0, .number(Double(i + 1)), Style.center)
                try ws.write(row, 1, .text((issue.severity == .error ? "Lỗi: " : "") + issue.message.vi), Style.text)
                try ws.merge(
                    row: row, columns: 2...6, form.section(issue.section)?.heading(.vi) ?? issue.section, Style.text)
                try ws.merge(row: row, columns: 7...last, submission.explanations[issue.key] ?? "", Style.text)
                try ws.setRow(row, height: 45)
                row += 1
            }
            row += 1
        }
        try writeSignatures(ws, answers, at: row + 1)
    }

    func display(_ value: Value?, _ field: Field) -> String {
        switch field.type {
        case .choice, .multi_choice:
            // As the template prints them: every option with its box ticked or not.
            let chosen = value?.list ?? value?.text.map { [$0] } ?? []
            return field.choices.map { (chosen.contains($0.id) ? "☒ " : "☐ ") + $0.label.vi }.joined(separator: "\n")
        case .text, .long_text, .integer, .decimal, .percent, .year, .email, .phone, .url, .date, .boolean, .table:
            // As the form shows them (a year as written: 2019).
            guard let value, !value.isBlank else { return "" }
            return form.display(value, of: field, .vi)
        }
    }

    /// The sheet's column widths (A: numbers, B: labels, C–K: values and table columns).
    static func width(_ col: Int) -> Double { col == 0 ? 7 : col == 1 ? 42 : 14 }

    func writeTable(_ ws: Worksheet, _ table: Field, _ rows: [Row], at start: Int) throws -> Int {
        var row = start
        try ws.write(row, 0, .text("STT"), Style.header)
        for (j, c) in table.columns.enumerated() {
            try ws.write(row, 1 + j, .text(c.label.vi), Style.header)
        }
        try ws.setRow(
            row,
            height: Worksheet.height(
                for: table.columns.enumerated().map { ($0.element.label.vi, Self.width(1 + $0.offset) * 0.9) }) ?? 15)
        row += 1
        if rows.isEmpty {
            try ws.merge(
                row: row, columns: 0...table.columns.count, "(không có)",
                CellFormat(italic: true, border: true, align: .center))
            return row + 2
        }
        for (i, r) in rows.enumerated() {
            let texts = table.columns.enumerated().compactMap { j, c -> (text: String, width: Double)? in
                guard let v = r[c.id], !v.isBlank, v.number == nil else { return nil }
                return (form.display(v, of: c, .vi), Self.width(1 + j))
            }
            if let h = Worksheet.height(for: texts) { try ws.setRow(row, height: h) }
            try ws.write(row, 0, .number(Double(i + 1)), Style.center)
            for (j, c) in table.columns.enumerated() {
                if let v = r[c.id], !v.isBlank, case .number(let n) = v {
                    try ws.write(row, 1 + j, .number(n), Style.number(ColumnFormat.of(c.type)))
                } else {
                    try ws.write(row, 1 + j, .text(r[c.id].map { form.display($0, of: c, .vi) } ?? ""), Style.text)
                }
            }
            row += 1
        }
        return row + 1
    }

    func writeSignatures(_ ws: Worksheet, _ answers: Answers, at start: Int) throws {
        func value(_ path: String?) -> String {
            guard let path, let f = form.field(at: path), let v = answers[f.section.id, f.field.id], !v.isBlank else {
                return ""
            }
            return form.display(v, of: f.field, .vi)
        }
        let place = value(layout.place).isEmpty ? "……" : value(layout.place)
        var dateLine = "\(place), ngày …… tháng …… năm ……"
        if let path = layout.date, let f = form.field(at: path), let iso = answers[f.section.id, f.field.id]?.text {
            let p = iso.split(separator: "-")
            if p.count == 3 { dateLine = "\(place), ngày \(p[2]) tháng \(p[1]) năm \(p[0])" }
        }
        let centered = CellFormat(italic: true, align: .center)
        let bold = CellFormat(bold: true, align: .center)
        let last = Self.lastColumn
        var row = start
        try ws.write(row, 1, .text(dateLine), centered)
        try ws.merge(row: row, columns: 5...last, dateLine, centered)
        row += 1
        try ws.write(row, 1, .text(layout.left.title), bold)
        try ws.merge(row: row, columns: 5...last, layout.right.title, bold)
        row += 1
        try ws.write(row, 1, .text(layout.left.note), centered)
        try ws.merge(row: row, columns: 5...last, layout.right.note, centered)
        row += 5
        try ws.write(row, 1, .text(value(layout.left.name)), bold)
        try ws.merge(row: row, columns: 5...last, value(layout.right.name), bold)
    }
}
