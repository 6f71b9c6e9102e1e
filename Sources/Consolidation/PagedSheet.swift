import XLSX

/// A piece of a printed sheet that is never split across pages: one row, or a few that belong
/// together (a table's two header rows, the signature block). Its cells are placed by rows and
/// columns counted from the block's first row.
struct PrintBlock {
    struct Placed {
        var rows: ClosedRange<Int>
        var columns: ClosedRange<Int>
        var cell: Cell
        var format: CellFormat
    }

    /// Each row's height in points: always set, so that what is printed is what was measured.
    var heights: [Double]
    var cells: [Placed] = []
    /// Printed on the same page as the block after it: a heading with what it heads, a table's
    /// header with its first row, a question with its note.
    var keepWithNext = false
    /// A blank row between parts, left out at the top of a page.
    var isSpacer = false
    /// For a table's row: its table's header block (an index in `PagedSheet.blocks`), printed
    /// again at the top of a page that this row starts.
    var header: Int?

    init(heights: [Double]) { self.heights = heights }

    var height: Double { heights.reduce(0, +) }

    static func spacer(height: Double) -> PrintBlock {
        var b = PrintBlock(heights: [height])
        b.isSpacer = true
        return b
    }

    mutating func put(row: Int = 0, _ columns: ClosedRange<Int>, _ cell: Cell, _ format: CellFormat) {
        cells.append(Placed(rows: row...row, columns: columns, cell: cell, format: format))
    }

    mutating func put(rows: ClosedRange<Int>, _ columns: ClosedRange<Int>, _ cell: Cell, _ format: CellFormat) {
        cells.append(Placed(rows: rows, columns: columns, cell: cell, format: format))
    }
}

/// A sheet laid out on printed pages of a known height. Excel repeats only one row range at the
/// top of every page and breaks pages wherever they fill, so the sheet measures itself: blocks
/// go one after another, a manual page break comes before a block that would not fit with those
/// it keeps with (no heading alone at the foot of a page), and a table's header is printed
/// again at the top of a page its rows continue on.
struct PagedSheet {
    private(set) var blocks: [PrintBlock] = []
    /// What one page holds, in the sheet's points (before the print scale).
    let pageHeight: Double

    init(pageHeight: Double) { self.pageHeight = pageHeight }

    /// Adds a block; returns its index (a table's rows name their header by it).
    @discardableResult
    mutating func append(_ block: PrintBlock) -> Int {
        blocks.append(block)
        return blocks.count - 1
    }

    /// Asks the last block to stay on the page of the next one.
    mutating func keepLastWithNext() {
        if !blocks.isEmpty { blocks[blocks.count - 1].keepWithNext = true }
    }

    /// The blocks of each page, in order; a table's header appears again on a page its rows
    /// continue on.
    func pages() -> [[Int]] {
        var pages: [[Int]] = [[]]
        var used = 0.0
        for i in blocks.indices {
            let block = blocks[i]
            if block.isSpacer && pages[pages.count - 1].isEmpty { continue }
            // This block and those it keeps with must share a page.
            var need = block.height
            var j = i
            while blocks[j].keepWithNext, j + 1 < blocks.count {
                j += 1
                need += blocks[j].height
            }
            if !pages[pages.count - 1].isEmpty, used + need > pageHeight {
                pages.append([])
                used = 0
                if block.isSpacer { continue }
                if let h = block.header {
                    pages[pages.count - 1].append(h)
                    used += blocks[h].height
                }
            }
            pages[pages.count - 1].append(i)
            used += block.height
        }
        return pages.filter { !$0.isEmpty }  // a spacer that opened a page at the end
    }

    /// Writes the pages from the sheet's first row, with a page break before each but the
    /// first. Returns the rows where pages start (0-based).
    @discardableResult
    func write(to ws: Worksheet) throws -> [Int] {
        var row = 0
        var starts: [Int] = []
        for page in pages() {
            starts.append(row)
            for i in page {
                try write(blocks[i], at: row, to: ws)
                row += blocks[i].heights.count
            }
        }
        try ws.pageBreaks(before: Array(starts.dropFirst()))
        return starts
    }

    private func write(_ block: PrintBlock, at start: Int, to ws: Worksheet) throws {
        for (k, h) in block.heights.enumerated() { try ws.setRow(start + k, height: h) }
        for p in block.cells {
            let rows = (start + p.rows.lowerBound)...(start + p.rows.upperBound)
            if rows.count == 1 && p.columns.count == 1 {
                try ws.write(rows.lowerBound, p.columns.lowerBound, p.cell, p.format)
            } else if case .text(let t) = p.cell {
                try ws.merge(rows: rows, columns: p.columns, t, p.format)
            } else {
                // A number over several columns: the merged range, then the number in its first cell.
                try ws.merge(rows: rows, columns: p.columns, "", p.format)
                try ws.write(rows.lowerBound, p.columns.lowerBound, p.cell, p.format)
            }
        }
    }
}
