import FormKit
import Submissions
import XLSX

/// Who has not submitted, and every file set aside: superseded, drafts, conflicts, copies,
/// rejected, inputs given twice or missing.
struct CompletenessSheet: ConsolidatedSheet {
    /// The sheet's columns, in order: the header and every line are made from this list.
    enum Column: CaseIterable {
        case number, status, unit, file, detail

        var header: String {
            switch self {
            case .number: "STT"
            case .status: "Tình trạng"
            case .unit: "Đơn vị"
            case .file: "Tệp"
            case .detail: "Chi tiết"
            }
        }
    }

    struct Line {
        var status: String
        var unit: String
        var file: String
        var detail: String

        func cells(_ number: Int) -> [Cell] {
            Column.allCases.map { column in
                switch column {
                case .number: .number(Double(number))
                case .status: .text(status)
                case .unit: .text(unit)
                case .file: .text(file)
                case .detail: .text(detail)
                }
            }
        }
    }

    let name: String

    /// Written whole at the end, from the merge's result.
    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        let lines = CompletenessSheet.lines(result, book)
        let fileWidth = fittedWidth(header: Column.file.header, values: lines.map(\.file), minimum: 16, maximum: 45)
        let widths = Column.allCases.map { column -> Double in
            switch column {
            case .number: 6
            case .status: 26
            case .unit: 38
            case .file: fileWidth
            case .detail: 50
            }
        }
        try book.begin(
            stream, "TÌNH TRẠNG NỘP BÁO CÁO", widths: widths, headers: Column.allCases.map { (nil, $0.header) },
            formats: Column.allCases.map { $0 == .number ? Style.center : Style.text }, frozenColumns: 0)
        for (i, line) in lines.enumerated() { try book.row(stream, line.cells(i + 1)) }
        if lines.isEmpty {
            try stream.ws.merge(
                row: stream.firstDataRow, columns: 0...(Column.allCases.count - 1),
                "Tất cả các đơn vị đã nộp bản chính thức.", Style.text)
        }
        try book.end(stream)
    }

    static func lines(_ result: MergeResult, _ book: ConsolidatedWorkbook) -> [Line] {
        let s = result.submissions
        let registry = book.consolidator.registry
        let unitName: (String) -> String = { id in registry.unit(id)?.name ?? id }
        var lines: [Line] = []
        for u in result.missing where s.conflicts[u.id] == nil {
            if let draft = s.draftsOnly[u.id] {
                lines.append(
                    Line(
                        status: "Chỉ có bản nháp", unit: u.name, file: draft.file,
                        detail: "Cập nhật lần cuối \(book.date(draft.submission?.updatedAt))"))
            } else {
                lines.append(Line(status: "Chưa nộp", unit: u.name, file: "", detail: ""))
            }
        }
        for item in s.superseded {
            lines.append(
                Line(
                    status: "Bản cũ đã được thay thế", unit: unitName(item.submission?.unitId ?? ""), file: item.file,
                    detail: "Lần nộp \(item.submission?.revision ?? 0)"))
        }
        for item in s.otherDrafts {
            lines.append(
                Line(
                    status: "Bản nháp không dùng (đã có bản chính thức)", unit: unitName(item.submission?.unitId ?? ""),
                    file: item.file, detail: ""))
        }
        for unit in registry.units.map(\.id) where s.conflicts[unit] != nil {
            for item in s.conflicts[unit]! {
                lines.append(
                    Line(
                        status: "Xung đột: cùng lần nộp, nội dung khác nhau", unit: unitName(unit), file: item.file,
                        detail:
                            "Lần nộp \(item.submission?.revision ?? 0), cập nhật \(book.date(item.submission?.updatedAt)); chưa tổng hợp bản nào — hãy giữ lại một tệp rồi tổng hợp lại"
                    ))
            }
        }
        for copy in s.copies {
            lines.append(
                Line(
                    status: "Bản sao (trùng nội dung)", unit: unitName(copy.file.submission?.unitId ?? ""),
                    file: copy.file.file, detail: "Giống hệt \(copy.of)"))
        }
        for path in result.repeatedInputs {
            lines.append(Line(status: "Đầu vào được nêu hai lần", unit: "", file: path, detail: "Chỉ đọc một lần"))
        }
        for item in s.rejected {
            lines.append(Line(status: "Tệp bị từ chối", unit: "", file: item.file, detail: item.reason.vi))
        }
        for path in result.missingInputs {
            lines.append(Line(status: "Tệp bị từ chối", unit: "", file: path, detail: "Không có tệp hoặc thư mục này"))
        }
        // From the campaign store: the units sent back, with the coordinator's comment.
        for u in registry.units {
            guard let comment = book.reviews?[u.id]?.comment, let state = book.reviewState(u.id) else { continue }
            lines.append(Line(status: state, unit: u.name, file: "", detail: comment))
        }
        return lines
    }
}
