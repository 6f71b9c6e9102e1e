import FormKit
import XLSX

/// A row per unit of the registry (those that did not submit too): its status and the
/// layout's columns, ratios as live formulas of the same row, then a total row.
struct SummarySheet: ConsolidatedSheet {
    /// The columns before the layout's, in order: the header and every row are made from this list.
    enum Fixed: Int, CaseIterable {
        case number, unit, shortName, status

        var header: String {
            switch self {
            case .number: "STT"
            case .unit: "Đơn vị"
            case .shortName: "Viết tắt"
            case .status: "Tình trạng"
            }
        }

        /// The column, 0-based.
        var column: Int { rawValue }
    }

    let name: String
    let title: String
    let columns: [SummaryColumn]
    /// Per column, the field it shows (looked up once, not per unit).
    let fields: [FieldRef?]
    /// Per column: a ratio of two other columns (by index among `columns`), or a value of its own.
    let ratios: [(numerator: Int, denominator: Int)?]
    let cells: AnswerCells
    /// Last year's answers by unit id: the twin columns ("năm trước", change) after the
    /// layout's, for the columns that ask for one; none without them.
    let previous: [String: Answers]
    /// The layout's columns that get a twin, by index.
    let twins: [Int]

    init(
        name: String, title: String, columns: [SummaryColumn], cells: AnswerCells, previous: [String: Answers] = [:]
    ) {
        self.previous = previous
        twins = previous.isEmpty ? [] : columns.indices.filter { columns[$0].previousYear != nil }
        self.name = name
        self.title = title
        self.columns = columns
        fields = columns.map { c in
            if case .field(let s, let f) = c.source { cells.form.field(s, f).map(FieldRef.init) } else { nil }
        }
        let place = Dictionary(columns.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        ratios = columns.map { column in
            guard case .ratio(let n, let d) = column.source, let nc = place[n], let dc = place[d] else { return nil }
            return (nc, dc)
        }
        self.cells = cells
    }

    /// The columns a merge from the campaign store adds at the end.
    static let reviewHeaders: [(header: String, width: Double)] = [
        ("Duyệt", 14), ("Ý kiến của người tổng hợp", 40)
    ]

    /// The sheet column of the layout's column `j`.
    func sheetColumn(_ j: Int) -> Int { Fixed.allCases.count + j }

    /// The sheet column of the layout's column of this id.
    func sheetColumn(id: String) -> Int? { columns.firstIndex { $0.id == id }.map(sheetColumn) }

    /// One row: a cell a column (ratio columns blank: the writer makes their formulas).
    func rows(of unit: UnitInput) -> [[Cell]] {
        guard let answers = unit.answers else { return [[]] }
        return [columns.indices.map { value(of: $0, in: answers) }]
    }

    /// Column `j`'s cell for these answers.
    func value(of j: Int, in answers: Answers) -> Cell {
        switch columns[j].source {
        case .field(let s, let f):
            guard let field = fields[j] else { return .blank }
            return cells.cell(answers[s, f], field)
        case .value(let compiled):
            if case .number(let n) = compiled.expression.evaluate(answers) { return .number(n) }
            return .blank
        case .ratio:
            return .blank
        }
    }

    /// The headers of the twin columns: last year's value and the change, for each.
    var twinHeaders: [(group: String?, header: String)] {
        twins.flatMap { j in
            let name = (columns[j].group.map { $0 + ": " } ?? "") + columns[j].header
            return [("So với năm trước", "\(name) năm trước"), ("So với năm trước", "Thay đổi: \(name)")]
        }
    }

    /// Whether a change from `last` to `now` is beyond the column's `jump` factor.
    static func isJump(_ now: Double, _ last: Double, factor: Double?) -> Bool {
        guard let factor, last > 0 else { return false }
        let ratio = now / last
        return ratio >= factor || ratio <= 1 / factor
    }

    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {
        let fixed = Fixed.allCases
        let widths =
            fixed.map { f -> Double in
                switch f {
                case .number: 5
                case .unit: fittedWidth(header: f.header, values: book.units.map(\.name), minimum: 24, maximum: 38)
                case .shortName: fittedWidth(header: f.header, values: book.units.map(\.shortName), maximum: 18)
                case .status: fittedWidth(header: f.header, values: ["Chỉ có bản nháp", "Có 10 cảnh báo"], maximum: 18)
                }
            } + columns.map { fittedWidth(header: $0.header, values: [], minimum: 10, maximum: 16) }
            + twins.flatMap { _ in [12.0, 11] }
        let formats =
            fixed.map { $0 == .number ? Style.center : Style.text }
            + columns.map { Style.number($0.source.isRatio ? .ratio : $0.format) }
            + twins.flatMap { [Style.number(columns[$0].format), Style.number(.ratio)] }
        stream.totals = Array(repeating: 0, count: columns.count)
        // From the campaign store: the review state and the coordinator's comment, after the
        // layout's columns (which keep their places).
        let review = book.reviews == nil ? [] : SummarySheet.reviewHeaders
        try book.begin(
            stream, title, widths: widths + review.map(\.width),
            headers: fixed.map { (nil, $0.header) } + columns.map { ($0.group, $0.header) } + twinHeaders
                + review.map { (nil, $0.header) },
            formats: formats + review.map { _ in Style.text }, frozenColumns: Fixed.shortName.column + 1)
    }

    func write(unit i: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {
        let row = stream.row
        let unit = book.units[i]
        var cells = Fixed.allCases.map { f -> Cell in
            switch f {
            case .number: .number(Double(i + 1))
            case .unit: .text(unit.name)
            case .shortName: .text(unit.shortName)
            case .status: .text(book.status(i))
            }
        }
        cells.reserveCapacity(cells.count + columns.count)
        let values = rows?.first ?? []
        func value(_ j: Int) -> Cell { values.indices.contains(j) ? values[j] : .blank }
        for (j, ratio) in ratios.enumerated() {
            if let (n, d) = ratio {
                cells.append(
                    SummarySheet.ratio(cellName(row, sheetColumn(n)), cellName(row, sheetColumn(d)), value(n), value(d))
                )
            } else {
                if case .number(let n) = value(j) { stream.totals[j] += n }
                cells.append(value(j))
            }
        }
        // Last year's value and the change (a live formula); an implausible jump marked.
        var jumps: [Int] = []
        let last = previous[unit.id]
        for j in twins {
            let before = last.map { self.value(of: j, in: $0) } ?? .blank
            let change = cells.count + 1
            cells.append(before)
            var cached: Double?
            if case .number(let now) = value(j), case .number(let was) = before {
                if was > 0 { cached = (now - was) / was }
                if Self.isJump(now, was, factor: columns[j].previousYear?.jump) { jumps.append(change) }
            }
            let nowRef = cellName(row, sheetColumn(j))
            let lastRef = cellName(row, change - 1)
            cells.append(.formula("IF(N(\(lastRef))>0,(N(\(nowRef))-\(lastRef))/\(lastRef),\"\")", cached: cached))
        }
        if book.reviews != nil {
            cells.append(book.reviewState(unit.id).map(Cell.text) ?? .blank)
            cells.append(book.reviews?[unit.id]?.comment.map(Cell.text) ?? .blank)
        }
        // A missing unit's status stands out.
        let formats = stream.formats
        if rows == nil { stream.formats[Fixed.status.column] = book.missingFormat }
        for c in jumps { stream.formats[c] = book.jumpFormat }
        try book.row(stream, cells)
        stream.formats = formats
    }

    /// The total row: live SUM formulas over the rows written, ratios recomputed from the totals.
    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        let ws = stream.ws
        let firstData = stream.firstDataRow
        let lastData = stream.row - 1
        let totalRow = stream.row
        try book.end(stream)
        try ws.merge(row: totalRow, columns: 0...Fixed.status.column, "Tổng cộng", Style.totalLabel)
        var totals: [String: Double] = [:]
        for (j, column) in columns.enumerated() {
            let col = sheetColumn(j)
            if column.total {
                let sum = stream.totals.indices.contains(j) ? stream.totals[j] : 0
                totals[column.id] = sum
                let range = stream.count == 0 ? "0" : "SUM(\(cellName(firstData, col)):\(cellName(lastData, col)))"
                try ws.write(totalRow, col, .formula(range, cached: sum), Style.total(column.format))
            } else if let (n, d) = ratios[j] {
                let num = totals[columns[n].id].map(Cell.number) ?? .blank
                let den = totals[columns[d].id].map(Cell.number) ?? .blank
                try ws.write(
                    totalRow, col,
                    SummarySheet.ratio(
                        cellName(totalRow, sheetColumn(n)), cellName(totalRow, sheetColumn(d)), num, den),
                    Style.total(.ratio))
            } else {
                try ws.write(totalRow, col, .blank, Style.total(column.format))
            }
        }
        for k in twinHeaders.indices {
            try ws.write(totalRow, sheetColumn(columns.count) + k, .blank, Style.total(.integer))
        }
    }

    /// A live ratio of two cells, blank when the denominator is not above zero.
    static func ratio(_ numRef: String, _ denRef: String, _ num: Cell, _ den: Cell) -> Cell {
        var cached: Double?
        if case .number(let n) = num, case .number(let d) = den, d > 0 { cached = n / d }
        return .formula("IF(N(\(denRef))>0,\(numRef)/\(denRef),\"\")", cached: cached)
    }
}

extension SummaryColumn.Source {
    var isRatio: Bool { if case .ratio = self { true } else { false } }
}
