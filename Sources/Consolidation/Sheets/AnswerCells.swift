import FormKit
import XLSX

/// How answers become cells and columns, for the sheets made of a form's fields (summary,
/// section, table): the header's columns and a unit's cells come from the same field list.
struct AnswerCells: Sendable {
    let form: Form

    /// A scalar answer as a cell, for a field held in a `FieldRef`: only its type and choices
    /// are read, never the whole Field copied out (a merge makes a cell of every answer of
    /// every unit).
    func cell(_ value: Value?, _ ref: FieldRef) -> Cell {
        Self.cell(value, type: ref.field.type, choices: ref.field.choices)
    }

    private static func cell(_ value: Value?, type: FieldType, choices: [Choice]) -> Cell {
        guard let value, !value.isBlank else { return .blank }
        if case .number(let n) = value { return .number(n) }
        return .text(Form.display(value, type: type, choices: choices, .vi))
    }

    /// A field's cells: one, or one tick ("x") a choice, as `columns(of:ticks:)`.
    func cells(of field: Field, _ value: Value?, ticks: Bool) -> [Cell] {
        var out: [Cell] = []
        Self.append(value, type: field.type, choices: field.choices, ticks: ticks, to: &out)
        return out
    }

    /// The same appended to a row being made (a unit's row is then one array, not one a
    /// field), for a field held in a `FieldRef`, as `cell(_:_:)`.
    func append(_ ref: FieldRef, _ value: Value?, ticks: Bool, to out: inout [Cell]) {
        Self.append(value, type: ref.field.type, choices: ref.field.choices, ticks: ticks, to: &out)
    }

    private static func append(_ value: Value?, type: FieldType, choices: [Choice], ticks: Bool, to out: inout [Cell]) {
        if type == .multi_choice || (ticks && type == .choice) {
            let chosen: [String] = value?.list ?? value?.text.map { [$0] } ?? []
            for choice in choices { out.append(chosen.contains(choice.id) ? .text("x") : .blank) }
            return
        }
        out.append(cell(value, type: type, choices: choices))
    }

    /// The columns a field becomes: one, or one tick column a choice, as `cells(of:_:ticks:)`.
    /// `under`: the template's heading the question sits under, which groups its columns.
    func columns(of field: Field, ticks: Bool, under: Section.Text? = nil) -> [(
        group: String?, header: String, choice: String?
    )] {
        if field.type == .multi_choice || (ticks && field.type == .choice) {
            return field.choices.map { (field.name(.vi), $0.label.vi, $0.id) }
        }
        return [(under.map { $0.line(.vi) }, field.name(.vi), nil)]
    }

    func format(for field: Field, ticks: Bool) -> CellFormat {
        if ticks || field.type == .multi_choice { return Style.center }
        return field.type.isNumeric
            ? Style.number(ColumnFormat.of(field.type)) : (field.type == .date ? Style.center : Style.text)
    }
}

extension ConsolidatedWorkbook {
    /// Widths of data columns from the sampled rows' cells: tick columns narrow, text wider.
    func dataWidths(
        _ layout: [(field: Field, column: (group: String?, header: String, choice: String?))], _ rows: [[Cell]],
        maximumText: Double
    ) -> [Double] {
        layout.enumerated().map { j, entry in
            let (f, col) = entry
            let sample = col.choice == nil ? rows.compactMap { $0.indices.contains(j) ? shown($0[j]) : nil } : ["x"]
            return fittedWidth(
                header: col.header, values: sample, minimum: col.choice == nil ? 10 : 8,
                maximum: f.type == .long_text ? 50 : maximumText)
        }
    }
}
