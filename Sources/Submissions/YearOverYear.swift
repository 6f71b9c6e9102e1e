import FormKit
import Foundation

/// What one year's report hands the next (issue 17), in one place for the collector, the
/// sample generator and the merge: which answers are carried forward as they were, how last
/// year's plan (Mục 6) becomes this year's results (Mục 4), and which promised services are
/// missing. Question ids stay stable across years (`form next` keeps them).
public struct YearOverYear: Sendable {
    public let form: Form
    /// Last year's answers, read by this year's questions.
    public let last: Answers

    public init(form: Form, last: Answers) {
        self.form = form
        self.last = last
    }

    /// Where last year's plan of tasks is and where this year's results go, column to column.
    public static let taskPlan = (section: "next_plan", table: "tasks")
    public static let taskResults = (section: "plan_results", table: "tasks")
    public static let taskColumns = [("name", "name"), ("schedule", "planned_time")]
    /// Last year's promised services and this year's online services.
    public static let servicePlan = (section: "next_plan", table: "services")
    public static let servicesNow = (section: "online_services", table: "services")

    /// Whether an answer rarely changes from one year to the next: names, addresses,
    /// contacts, choices — kept; figures, percentages, dates and long texts are asked again,
    /// and the plan sections are not carried (last year's plan becomes `plannedTasks`).
    public static func isStable(_ field: Field) -> Bool {
        switch field.type {
        case .text, .email, .phone, .url, .choice, .multi_choice, .boolean: return true
        case .table: return field.columns.allSatisfy { isStable($0) || $0.type == .year }
        case .integer, .decimal, .percent, .year, .date, .long_text: return false
        }
    }

    /// Last year's answer to a question, when it is one carried forward.
    public func carried(_ section: Section, _ field: Field) -> Value? {
        guard section.id != Self.taskPlan.section, section.id != Self.taskResults.section else { return nil }
        guard let v = last.answered(section.id, field.id) else { return nil }
        if field.type == .table {
            // A table of stable columns is carried whole; a table with figures keeps its
            // stable columns (a database's name, scope, storage), the figures asked again.
            guard case .rows(let rows) = v, field.columns.contains(where: { Self.isStable($0) }) else { return nil }
            let kept = rows.map {
                $0.filter { k, _ in field.column(k).map { Self.isStable($0) || $0.type == .year } ?? false }
            }
            return kept.isEmpty ? nil : .rows(kept)
        }
        return Self.isStable(field) ? v : nil
    }

    /// Every answer carried forward, by section and question.
    public var carriedAnswers: Answers {
        var a = Answers()
        for s in form.sections {
            for f in s.fields { if let v = carried(s, f) { a[s.id, f.id] = v } }
        }
        return a
    }

    /// `answers` with what is not answered yet taken from last year: what rarely changes as last
    /// year had it, and last year's plan as this year's task rows. Also the questions filled, in
    /// form order. The one filling `collect --previous --no-input` and the web form start from.
    public func filling(_ answers: Answers) -> (answers: Answers, taken: [Field]) {
        var out = answers
        var taken: [Field] = []
        for section in form.sections {
            for field in section.fields where out.answered(section.id, field.id) == nil {
                if section.id == Self.taskResults.section && field.id == Self.taskResults.table {
                    let planned = plannedTasks
                    if planned.isEmpty { continue }
                    out[section.id, field.id] = .rows(planned)
                } else if let v = carried(section, field) {
                    out[section.id, field.id] = v
                } else {
                    continue
                }
                taken.append(field)
            }
        }
        return (out, taken)
    }

    /// Last year's planned tasks as this year's result rows: name and planned time filled in.
    public var plannedTasks: [Row] {
        (last[Self.taskPlan.section, Self.taskPlan.table]?.rows ?? []).compactMap { task in
            var row: Row = [:]
            for (from, to) in Self.taskColumns { if let v = task[from], !v.isBlank { row[to] = v } }
            return row["name"] == nil ? nil : row
        }
    }

    /// A service promised last year (level 3 or 4) and what this year's answers say of it.
    public struct Promise: Sendable, Equatable {
        public var name: String
        public var targetLevel: Int
        /// The level reported this year; nil when the service is not reported at all.
        public var reportedLevel: Int?
        /// The note given with it this year (the reason, when below the promise).
        public var note: String?
        public var isKept: Bool { (reportedLevel ?? 0) >= targetLevel }
    }

    /// Every service promised at level 3/4 last year, matched by name with this year's.
    public func promises(in answers: Answers) -> [Promise] {
        let now = answers[Self.servicesNow.section, Self.servicesNow.table]?.rows ?? []
        return (last[Self.servicePlan.section, Self.servicePlan.table]?.rows ?? []).compactMap { p in
            guard let name = p["name"]?.text, let level = p["target_level"]?.number, level >= 3 else { return nil }
            let row = now.first { $0["name"]?.text?.matchKey == name.matchKey }
            return Promise(
                name: name, targetLevel: Int(level), reportedLevel: row?["current_level"]?.number.map { Int($0) },
                note: row?["note"]?.text)
        }
    }

    /// What this year's answers leave open of last year's plan, as issues the collector and
    /// `validate` handle like the form's own: a task of the plan not reported (a warning to
    /// explain: dropped), a task reported without its completion (an error: the unit must say),
    /// a service promised at level 3/4 not reported at that level (a warning to explain).
    public func issues(in answers: Answers) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        let (rs, rt) = Self.taskResults
        let reported = answers[rs, rt]?.rows ?? []
        let names = Set(reported.compactMap { $0["name"]?.text?.matchKey })
        let planned = plannedTasks.compactMap { $0["name"]?.text }
        for name in planned where !names.contains(name.matchKey) {
            out.append(
                ValidationIssue(
                    severity: .warning, section: rs, field: rt, rule: "dropped_task:" + name.matchKey,
                    message: L(
                        "Nhiệm vụ \"\(name)\" trong kế hoạch năm trước không được báo cáo năm nay (bỏ, hoãn hay gộp vào nhiệm vụ khác?)",
                        "The task \"\(name)\" of last year's plan is not reported this year (dropped, postponed or merged into another?)"
                    ), fields: ["\(rs).\(rt)"]))
        }
        let plannedKeys = Set(planned.map(\.matchKey))
        for (i, row) in reported.enumerated() {
            guard let name = row["name"]?.text, plannedKeys.contains(name.matchKey), row["completion_pct"] == nil
            else { continue }
            out.append(
                ValidationIssue(
                    severity: .error, section: rs, field: rt, column: "completion_pct", row: i + 1,
                    rule: "carried_task",
                    message: L(
                        "Nhiệm vụ \"\(name)\" của kế hoạch năm trước: hãy nêu mức độ hoàn thành (%)",
                        "The task \"\(name)\" of last year's plan: give its completion (%)"),
                    fields: ["\(rs).\(rt)[].completion_pct"]))
        }
        let (ss, st) = Self.servicesNow
        for p in promises(in: answers) where !p.isKept {
            let message: LocalizedText
            if let level = p.reportedLevel {
                message = L(
                    "Dịch vụ \"\(p.name)\" đăng ký mức \(p.targetLevel) trong kế hoạch năm trước, năm nay báo cáo mức \(level)",
                    "The service \"\(p.name)\" was promised at level \(p.targetLevel) in last year's plan and is reported at level \(level)"
                )
            } else {
                message = L(
                    "Dịch vụ \"\(p.name)\" đăng ký mức \(p.targetLevel) trong kế hoạch năm trước nhưng năm nay không có trong danh sách dịch vụ công trực tuyến",
                    "The service \"\(p.name)\" was promised at level \(p.targetLevel) in last year's plan but is not among this year's online services"
                )
            }
            out.append(
                ValidationIssue(
                    severity: .warning, section: ss, field: st, rule: "promised_service:" + p.name.matchKey,
                    message: message, fields: ["\(ss).\(st)"]))
        }
        return out
    }
}
