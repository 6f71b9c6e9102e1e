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
        // One chart a printed page; the trend (with last year's reports) on a page of its own.
        let trendTop = 2 + charts.count * 30
        let trend = try trendCharts(summary, rows, at: trendTop, ws, book)
        try ws.pageBreaks(before: (1..<max(1, charts.count + (trend ? 1 : 0))).map { $0 * 30 + 1 })
    }

    /// With last year's reports (`merge --previous`): the totals of the summary's columns that
    /// have a "năm trước" twin, year by year, and a chart of each across the years.
    func trendCharts(
        _ summary: SummarySheet, _ rows: SheetStream, at top: Int, _ ws: Worksheet, _ book: ConsolidatedWorkbook
    )
        throws -> Bool
    {
        guard !summary.twins.isEmpty, let year = Int(book.form.parameter("report_year") ?? "") else { return false }
        try ws.write(top, 0, .text("XU HƯỚNG CÁC CHỈ TIÊU CHÍNH QUA CÁC NĂM (tổng các đơn vị)"), CellFormat(bold: true))
        // Row by row (the workbook is written in constant memory): the headers, then each year.
        let columns = summary.twins.map { summary.columns[$0] }
        let last = summary.twins.map { j in
            summary.previous.values.reduce(0.0) { sum, answers in
                if case .number(let n) = summary.value(of: j, in: answers) { return sum + n }
                return sum
            }
        }
        let now = summary.twins.map { rows.totals.indices.contains($0) ? rows.totals[$0] : 0 }
        for k in columns.indices { try ws.setColumn(k + 1, k + 1, width: 14) }
        try ws.write(top + 1, 0, .text("Năm"), Style.header)
        for (k, c) in columns.enumerated() { try ws.write(top + 1, k + 1, .text(c.header), Style.header) }
        if let h = Worksheet.height(for: columns.map { ($0.header, 14) }) { try ws.setRow(top + 1, height: h) }
        for (r, (label, values)) in [(String(year - 1), last), (String(year), now)].enumerated() {
            try ws.write(top + 2 + r, 0, .text(label), Style.center)
            for (k, c) in columns.enumerated() {
                try ws.write(top + 2 + r, k + 1, .number(values[k]), Style.number(c.format))
            }
        }
        for (k, column) in columns.enumerated() {
            let series = Chart.Series(
                name: column.header, sheet: ws.name, categoryColumn: 0, valueColumn: k + 1, firstRow: top + 2,
                lastRow: top + 3)
            try ws.insert(
                Chart(
                    kind: .column, title: "\(column.group.map { $0 + ": " } ?? "")\(column.header)", series: [series]),
                at: top + 5 + (k / 2) * 9, (k % 2) * 4, scale: 0.6)
        }
        return true
    }
}
