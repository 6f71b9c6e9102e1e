import FormKit
import Submissions
import XLSX

/// Every problem and issue of the submissions merged, a line each, with the unit's explanation.
struct IssuesSheet: ConsolidatedSheet {
    /// The sheet's columns, in order: the header and every line are made from this list.
    enum Column: CaseIterable {
        case number, unit, section, question, row, severity, message, explanation

        var header: String {
            switch self {
            case .number: "STT"
            case .unit: "Đơn vị"
            case .section: "Mục"
            case .question: "Câu hỏi"
            case .row: "Dòng"
            case .severity: "Mức độ"
            case .message: "Nội dung"
            case .explanation: "Giải trình của đơn vị"
            }
        }

        var width: Double {
            switch self {
            case .number: 6
            case .unit: 30
            case .section: 30
            case .question: 36
            case .row: 7
            case .severity: 10
            case .message: 50
            case .explanation: 40
            }
        }

        var format: CellFormat {
            switch self {
            case .number, .row, .severity: Style.center
            case .unit, .section, .question, .message, .explanation: Style.text
            }
        }

        /// Written by the writer for every line: the line's number and the unit's name.
        static let lead: [Column] = [.number, .unit]
        /// What a unit's line holds, after the lead.
        static let line: [Column] = allCases.filter { !lead.contains($0) }
    }

    /// One line of the sheet, without the lead.
    struct Line {
        var section: String
        var question: String
        var row: Int?
        var severity: String
        var message: String
        var explanation: String?

        /// The line's cells, in the order of `Column.line`.
        var cells: [Cell] {
            Column.line.map { column in
                switch column {
                case .section: .text(section)
                case .question: .text(question)
                case .row: row.map { .number(Double($0)) } ?? .blank
                case .severity: .text(severity)
                case .message: .text(message)
                case .explanation: explanation.map(Cell.text) ?? .blank
                case .number, .unit: .blank
                }
            }
        }
    }

    let name: String
    let places: IssuePlaces

    func rows(of unit: UnitInput) -> [[Cell]] {
        let check = unit.check
        var lines: [Line] = []
        if let reason = check.loaded.rejection {
            lines.append(Line(section: "", question: check.loaded.file, severity: "Lỗi", message: reason.vi))
        }
        for p in check.loaded.problems {
            lines.append(
                Line(
                    section: "", question: p.path, severity: "Lỗi",
                    message: "\(p.message.vi) (tệp \(check.loaded.file), dòng \(p.line))"))
        }
        for issue in check.issues.sorted(by: { $0.severity < $1.severity }) {
            var field: String?
            var column: String?
            if let f = issue.field, let heading = places.fields[FieldPath(issue.section, f)] {
                field = heading
                column = issue.column.flatMap { places.fields[FieldPath(issue.section, f, column: $0)] }
            }
            // A rule of a whole section names the questions it reads.
            let fieldLabel =
                field == nil
                ? issue.fields.compactMap { places.references[$0] }.joined(separator: "; ")
                : [field, column].compactMap { $0 }.joined(separator: " › ")
            lines.append(
                Line(
                    section: places.sections[issue.section] ?? issue.section, question: fieldLabel, row: issue.row,
                    severity: issue.severity == .error ? "Lỗi" : "Cảnh báo", message: issue.message.vi,
                    explanation: check.loaded.submission?.explanations[issue.key]))
        }
        return lines.map(\.cells)
    }

    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {
        let columns = Column.allCases
        try book.begin(
            stream, "LỖI VÀ CẢNH BÁO TRONG CÁC BẢN NỘP", widths: columns.map(\.width),
            headers: columns.map { (nil, $0.header) },
            formats: columns.map(\.format), frozenColumns: 0)
    }

    func write(unit i: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {
        let name = book.units[i].name
        for line in rows ?? [] { try book.row(stream, [.number(Double(stream.count + 1)), .text(name)], line) }
    }

    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        if stream.count == 0 {
            try stream.ws.merge(
                row: stream.firstDataRow, columns: 0...(stream.widths.count - 1), "Không có lỗi hoặc cảnh báo.",
                Style.text)
        }
        try book.end(stream)
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
                fields[FieldPath(section.id, field.id)] = field.name(.vi)
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
