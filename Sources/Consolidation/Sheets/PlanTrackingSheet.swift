import FormKit
import Submissions
import XLSX

/// "Theo dõi kế hoạch": every task and online service each unit promised in last year's plan
/// (Mục 6 of last year's report, `merge --previous`), beside what it reported this year — the
/// time, the completion or level, the reason — and the unit's explanation where it gave one.
/// A promise with no answer this year is marked, as is a unit that has not reported.
struct PlanTrackingSheet: ConsolidatedSheet {
    let name: String
    let form: Form
    /// Last year's answers by unit id.
    let previous: [String: Answers]
    /// The summary's columns, for the implausible jumps they declare.
    let summary: SummarySheet

    static let headers: [(group: String?, header: String)] = [
        (nil, "STT"), (nil, "Đơn vị"), (nil, "Loại"), (nil, "Nhiệm vụ / dịch vụ công"),
        ("Kế hoạch năm trước", "Thời gian / mức đăng ký"), ("Báo cáo năm nay", "Thời gian thực tế / mức hiện tại"),
        ("Báo cáo năm nay", "Hoàn thành (%)"), ("Báo cáo năm nay", "Lý do, ghi chú"), (nil, "Tình trạng"),
        (nil, "Giải trình của đơn vị")
    ]
    static let widths: [Double] = [6, 26, 11, 36, 19, 19, 11, 32, 18, 32]
    /// The column of the status, marked when the promise has no answer.
    static let statusColumn = 8

    func rows(of unit: UnitInput) -> [[Cell]] {
        guard let answers = unit.answers, let id = unit.check.loaded.submission?.unitId, let last = previous[id]
        else { return [] }
        return Self.rows(
            YearOverYear(form: form, last: last), answers: answers,
            explanations: unit.check.loaded.submission?.explanations ?? [:]) + jumps(answers, last)
    }

    /// The summary's indicators that moved beyond their declared factor since last year.
    func jumps(_ answers: Answers, _ last: Answers) -> [[Cell]] {
        summary.twins.compactMap { j in
            let column = summary.columns[j]
            guard case .number(let now) = summary.value(of: j, in: answers),
                case .number(let was) = summary.value(of: j, in: last),
                SummarySheet.isJump(now, was, factor: column.previousYear?.jump)
            else { return nil }
            let change = now >= was ? "Gấp \(Self.shown(now / was)) lần" : "Còn \(Self.shown(now / was * 100)) %"
            return [
                .text("Biến động"), .text((column.group.map { $0 + ": " } ?? "") + column.header),
                .text("Năm trước: \(Self.shown(was))"), .text("Năm nay: \(Self.shown(now))"), .blank,
                .text("Vượt ngưỡng hợp lý (hệ số \(Self.shown(column.previousYear?.jump ?? 0)))"),
                .text(Self.jumpStatus + " — " + change), .blank
            ]
        }
    }

    static let jumpStatus = "Biến động bất thường"

    static func shown(_ x: Double) -> String { ValueParser.vnNumber((x * 10).rounded() / 10) }

    /// One row per promise: the kind, the name, last year's plan, this year's report, the
    /// status and the explanation; `answers` nil when the unit has not reported.
    static func rows(_ carry: YearOverYear, answers: Answers?, explanations: [String: String]) -> [[Cell]] {
        var out: [[Cell]] = []
        let reported = answers?[YearOverYear.taskResults.section, YearOverYear.taskResults.table]?.rows ?? []
        for task in carry.plannedTasks {
            let name = task["name"]?.text ?? ""
            let row = reported.first { $0["name"]?.text?.matchKey == name.matchKey }
            let completion = row?["completion_pct"]?.number
            let status: String
            if answers == nil {
                status = "Chưa nộp báo cáo"
            } else if row == nil {
                status = "Không báo cáo"
            } else if let completion {
                status = completion >= 100 ? "Hoàn thành" : "Chưa hoàn thành"
            } else {
                status = "Thiếu mức hoàn thành"
            }
            out.append([
                .text("Nhiệm vụ"), .text(name), text(task["planned_time"]), text(row?["actual_time"]),
                completion.map { .number($0) } ?? .blank, text(row?["reason"]), .text(status),
                text(explanations["plan_results/tasks/dropped_task:" + name.matchKey].map(Value.text))
            ])
        }
        for p in carry.promises(in: answers ?? Answers()) {
            let status: String
            if answers == nil {
                status = "Chưa nộp báo cáo"
            } else if p.reportedLevel == nil {
                status = "Không báo cáo"
            } else {
                status = p.isKept ? "Đạt mức đăng ký" : "Chưa đạt mức đăng ký"
            }
            out.append([
                .text("Dịch vụ công"), .text(p.name), .text("Mức \(p.targetLevel)"),
                p.reportedLevel.map { .text("Mức \($0)") } ?? .blank, .blank, p.note.map { .text($0) } ?? .blank,
                .text(status),
                text(explanations["online_services/services/promised_service:" + p.name.matchKey].map(Value.text))
            ])
        }
        return out
    }

    static func text(_ v: Value?) -> Cell {
        guard let v, !v.isBlank else { return .blank }
        if case .text(let s) = v { return .text(s) }
        if case .number(let n) = v { return .text(formatNumber(n)) }
        return .blank
    }

    /// The statuses of a promise without an answer this year: marked.
    static let missingStatuses: Set<String> = ["Không báo cáo", "Chưa nộp báo cáo", "Thiếu mức hoàn thành"]

    /// Whether a row's status says the promise has no answer this year.
    static func isMissing(_ cells: [Cell]) -> Bool {
        guard cells.indices.contains(statusColumn - 2), case .text(let s) = cells[statusColumn - 2] else {
            return false
        }
        return missingStatuses.contains(s)
    }

    func begin(_ stream: SheetStream, _ book: ConsolidatedWorkbook, sample: SheetSample) throws {
        let formats =
            [
                Style.center, Style.text, Style.text, Style.text, Style.text, Style.text, Style.number(.percent),
                Style.text
            ]
            + [Style.text, Style.text]
        try book.begin(
            stream, "THEO DÕI THỰC HIỆN KẾ HOẠCH NĂM TRƯỚC", widths: Self.widths, headers: Self.headers,
            formats: formats)
    }

    func write(unit i: Int, _ rows: [[Cell]]?, to stream: SheetStream, _ book: ConsolidatedWorkbook) throws {
        let unit = book.units[i]
        var cells = rows ?? []
        // A unit that has not reported this year: its promises, each marked.
        if rows == nil, let last = previous[unit.id] {
            cells = Self.rows(YearOverYear(form: form, last: last), answers: nil, explanations: [:])
        }
        for c in cells {
            guard let r = try book.row(stream, [.number(Double(stream.count + 1)), .text(unit.name)], c) else {
                continue
            }
            if case .text(let status) = c[Self.statusColumn - 2] {
                if Self.isMissing(c) {
                    try stream.ws.write(r, Self.statusColumn, .text(status), book.missingFormat)
                } else if status.hasPrefix(Self.jumpStatus) {
                    try stream.ws.write(r, Self.statusColumn, .text(status), book.jumpFormat)
                }
            }
        }
    }

    func end(_ stream: SheetStream, _ book: ConsolidatedWorkbook, _ result: MergeResult) throws {
        try book.end(stream)
    }
}
