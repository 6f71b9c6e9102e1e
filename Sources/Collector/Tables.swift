import FormKit
import Foundation
import Submissions

extension CollectorSession {
    /// A table: rows asked column by column, "add another row?" after each, row rules
    /// checked at the end of the row, min/max rows respected.
    func askTable(_ section: Section, _ table: Field, step: Int) throws(Flow) {
        let lang = options.language
        say()
        say(palette.bold(table.heading(lang)))
        if let help = table.help { say(palette.dim(help.text(lang))) }
        var limits: [String] = []
        if let lo = table.minRows, lo > 0 {
            limits.append(L("ít nhất \(lo) dòng", "at least \(lo) rows").text(language))
        }
        if let hi = table.maxRows { limits.append(L("tối đa \(hi) dòng", "at most \(hi) rows").text(language)) }
        say(
            palette.dim(
                "  (" + L("bảng, nhập từng dòng", "a table, entered row by row").text(language)
                    + (limits.isEmpty ? "" : "; " + limits.joined(separator: ", ")) + ")"))
        say(
            palette.dim(
                "  " + L("Mỗi dòng gồm: ", "Each row has: ").text(language)
                    + table.columns.map { $0.label.text(lang) }.joined(separator: " · ")))
        var rows = submission.answers[section.id, table.id]?.rows ?? []
        // Last year's report: its plan becomes this table's rows, or its rows are offered again.
        var addQuestion: LocalizedText?
        if rows.isEmpty, let carry {
            if section.id == YearOverYear.taskResults.section && table.id == YearOverYear.taskResults.table {
                let planned = carry.plannedTasks
                if !planned.isEmpty {
                    rows = try askPlannedTasks(section, table, planned)
                    addQuestion = L(
                        "Có nhiệm vụ phát sinh ngoài kế hoạch năm trước cần báo cáo không? (c/k)",
                        "Any task outside last year's plan to report? (y/n)")
                }
            } else if case .rows(let last)? = carry.carried(section, table) {
                rows = try askCarriedRows(section, table, last)
            }
        } else if !rows.isEmpty {
            say(L("  Bảng đang có \(rows.count) dòng:", "  The table has \(rows.count) rows:").text(language))
            for (i, r) in rows.enumerated() { say("    \(i + 1). " + rowSummary(r, table)) }
        }
        while true {
            if let hi = table.maxRows, rows.count >= hi {
                say(
                    palette.dim(
                        L("  Đã đủ số dòng tối đa (\(hi)).", "  The table is full (\(hi) rows).").text(language)))
                break
            }
            if rows.count >= (table.minRows ?? 0) {
                let question =
                    addQuestion?.text(language)
                    ?? (rows.isEmpty
                        ? L(
                            "Có dòng nào cần khai trong bảng này không? (c/k)", "Any rows to enter in this table? (y/n)"
                        )
                        .text(language)
                        : L("Thêm một dòng nữa? (c/k)", "Add another row? (y/n)").text(language))
                guard try askYesNo(question, default: false) else { break }
            }
            let row = try askRow(section, table, number: rows.count + 1, current: [:], committed: rows)
            rows.append(row)
            submission.answers[section.id, table.id] = .rows(rows)
            saveDraft()
        }
        accept(rows.isEmpty ? nil : .rows(rows), step)
    }

    /// One row: its columns in order, then its row rules. `<` on the first column leaves the
    /// row (dropped) and goes back to the question before. Row `number` goes after (or, when
    /// it exists, in place of) the rows of `committed`; each of its cells is saved in the draft
    /// as it is accepted, so an unfinished row is not lost to Ctrl-C or the end of input.
    /// `lastYear`: the row's cells as last year's report had them, offered in brackets.
    func askRow(
        _ section: Section, _ table: Field, number: Int, current: Row, committed: [Row], lastYear: Row = [:]
    ) throws(Flow) -> Row {
        say(palette.accent(L("  — Dòng \(number) —", "  — Row \(number) —").text(language)))
        func keep(_ row: Row?) {
            var all = committed
            if let row { if number - 1 < all.count { all[number - 1] = row } else { all.append(row) } }
            submission.answers[section.id, table.id] = all.isEmpty ? nil : .rows(all)
            saveDraft()
        }
        var row = current
        var i = 0
        var asked: [Int] = []
        while i < table.columns.count {
            let column = table.columns[i]
            guard validator.isRelevant(column, submission.answers, row: row) else {
                row[column.id] = nil
                i += 1
                continue
            }
            do {
                let fromLastYear = lastYear[column.id]
                row[column.id] = try askValue(
                    column, current: row[column.id] == fromLastYear ? nil : row[column.id],
                    required: validator.isRequired(column, submission.answers, row: row), row: row,
                    carried: fromLastYear)
                keep(row)
                asked.append(i)
                i += 1
            } catch Flow.back {
                guard let previous = asked.popLast() else {
                    keep(nil)
                    throw Flow.back
                }
                i = previous
            }
        }
        // Row rules: say what is wrong and ask again the columns the rule reads, once.
        for issue in validator.checkRow(row, number: number, of: table, in: section, submission.answers)
        where issue.rule != "required" && issue.rule != "invalid" {
            let columns = issue.fields.compactMap { form.field(at: $0)?.column }
            let names = columns.map { "\"\($0.label.text(options.language))\"" }.joined(separator: ", ")
            let mark =
                issue.severity == .error
                ? palette.error("✗ " + L("Lỗi", "Error").text(language))
                : palette.warning("⚠ " + L("Cảnh báo", "Warning").text(language))
            say("  \(mark): \(issue.message.text(options.language))")
            say(palette.dim("    " + L("Các cột liên quan: ", "Columns involved: ").text(language) + names))
            guard issue.severity == .error else { continue }
            say(
                palette.dim(
                    "    "
                        + L(
                            "Sửa lại các cột này (Enter để giữ nguyên):", "Correct these columns (Enter keeps a value):"
                        ).text(language)))
            for column in columns where validator.isRelevant(column, submission.answers, row: row) {
                row[column.id] = try askValue(
                    column, current: row[column.id],
                    required: validator.isRequired(column, submission.answers, row: row), row: row)
                keep(row)
            }
        }
        return row
    }

    /// Last year's planned tasks, one by one: reported (its row asked, name and planned time
    /// offered as last year wrote them) or not (dropped; explained when finalizing).
    func askPlannedTasks(_ section: Section, _ table: Field, _ planned: [Row]) throws(Flow) -> [Row] {
        say(
            L(
                "  Kế hoạch năm trước có \(planned.count) nhiệm vụ. Với mỗi nhiệm vụ, hãy nêu kết quả; tên và thời gian dự kiến đã điền sẵn (Enter để giữ).",
                "  Last year's plan has \(planned.count) tasks. Give the result of each; the name and planned time are filled in (Enter keeps them)."
            ).text(language))
        var rows: [Row] = []
        for (i, task) in planned.enumerated() {
            say()
            say(
                palette.bold(
                    L(
                        "  Nhiệm vụ \(i + 1)/\(planned.count) của kế hoạch năm trước: ",
                        "  Task \(i + 1)/\(planned.count) of last year's plan: "
                    )
                    .text(language)) + (task["name"]?.text ?? "")
                    + (task["planned_time"]?.text.map { L(" (dự kiến: \($0))", " (planned: \($0))").text(language) }
                        ?? ""))
            guard
                try askYesNo(
                    L(
                        "Báo cáo kết quả nhiệm vụ này? (c: có / k: không — nhiệm vụ bị bỏ hoặc hoãn, giải trình khi hoàn tất)",
                        "Report on this task? (y: yes / n: no — dropped or postponed, explained when finalizing)"
                    ).text(language), default: true)
            else { continue }
            let row = try askRow(section, table, number: rows.count + 1, current: [:], committed: rows, lastYear: task)
            rows.append(row)
            submission.answers[section.id, table.id] = .rows(rows)
            saveDraft()
        }
        return rows
    }

    /// Last year's rows of a table that rarely changes (portals, databases): kept whole, or
    /// row by row when the table has figures to give again, or entered afresh.
    func askCarriedRows(_ section: Section, _ table: Field, _ last: [Row]) throws(Flow) -> [Row] {
        say(
            L("  Năm trước bảng này có \(last.count) dòng:", "  Last year this table had \(last.count) rows:").text(
                language))
        for (i, r) in last.enumerated() { say("    \(i + 1). " + rowSummary(r, table)) }
        guard
            try askYesNo(
                L(
                    "Giữ các dòng của năm trước? (c: giữ / k: nhập lại từ đầu)",
                    "Keep last year's rows? (y: keep / n: enter them afresh)"
                ).text(language), default: true)
        else { return [] }
        let complete = table.columns.allSatisfy { YearOverYear.isStable($0) || $0.type == .year }
        if complete {
            submission.answers[section.id, table.id] = .rows(last)
            saveDraft()
            return last
        }
        say(
            palette.dim(
                L(
                    "  Xem từng dòng: Enter giữ giá trị năm trước, số liệu năm nay cần nhập lại.",
                    "  Row by row: Enter keeps last year's value; this year's figures are asked again."
                ).text(language)))
        var rows: [Row] = []
        for r in last {
            let row = try askRow(section, table, number: rows.count + 1, current: [:], committed: rows, lastYear: r)
            rows.append(row)
            submission.answers[section.id, table.id] = .rows(rows)
            saveDraft()
        }
        return rows
    }

    func rowSummary(_ row: Row, _ table: Field) -> String {
        table.columns.compactMap { c in row[c.id].map { form.display($0, of: c, options.language) } }
            .filter { !$0.isEmpty }.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 }.joined(separator: " | ")
    }
}
