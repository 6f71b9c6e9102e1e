import FormKit
import XLSX

/// A section's scalar questions: a row per unit that submitted, a column per question (or per
/// choice of a multiple choice).
struct SectionSheet: ConsolidatedSheet {
    let name: String
    let section: String
    /// The section's scalar fields the sheet shows, in form order.
    let fields: [FieldRef]
    let cells: AnswerCells
    /// The cells of a row (a choice of a multiple choice is one).
    let width: Int

    init(name: String?, section: String, only: [String]?, cells: AnswerCells) {
        let form = cells.form
        self.name = name ?? form.section(section)?.heading(.vi) ?? section
        self.section = section
        fields = (form.section(section)?.fields ?? []).filter { $0.type != .table && (only?.contains($0.id) ?? true) }
            .map(FieldRef.init)
        self.cells = cells
        width = fields.reduce(0) { $0 + cells.columns(of: $1.field, ticks: false).count }
    }

    /// One row: the unit's answers, or nothing after its name when its file cannot be used.
    func rows(of unit: UnitInput) -> [[Cell]] {
        guard let answers = unit.answers else { return [[]] }
        let values = answers.sections[section]
        var row: [Cell] = []
        row.reserveCapacity(width)
        for f in fields { cells.append(f, values?[f.id], ticks: false, to: &row) }
        return [row]
    }

    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {
        guard let section = cells.form.section(section) else { return }
        let layout = fields.flatMap { f in
            cells.columns(of: f.field, ticks: false, under: section.text(above: f.field.id)).map {
                (field: f.field, column: $0)
            }
        }
        let widths =
            [
                5,
                fittedWidth(
                    header: "Đơn vị", values: sample.units.prefix(500).map { book.units[$0].name }, minimum: 24,
                    maximum: 38)
            ]
            + book.dataWidths(layout, sample.rows.flatMap { $0 }, maximumText: 30)
        let formats =
            [Style.center, Style.text] + layout.map { cells.format(for: $0.field, ticks: $0.column.choice != nil) }
        try book.begin(
            stream, section.heading(.vi).uppercased(), widths: widths,
            headers: [(nil, "STT"), (nil, "Đơn vị")] + layout.map { ($0.column.group, $0.column.header) },
            formats: formats)
    }

    func write(unit i: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {
        for cells in rows ?? [] {
            try book.row(stream, [.number(Double(stream.count + 1)), .text(book.units[i].name)], cells)
        }
    }

    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        try book.end(stream)
    }
}
