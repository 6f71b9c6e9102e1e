import FormKit
import XLSX

/// The first page leaders read: what was merged, when, and how many units submitted.
struct CoverSheet: ConsolidatedSheet {
    let name: String

    /// The cover's lines, in order.
    enum Line: CaseIterable {
        case form, time, expected, submitted, missing, draftsOnly, withErrors, withWarnings, rejected

        var label: String {
            switch self {
            case .form: "Biểu mẫu"
            case .time: "Thời điểm tổng hợp"
            case .expected: "Số đơn vị phải báo cáo"
            case .submitted: "Số đơn vị đã nộp bản chính thức"
            case .missing: "Số đơn vị chưa nộp"
            case .draftsOnly: "  trong đó: chỉ có bản nháp"
            case .withErrors: "Số bản nộp có lỗi"
            case .withWarnings: "Số bản nộp có cảnh báo"
            case .rejected: "Số tệp bị từ chối"
            }
        }

        func value(_ r: MergeResult, _ book: ConsolidatedWorkbook) -> Cell {
            switch self {
            // The form's title is the cover's second line: here its version, as a reader says it
            // (not the id, which is for files, and which overflowed the cell).
            case .form: .text("phiên bản \(book.form.version)")
            case .time: .text(book.generatedAt)
            case .expected: .number(Double(r.expected))
            case .submitted: .number(Double(r.submitted))
            case .missing: .number(Double(r.missing.count))
            case .draftsOnly: .number(Double(r.submissions.draftsOnly.count))
            case .withErrors: .number(Double(r.withErrors))
            case .withWarnings: .number(Double(r.withWarnings))
            case .rejected: .number(Double(r.rejectedCount))
            }
        }
    }

    /// Written whole at the end, from the merge's result.
    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ r: MergeResult) throws {
        let ws = stream.ws
        try ws.setColumn(0, 0, width: 46)
        try ws.setColumn(1, 1, width: 18)
        try ws.printSetup(PrintSetup(landscape: false))
        try ws.setRow(0, height: 30)
        try ws.merge(row: 0, columns: 0...1, book.consolidator.layout.title, Style.title)
        try ws.merge(row: 1, columns: 0...1, book.form.title.vi, CellFormat(italic: true, wrap: true, align: .center))
        try ws.setRow(1, height: 48)
        try ws.write(row: 3, [.text("Chỉ tiêu"), .text("Số lượng")], Style.header)
        // Where each line was written: the rate's formula reads the rows, not the list's order.
        var rowOf: [Line: Int] = [:]
        var row = 4
        for line in Line.allCases {
            let value = line.value(r, book)
            try ws.write(row, 0, .text(line.label), Style.text)
            if case .text = value {
                try ws.write(row, 1, value, Style.center)
            } else {
                try ws.write(row, 1, value, Style.number(.integer))
            }
            rowOf[line] = row
            row += 1
        }
        let expected = cellName(rowOf[.expected]!, 1)
        let submitted = cellName(rowOf[.submitted]!, 1)
        let rate = r.expected > 0 ? Double(r.submitted) / Double(r.expected) : 0
        try ws.write(row, 0, .text("Tỷ lệ đơn vị đã nộp"), Style.text)
        try ws.write(
            row, 1, .formula("IF(\(expected)>0,\(submitted)/\(expected),0)", cached: rate), Style.number(.ratio))
    }
}
