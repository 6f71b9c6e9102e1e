import FormKit
import XLSX

/// A sheet being written row by row: what its kind's type writes into, between units.
/// Only the writer's thread touches one, row after row: its properties go without the
/// run-time exclusivity check.
final class SheetStream {
    let ws: Worksheet
    @exclusivity(unchecked) var widths: [Double] = []
    /// Each column's format, looked up once for all its cells.
    @exclusivity(unchecked) var formats: [FormatRef] = []
    /// The first data row, under the title and the two header rows.
    let firstDataRow = 5
    /// The next data row, and how many were written.
    @exclusivity(unchecked) var row = 5
    @exclusivity(unchecked) var count = 0
    /// Running totals of a sheet that ends with a total row, by data column.
    @exclusivity(unchecked) var totals: [Double] = []
    init(_ ws: Worksheet) { self.ws = ws }
}

/// What the data sheets share: title, header rows, a unit's row, the autofilter.
extension ConsolidatedWorkbook {
    /// Title and subtitle rows across `width` columns.
    func titleRows(_ ws: Worksheet, _ title: String, width: Int) throws {
        try ws.setRow(0, height: 24)
        try ws.merge(row: 0, columns: 0...max(width - 1, 1), title, Style.title)
        try ws.merge(
            row: 1, columns: 0...max(width - 1, 1), "\(form.title.vi) — tổng hợp lúc \(generatedAt)", Style.subtitle)
    }

    /// A data sheet's set-up: widths, frozen header, printing, title, the two header rows.
    func begin(
        _ stream: SheetStream, _ title: String, widths: [Double], headers: [(group: String?, header: String)],
        formats: [CellFormat], frozenColumns: Int = 2
    ) throws {
        let ws = stream.ws
        stream.widths = widths
        stream.formats = try formats.map { try workbook.resolve($0) }
        for (i, w) in widths.enumerated() { try ws.setColumn(i, i, width: w) }
        try ws.freeze(row: stream.firstDataRow, col: frozenColumns)
        try ws.printSetup(
            PrintSetup(
                repeatRows: 3...4,
                header:
                    "&C&\"Times New Roman,Bold\"\(consolidator.layout.title.replacingOccurrences(of: "&", with: "&&"))")
        )
        try titleRows(ws, title, width: widths.count)
        try headerRows(stream, at: 3, headers)
    }

    /// The autofilter over the header and every data row, once their number is known: right
    /// after the last data row (constant-memory mode refuses a range above the current row).
    func end(_ stream: SheetStream) throws {
        if stream.count > 0 {
            try stream.ws.autofilter(
                stream.firstDataRow - 1, 0, stream.firstDataRow - 1 + stream.count, stream.widths.count - 1)
        }
    }

    /// Two header rows: a group spanning its columns above, the column's own header below.
    func headerRows(_ stream: SheetStream, at row: Int, _ headers: [(group: String?, header: String)]) throws {
        let ws = stream.ws
        let widths = stream.widths
        var col = 0
        while col < headers.count {
            if let g = headers[col].group {
                var end = col
                while end + 1 < headers.count, headers[end + 1].group == g { end += 1 }
                if end > col {
                    try ws.merge(row: row, columns: col...end, g, Style.header)
                } else {
                    try ws.write(row, col, .text(g), Style.header)
                }
                col = end + 1
            } else {
                try ws.write(row, col, .blank, Style.header)
                col += 1
            }
        }
        for (i, h) in headers.enumerated() { try ws.write(row + 1, i, .text(h.header), Style.header) }
        try ws.setRow(
            row + 1,
            height: max(
                30,
                Worksheet.height(
                    for: headers.enumerated().map {
                        ($0.element.header, widths.indices.contains($0.offset) ? widths[$0.offset] : 10)
                    }) ?? 0))
    }

    /// Writes the next data row of a sheet, `lead` then `cells`, each in its column's format,
    /// tall enough for its wrapped text. Returns the row written, nil when it did not fit.
    @discardableResult
    func row(_ stream: SheetStream, _ lead: [Cell], _ cells: [Cell] = []) throws -> Int? {
        let r = stream.row
        // Excel's last row: what does not fit is counted (and reported per unit), not written.
        guard r < consolidator.rowLimit else {
            if let last = rowsCut.last, last.sheet == stream.ws.name, last.unit == unitBeingWritten {
                rowsCut[rowsCut.count - 1].rows += 1
            } else {
                rowsCut.append((stream.ws.name, unitBeingWritten, 1))
            }
            return nil
        }
        var lines = 1
        // Read once per row, not per cell (each read of a class's property is checked).
        let formats = stream.formats
        let widths = stream.widths
        let ws = stream.ws
        let textFormat = textFormat
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
        return r
    }

    /// The text a cell shows, to size its column.
    func shown(_ cell: Cell) -> String? {
        switch cell {
        case .text(let t): return t
        case .number(let n): return formatNumber(n)
        default: return nil
        }
    }
}
