import XLSX

/// The layout's charts over the summary sheet's columns, one a printed page.
struct ChartsSheet: ConsolidatedSheet {
    let name: String
    let charts: [ChartLayout]

    /// Drawn at the end: each series reads the summary's rows as they were written.
    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        let ws = stream.ws
        // A fixed scale, not "fit to width": Excel ignores manual page breaks on a fitted sheet,
        // and each chart (30 rows, about 700 px wide) fits an A4 landscape page at 100 %.
        try ws.printSetup(PrintSetup(scale: 100))
        try ws.merge(row: 0, columns: 0...12, book.consolidator.layout.title, Style.title)
        guard let (summary, rows) = book.first(SummarySheet.self), rows.count > 0 else {
            try ws.write(2, 0, .text("Chưa có trang tổng hợp (summary) để vẽ biểu đồ."))
            return
        }
        for (i, chart) in charts.enumerated() {
            let series = chart.columns.compactMap { id -> Chart.Series? in
                guard let col = summary.sheetColumn(id: id), let column = summary.columns.first(where: { $0.id == id })
                else { return nil }
                return Chart.Series(
                    name: column.header, sheet: rows.ws.name, categoryColumn: SummarySheet.Fixed.shortName.column,
                    valueColumn: col,
                    firstRow: rows.firstDataRow, lastRow: rows.firstDataRow + rows.count - 1)
            }
            try ws.insert(
                Chart(kind: .column, title: chart.title, series: series, stacked: chart.stacked), at: 2 + i * 30, 0,
                scale: 1.45)
        }
        // One chart a printed page.
        try ws.pageBreaks(before: (1..<max(1, charts.count)).map { $0 * 30 + 1 })
    }
}
