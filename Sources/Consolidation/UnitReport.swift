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

    /// How a table prints its choice columns when not as the chosen option's label.
    public struct TablePrint: Sendable {
        /// Every option in the cell, the chosen ones' boxes ticked (☒ Thành phần ☐ Độc lập).
        public var boxes: Set<String> = []
        /// One column an option under the column's header, the chosen ones marked "x", as the
        /// consolidated workbook draws them.
        public var ticks: Set<String> = []
    }

    public var sheet: String
    public var sections: [String]
    public var warningsTitle: String
    /// The sheet after the report for the warnings and their explanations (the template has no
    /// place for them among its pages).
    public var warningsSheet: String
    /// By table: its choice columns printed as boxes or as tick columns.
    public var tables: [FieldPath: TablePrint]
    /// The questions whose help the template prints as a note under them, in its own words
    /// ("Chú ý: …", "Ghi chú: …", which the form's help carries). Other helps are printed as
    /// numbered footnotes (¹ after the question, the note under it).
    public var notes: Set<FieldPath>
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
                allowed: ["sheet", "sections", "warnings_title", "warnings_sheet", "tables", "notes", "signature"])
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
        var tables: [FieldPath: TablePrint] = [:]
        for node in reader.sequence(top.node("tables"), what: L("'tables'", "'tables'")) {
            guard
                let m = reader.mapping(node, what: L("bảng", "a table"), allowed: ["table", "boxes", "ticks"]),
                let path = m.string("table", required: true)
            else { continue }
            guard let found = form.field(at: path), found.column == nil, found.field.type == .table else {
                let all = form.sections.flatMap { s in s.fields.filter { $0.type == .table }.map { "\(s.id).\($0.id)" }
                }
                reader.error(at: m.location("table"), WorkbookLayout.unknown("table", path, all))
                continue
            }
            let print = TablePrint(
                boxes: WorkbookLayout.choiceColumns("boxes", of: found.field, path, in: m, reader: reader),
                ticks: WorkbookLayout.choiceColumns("ticks", of: found.field, path, in: m, reader: reader))
            for id in print.boxes.intersection(print.ticks).sorted() {
                reader.error(
                    at: m.location("ticks"),
                    L(
                        "cột '\(id)' của bảng '\(path)' nằm ở cả 'boxes' và 'ticks'; chọn một cách in",
                        "column '\(id)' of table '\(path)' is in both 'boxes' and 'ticks'; choose one"))
            }
            tables[FieldPath(found.section.id, found.field.id)] = print
        }
        var notes: Set<FieldPath> = []
        for node in reader.sequence(top.node("notes"), what: L("'notes'", "'notes'")) {
            guard let path = node.scalar?.string else {
                reader.error(node, L("mỗi ghi chú là mã một câu hỏi", "each note is a question's id"))
                continue
            }
            guard let found = form.field(at: path), found.column == nil else {
                reader.error(
                    node,
                    WorkbookLayout.unknown(
                        "field", path, form.sections.flatMap { s in s.fields.map { "\(s.id).\($0.id)" } }))
                continue
            }
            notes.insert(FieldPath(found.section.id, found.field.id))
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
            warningsSheet: top.string("warnings_sheet") ?? "Giải trình cảnh báo", tables: tables, notes: notes,
            place: field(sig, "place"), date: field(sig, "date"),
            left: signer("left", "Người khai"), right: signer("right", "Thủ trưởng cơ quan"))
        if reader.hasErrors { throw DiagnosticsError(reader.diagnostics) }
        return layout
    }
}

/// Writes one unit's report as the official form prints it: sections and questions in the
/// template's order with its own numbers, notes, boxes and tables, page by page on A4
/// landscape, then the signatures; the warnings with the unit's explanations on a sheet of
/// their own after it.
public struct UnitReportExporter {
    public let form: Form
    public let layout: UnitReportLayout
    let cells: AnswerCells
    /// The report's last column: the widest table's printed columns after its STT, at least K.
    let lastColumn: Int

    public init(form: Form, layout: UnitReportLayout) {
        self.form = form
        self.layout = layout
        let cells = AnswerCells(form: form)
        self.cells = cells
        let widest = layout.sections.compactMap { form.section($0) }.flatMap { s in
            s.fields.filter { $0.type == .table }.map {
                Self.printedColumns(of: $0, layout.tables[FieldPath(s.id, $0.id)], cells).count
            }
        }
        lastColumn = max(10, widest.max() ?? 0)
    }

    /// Writes atomically; returns the cells written.
    /// `mark`: a warning printed above the report (e.g. that the file was edited by hand).
    @discardableResult
    public func export(_ submission: Submission, to url: URL, mark: String? = nil) throws -> Int {
        // Not constant-memory: a table's two header rows are merged down across both.
        let wb = try Workbook(url: url, constantMemory: false)
        do {
            try write(submission, into: wb, mark: mark)
            try wb.close()
        } catch {
            wb.discard()
            throw error
        }
        return wb.cellsWritten
    }

    /// The sheet's column widths (A: numbers, B: labels, C…: values and table columns).
    static func width(_ col: Int) -> Double { col == 0 ? 7 : col == 1 ? 42 : 14 }

    func width(_ columns: ClosedRange<Int>) -> Double { columns.map(Self.width).reduce(0, +) }

    /// The print scale that fits the columns to the page's width in Excel and in LibreOffice
    /// (which draws them a little wider), and what a page then holds, in the sheet's points.
    /// A little room is kept below: viewers round heights to their pixels.
    var page: (scale: Int, height: Double) {
        let area = PrintSetup.printableArea(landscape: true)
        let width =
            (0...lastColumn).map { Worksheet.points(ofColumnWidth: Self.width($0)) }.reduce(0, +)
            * Worksheet.otherViewersWidening
        let scale = max(10, min(100, Int((100 * area.width / width).rounded(.down))))
        return (scale, area.height * 100 / Double(scale) * 0.97)
    }

    func write(_ submission: Submission, into wb: Workbook, mark: String? = nil) throws {
        let validator = Validator(form: form)
        let answers = validator.relevantAnswers(submission.answers)
        let ws = try wb.addSheet(layout.sheet)
        let last = lastColumn
        for col in 0...last { try ws.setColumn(col, col, width: Self.width(col)) }
        let page = self.page
        try ws.printSetup(PrintSetup(landscape: true, scale: page.scale, centered: true))
        var sheet = PagedSheet(pageHeight: page.height)
        if let mark { sheet.append(textRow(nil, mark, .mark)) }
        sheet.append(textRow(nil, form.title.vi.uppercased(), .title))
        if let dispatch = form.subtitle?.vi { sheet.append(textRow(nil, dispatch, .dispatch)) }
        sheet.append(textRow(nil, submission.unitName, .subtitle))
        sheet.append(.spacer(height: 10))
        var footnotes = 0
        var part: String?
        for sid in layout.sections {
            guard let section = form.section(sid) else { continue }
            // The template's part ("MỤC 3: NỘI DUNG BÁO CÁO") above the first of its sections.
            if let heading = section.partHeading(.vi), section.part?.id != part {
                sheet.append(textRow(nil, heading.uppercased(), .section))
            }
            part = section.part?.id
            sheet.append(
                textRow(nil, section.printedHeading(.vi).uppercased(), section.part == nil ? .section : .heading))
            for item in section.printedItems {
                guard case .field(let field) = item else {
                    if case .text(let text) = item {
                        sheet.append(textRow(text.number ?? "", text.text.vi, text.kind == .heading ? .heading : .note))
                    }
                    continue
                }
                let path = FieldPath(sid, field.id)
                // The help: under the question (after its table), after the template's marker,
                // or as a numbered footnote.
                var label = field.label.vi
                var note: String?
                if let help = field.help?.vi {
                    if layout.notes.contains(path) {
                        note = help
                    } else {
                        footnotes += 1
                        label += Self.superscript(footnotes)
                        note = "\(Self.superscript(footnotes)) \(help)"
                    }
                }
                if field.type == .table {
                    appendTable(
                        field, label: label, rows: answers[sid, field.id]?.rows ?? [], print: layout.tables[path],
                        to: &sheet)
                } else {
                    let relevant = validator.isRelevant(field, answers)
                    sheet.append(itemRow(field, label: label, relevant ? answers[sid, field.id] : nil))
                }
                if let note {
                    sheet.keepLastWithNext()
                    sheet.append(textRow("", note, .note))
                }
                if field.type == .table { sheet.append(.spacer(height: 8)) }
            }
            sheet.append(.spacer(height: 10))
        }
        sheet.append(signatures(answers))
        try sheet.write(to: ws)
        // Warnings (and any error) with the unit's explanations: after the official pages.
        let issues = validator.validate(submission.answers)
        if !issues.isEmpty { try writeWarnings(issues, submission, into: wb) }
    }

    // MARK: Rows

    /// How a full-width text row looks.
    enum TextStyle {
        case title, dispatch, subtitle, section, heading, note, plain, mark

        var format: CellFormat {
            switch self {
            case .title: return CellFormat(bold: true, wrap: true, fontSize: 13, align: .center)
            case .dispatch: return CellFormat(italic: true, wrap: true, align: .center)
            case .subtitle: return CellFormat(bold: true, wrap: true, fontSize: 12, align: .center)
            case .section: return CellFormat(bold: true, wrap: true, background: 0xDCE6F1)
            case .heading: return CellFormat(bold: true, wrap: true)
            case .note: return CellFormat(italic: true, wrap: true)
            case .plain: return CellFormat(wrap: true)
            case .mark: return CellFormat(bold: true, wrap: true, border: true, background: 0xFFE699)
            }
        }

        /// A heading stays on the page of what it heads.
        var keepsWithNext: Bool {
            switch self {
            case .title, .dispatch, .subtitle, .section, .heading: return true
            case .note, .plain, .mark: return false
            }
        }
    }

    /// A full-width text row: the text across the sheet, or with a number (its column A, ""
    /// for none) and the text across the rest. Bold for a heading, italic for a note.
    func textRow(_ number: String?, _ text: String, _ style: TextStyle) -> PrintBlock {
        let format = style.format
        let span = number == nil ? 0...lastColumn : 1...lastColumn
        var block = PrintBlock(heights: [height([(text, width(span))], format)])
        if let number { block.put(0...0, .text(number), format) }
        block.put(span, .text(text), format)
        block.keepWithNext = style.keepsWithNext
        return block
    }

    /// A question and its answer: number, label, the answer across the rest of the row. A number
    /// is a numeric cell in its kind's format (whole, decimal, percent, a year without
    /// separators), as in the tables; a question not asked is left empty as the template's
    /// boxes are (a choice: every option's box empty).
    func itemRow(_ field: Field, label: String, _ value: Value?) -> PrintBlock {
        let valueSpan = 2...lastColumn
        let boxed = CellFormat(wrap: true, border: true)
        let text = display(value, field)
        var block = PrintBlock(
            heights: [height([(label, Self.width(1)), (text, width(valueSpan))], boxed)])
        block.put(0...0, .text(field.number ?? ""), Style.plain)
        block.put(1...1, .text(label), boxed)
        if case .number(let n)? = value {
            var format = Style.number(ColumnFormat.of(field.type))
            format.align = .left  // beside its label, as the template's answer box reads
            // What it counts after it, as the template prints "…… thủ tục"; still a number.
            if let unit = field.unit?.vi, let base = format.numberFormat {
                format.numberFormat = base + " \"" + unit.replacingOccurrences(of: "\"", with: "") + "\""
            }
            block.put(valueSpan, .number(n), format)
        } else {
            block.put(valueSpan, .text(text), boxed)
        }
        return block
    }

    func display(_ value: Value?, _ field: Field) -> String {
        switch field.type {
        case .choice, .multi_choice:
            // As the template prints them: every option with its box, ticked or not.
            return boxes(field, value, separator: "\n")
        case .text, .long_text, .integer, .decimal, .percent, .year, .email, .phone, .url, .date, .boolean, .table:
            // As the form shows them (a year as written: 2019).
            guard let value, !value.isBlank else { return "" }
            return form.display(value, of: field, .vi)
        }
    }

    /// Every option of a choice with its box: ☒ for the chosen ones, ☐ for the others.
    func boxes(_ field: Field, _ value: Value?, separator: String) -> String {
        let chosen = value?.list ?? value?.text.map { [$0] } ?? []
        return field.choices.map { (chosen.contains($0.id) ? "☒ " : "☐ ") + $0.label.vi }.joined(separator: separator)
    }

    /// A row tall enough for each text in its width (in the sheet's characters), in `format`'s font.
    func height(_ texts: [(text: String, width: Double)], _ format: CellFormat) -> Double {
        // Wider letters take more of a line: a larger font, bold, capitals.
        let scale = (11 / format.fontSize) * (format.bold ? 0.92 : 1)
        let lines =
            texts.map {
                Worksheet.lineCount($0.text, width: $0.width * scale * ($0.text.uppercased() == $0.text ? 0.8 : 1))
            }.max() ?? 1
        return Worksheet.height(lines: lines, fontSize: format.fontSize) ?? (format.fontSize * 15 / 11).rounded()
    }

    static func superscript(_ n: Int) -> String {
        let digits = Array("⁰¹²³⁴⁵⁶⁷⁸⁹")
        return String(String(n).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }

    // MARK: Tables

    /// One printed column of a table: a column of the form, or one option of a choice column
    /// printed as ticks (under the column's label as its group).
    struct PrintedColumn {
        var field: Field
        var group: String?
        var header: String
        var boxes: Bool
    }

    static func printedColumns(
        of table: Field, _ print: UnitReportLayout.TablePrint?, _ cells: AnswerCells
    ) -> [PrintedColumn] {
        table.columns.flatMap { c -> [PrintedColumn] in
            if print?.boxes.contains(c.id) == true { return [PrintedColumn(field: c, header: c.label.vi, boxes: true)] }
            return cells.columns(of: c, ticks: print?.ticks.contains(c.id) == true).map {
                PrintedColumn(field: c, group: $0.group, header: $0.header, boxes: false)
            }
        }
    }

    /// A table as the template prints it: its number and label, the header (repeated on every
    /// page the table continues on), a numbered row for each answered row.
    func appendTable(
        _ table: Field, label: String, rows: [Row], print: UnitReportLayout.TablePrint?, to sheet: inout PagedSheet
    ) {
        let columns = Self.printedColumns(of: table, print, cells)
        let rowCells: [[Cell]] = rows.map { r in
            table.columns.flatMap { c -> [Cell] in
                if print?.boxes.contains(c.id) == true { return [.text(boxes(c, r[c.id], separator: "   "))] }
                return cells.cells(of: c, r[c.id], ticks: print?.ticks.contains(c.id) == true)
            }
        }
        let spans = spans(columns, rowCells)
        var title = PrintBlock(heights: [height([(label, width(1...lastColumn))], Style.label)])
        title.put(0...0, .text(table.number ?? ""), Style.label)
        title.put(1...lastColumn, .text(label), Style.label)
        title.keepWithNext = true
        sheet.append(title)
        var header = headerBlock(columns, spans)
        header.keepWithNext = true
        let h = sheet.append(header)
        if rows.isEmpty {
            var none = PrintBlock(heights: [15])
            none.put(0...lastColumn, .text("(không có)"), CellFormat(italic: true, border: true, align: .center))
            none.header = h
            sheet.append(none)
            return
        }
        let formats = columns.map {
            $0.boxes ? Style.text : cells.format(for: $0.field, ticks: $0.group != nil)
        }
        for (i, row) in rowCells.enumerated() {
            var texts: [(String, Double)] = []
            for (j, cell) in row.enumerated() { if case .text(let t) = cell { texts.append((t, width(spans[j]))) } }
            var block = PrintBlock(heights: [height(texts, Style.text)])
            block.put(0...0, .number(Double(i + 1)), Style.center)
            for (j, cell) in row.enumerated() { block.put(spans[j], cell, formats[j]) }
            block.header = h
            sheet.append(block)
        }
    }

    /// The sheet columns each printed column spans: B to the last shared out, one at least
    /// each, the spare ones to the columns whose texts need room most (an address, a note).
    func spans(_ columns: [PrintedColumn], _ rows: [[Cell]]) -> [ClosedRange<Int>] {
        let need = columns.enumerated().map { j, c -> Double in
            let words = c.header.split(separator: " ").map(\.count).max() ?? 0
            var longest = 0
            for row in rows.prefix(200) {
                switch row[j] {
                case .text(let t): longest = max(longest, t.split(separator: "\n").map(\.count).max() ?? 0)
                case .number(let n): longest = max(longest, formatNumber(n).count + 2)
                case .formula, .blank: break
                }
            }
            return Double(max(words + 2, c.header.count / 6, min(60, longest)))
        }
        var counts = Array(repeating: 1, count: columns.count)
        func range(_ j: Int) -> ClosedRange<Int> {
            let start = 1 + counts[..<j].reduce(0, +)
            return start...(start + counts[j] - 1)
        }
        func crowding(_ j: Int) -> Double { need[j] / width(range(j)) }
        for _ in 0..<max(0, lastColumn - columns.count) {
            // The most crowded column; once every one has room, the first text column (the
            // name a row is about), widest as in the template's tables.
            guard let crowded = columns.indices.max(by: { crowding($0) < crowding($1) }) else { break }
            let name = columns.indices.first { columns[$0].group == nil && !columns[$0].field.type.isNumeric }
            let j = crowding(crowded) > 1 ? crowded : name ?? crowded
            counts[j] += 1
        }
        return columns.indices.map(range)
    }

    /// The header: STT and each column's label; a choice printed as ticks has its label over
    /// its options' columns, the other labels down both rows.
    func headerBlock(_ columns: [PrintedColumn], _ spans: [ClosedRange<Int>]) -> PrintBlock {
        let format = Style.header
        guard columns.contains(where: { $0.group != nil }) else {
            var block = PrintBlock(
                heights: [max(30, height(columns.indices.map { (columns[$0].header, width(spans[$0])) }, format))])
            block.put(0...0, .text("STT"), format)
            for (j, c) in columns.enumerated() { block.put(spans[j], .text(c.header), format) }
            return block
        }
        var groups: [(text: String, span: ClosedRange<Int>)] = []
        var singles: [(text: String, span: ClosedRange<Int>)] = [("STT", 0...0)]
        var options: [(text: String, span: ClosedRange<Int>)] = []
        for (j, c) in columns.enumerated() {
            if let g = c.group {
                if let lastGroup = groups.last, lastGroup.text == g,
                    lastGroup.span.upperBound + 1 == spans[j].lowerBound
                {
                    groups[groups.count - 1].span = lastGroup.span.lowerBound...spans[j].upperBound
                } else {
                    groups.append((g, spans[j]))
                }
                options.append((c.header, spans[j]))
            } else {
                singles.append((c.header, spans[j]))
            }
        }
        let top = height(groups.map { ($0.text, width($0.span)) }, format)
        var bottom = max(15, height(options.map { ($0.text, width($0.span)) }, format))
        bottom = max(bottom, height(singles.map { ($0.text, width($0.span)) }, format) - top)
        var block = PrintBlock(heights: [top, bottom])
        for s in singles { block.put(rows: 0...1, s.span, .text(s.text), format) }
        for g in groups { block.put(row: 0, g.span, .text(g.text), format) }
        for o in options { block.put(row: 1, o.span, .text(o.text), format) }
        return block
    }

    // MARK: Signatures and warnings

    /// The template's two signature blocks, each under its own place and date line.
    func signatures(_ answers: Answers) -> PrintBlock {
        func value(_ path: String?) -> String {
            guard let path, let f = form.field(at: path), let v = answers[f.section.id, f.field.id], !v.isBlank else {
                return ""
            }
            return form.display(v, of: f.field, .vi)
        }
        let place = value(layout.place).isEmpty ? "……" : value(layout.place)
        var dateLine = "\(place), ngày ...... tháng ...... năm ......"
        if let path = layout.date, let f = form.field(at: path), let iso = answers[f.section.id, f.field.id]?.text {
            let p = iso.split(separator: "-")
            if p.count == 3 { dateLine = "\(place), ngày \(p[2]) tháng \(p[1]) năm \(p[0])" }
        }
        let italic = CellFormat(italic: true, align: .center)
        let bold = CellFormat(bold: true, align: .center)
        let halves = [0...4, 5...lastColumn]
        let signers = [layout.left, layout.right]
        // Date, title, note, room to sign, name.
        var block = PrintBlock(heights: [15, 15, 15, 15, 15, 15, 15, 15])
        for (half, signer) in zip(halves, signers) {
            block.put(row: 0, half, .text(dateLine), italic)
            block.put(row: 1, half, .text(signer.title), bold)
            block.put(row: 2, half, .text(signer.note), italic)
            block.put(row: 7, half, .text(value(signer.name)), bold)
        }
        return block
    }

    /// The warnings (and any error) with the unit's explanations, on their own sheet.
    func writeWarnings(_ issues: [ValidationIssue], _ submission: Submission, into wb: Workbook) throws {
        let ws = try wb.addSheet(layout.warningsSheet)
        let widths: [Double] = [6, 60, 40, 60]
        for (i, w) in widths.enumerated() { try ws.setColumn(i, i, width: w) }
        try ws.printSetup(PrintSetup(landscape: true, repeatRows: 3...3))
        try ws.setRow(0, height: 20)
        try ws.merge(row: 0, columns: 0...3, layout.warningsTitle, CellFormat(bold: true, fontSize: 13, align: .center))
        try ws.merge(row: 1, columns: 0...3, submission.unitName, CellFormat(bold: true, align: .center))
        try ws.write(
            row: 3, [.text("STT"), .text("Nội dung"), .text("Mục, câu hỏi"), .text("Giải trình của đơn vị")],
            Style.header)
        for (i, issue) in issues.enumerated() {
            let row = 4 + i
            var place = [form.section(issue.section)?.heading(.vi) ?? issue.section]
            if let f = issue.field.flatMap({ form.field(issue.section, $0) }) {
                place.append(f.heading(.vi) + (issue.row.map { ", dòng \($0)" } ?? ""))
            }
            let texts = [
                (issue.severity == .error ? "Lỗi: " : "") + issue.message.vi, place.joined(separator: "\n"),
                submission.explanations[issue.key] ?? ""
            ]
            try ws.setRow(row, height: height(zip(texts, widths.dropFirst()).map { ($0, $1) }, Style.text))
            try ws.write(row, 0, .number(Double(i + 1)), Style.center)
            for (j, t) in texts.enumerated() { try ws.write(row, 1 + j, .text(t), Style.text) }
        }
    }
}
