import FormKit
import XLSX

/// A table question (repeatable rows): every unit's rows one after another, each with the
/// unit's name and its number within the unit.
struct TableSheet: ConsolidatedSheet {
    let name: String
    /// The heading above the table; its label when the layout gives none.
    let title: String
    let section: String
    let table: FieldRef?
    /// Choice columns shown as one tick column a choice.
    let ticks: Set<String>
    let cells: AnswerCells
    /// Per column of the table, whether it is shown as ticks (looked up once, not per cell).
    let tickColumns: [Bool]
    /// The cells of a row.
    let width: Int

    init(name: String?, title: String? = nil, section: String, table: String, ticks: Set<String>, cells: AnswerCells) {
        let form = cells.form
        let s = form.section(section)
        let label = s?.field(table)?.label.vi ?? table
        self.name = name ?? "\(s?.reference(.vi).map { $0 + " " } ?? "")\(label)"
        self.title = (title ?? label).uppercased()
        self.section = section
        self.table = form.field(section, table).map(FieldRef.init)
        self.ticks = ticks
        self.cells = cells
        let columns = self.table?.field.columns ?? []
        tickColumns = columns.map { ticks.contains($0.id) }
        width = columns.reduce(0) { $0 + cells.columns(of: $1, ticks: ticks.contains($1.id)).count }
    }

    func rows(of unit: UnitInput) -> [[Cell]] {
        guard let answers = unit.answers, let table else { return [] }
        return (answers[section, table.id]?.rows ?? []).map { row in
            var out: [Cell] = []
            out.reserveCapacity(width)
            for (k, column) in table.columns.enumerated() {
                cells.append(column, row[column.id], ticks: tickColumns[k], to: &out)
            }
            return out
        }
    }

    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {
        guard let table = table?.field else { return }
        let layout = table.columns.flatMap { col in
            cells.columns(of: col, ticks: ticks.contains(col.id)).map { (field: col, column: $0) }
        }
        var names: [String] = []
        var rows: [[Cell]] = []
        for (k, unitRows) in sample.rows.enumerated() {
            names += Array(repeating: book.units[sample.units[k]].name, count: unitRows.count)
            rows += unitRows
        }
        let widths =
            [6, fittedWidth(header: "Đơn vị", values: names, minimum: 22, maximum: 34), 7]
            + book.dataWidths(layout, Array(rows.prefix(200)), maximumText: 34).enumerated().map { j, w in
                layout[j].column.choice == nil ? w : max(w, 9)
            }
        let formats =
            [Style.center, Style.text, Style.center]
            + layout.map { cells.format(for: $0.field, ticks: $0.column.choice != nil) }
        try book.begin(
            stream, title, widths: widths,
            headers: [(nil, "STT"), (nil, "Đơn vị"), (nil, "TT trong đơn vị")]
                + layout.map { ($0.column.group, $0.column.header) }, formats: formats)
    }

    func write(unit i: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {
        let name = book.units[i].name
        for (r, cells) in (rows ?? []).enumerated() {
            try book.row(stream, [.number(Double(stream.count + 1)), .text(name), .number(Double(r + 1))], cells)
        }
    }

    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        try book.end(stream)
    }
}
