import FormKit
import Foundation

/// A second year of samples grown out of the first: the same units answer this year's form
/// from last year's report, as units do. Their portals, databases, contacts and software stay;
/// their figures drift (staff a little, online dossiers more); last year's plan (`next_plan`)
/// becomes this year's results (`plan_results`), partly fulfilled — most tasks done, some late
/// with a reason, a few dropped, now and then one added; most services promised at level 3/4
/// are online at that level, some not yet; and a new plan is made for the year after.
///
/// Question ids are read where the plan is concerned (`plan_results.tasks`, `next_plan.tasks`,
/// `next_plan.services`, `online_services.services`, the ones `form next` keeps across years);
/// anything else drifts by its type. What the form's rules reject is put back as last year had it.
extension SampleGenerator {
    static let lateReasons = [
        "Chưa được bố trí kinh phí trong năm.",
        "Chờ hướng dẫn kỹ thuật của Bộ.",
        "Nhà thầu chậm tiến độ, đang gia hạn hợp đồng.",
        "Điều chỉnh phạm vi theo yêu cầu mới, chuyển sang năm sau."
    ]

    static let newTasks = [
        "Nâng cấp hạ tầng mạng nội bộ",
        "Triển khai chữ ký số cho văn bản điện tử",
        "Xây dựng cơ sở dữ liệu chuyên ngành",
        "Đào tạo kỹ năng CNTT cho cán bộ",
        "Bảo đảm an toàn thông tin theo cấp độ",
        "Kết nối hệ thống một cửa với Cổng dịch vụ công quốc gia"
    ]

    /// A complete example of last year's form made this year's: its dates moved on a year (the
    /// base of `sample --previous`, for the units with no report last year).
    public static func movedOn(_ answers: Answers, form: Form) -> Answers {
        var a = answers
        for section in form.sections {
            for field in section.fields where field.type == .date {
                if let s = a[section.id, field.id]?.text, let moved = NextYearForm.nextYearDate(s) {
                    a[section.id, field.id] = .text(moved)
                }
            }
        }
        return a
    }

    /// This year's answers made from last year's; nil when the form's rules could not be met.
    func nextYear(from last: Answers, _ rng: inout SplitMix64) -> Answers? {
        let year = Int(form.parameter("report_year") ?? "") ?? 0
        let planYear = Int(form.parameter("plan_year") ?? "") ?? year + 1
        var a = last
        // Only what this year's form asks: a question dropped is not carried.
        for (sid, fields) in last.sections {
            for fid in fields.keys where form.section(sid)?.fields.first(where: { $0.id == fid }) == nil {
                a[sid, fid] = nil
            }
        }
        for section in form.sections {
            // One factor per section keeps its sums (staff by kind, by degree) near each other.
            let factor = Double.random(in: 0.94...1.12, using: &rng)
            for field in section.fields {
                guard let v = a[section.id, field.id] else { continue }
                a[section.id, field.id] = drifted(v, field, factor: factor, &rng)
            }
        }
        carryPlan(from: last, into: &a, year: year, planYear: planYear, &rng)
        return repairedNextYear(a, last: last)
    }

    /// A value a year on: counts drift by `factor`, percentages rise a little, dates move a year;
    /// texts, choices and years stay; table rows drift cell by cell.
    func drifted(_ v: Value, _ field: Field, factor: Double, _ rng: inout SplitMix64) -> Value {
        switch field.type {
        case .integer, .decimal:
            guard case .number(let n) = v, field.max == nil else { return v }
            let x = n * factor
            return .number(field.type == .integer ? x.rounded() : (x * 10).rounded() / 10)
        case .percent:
            guard case .number(let n) = v else { return v }
            return .number(min(100, (n + Double.random(in: 0...8, using: &rng)).rounded()))
        case .date:
            guard case .text(let s) = v, let moved = NextYearForm.nextYearDate(s) else { return v }
            return .text(moved)
        case .table:
            guard case .rows(let rows) = v else { return v }
            return .rows(
                rows.map { row in
                    var r = row
                    // Now and then a service's dossiers leap (a service newly online nationwide):
                    // the implausible jump the consolidated workbook flags.
                    let leap = Double.random(in: 0..<1, using: &rng) < 0.08
                    for c in field.columns {
                        guard let cell = r[c.id] else { continue }
                        // Online dossiers grow faster than all dossiers: services move online.
                        let f =
                            leap && (c.id == "online_dossiers" || c.id == "total_dossiers")
                            ? 15 : c.id == "online_dossiers" ? Double.random(in: 1.05...1.6, using: &rng) : factor
                        r[c.id] = drifted(cell, c, factor: f, &rng)
                    }
                    if r["status"]?.text == "building", Bool.random(using: &rng) {
                        r["status"] = .text("deployed")
                    }
                    return r
                })
        case .text, .long_text, .email, .url, .phone, .boolean, .choice, .multi_choice, .year:
            return v
        }
    }

    /// Last year's plan turned into this year's results and next year's plan.
    func carryPlan(from last: Answers, into a: inout Answers, year: Int, planYear: Int, _ rng: inout SplitMix64) {
        // Mục 4: each task promised, with what became of it.
        var results: [Row] = []
        var unfinished: [String] = []
        for task in last["next_plan", "tasks"]?.rows ?? [] {
            guard let name = task["name"]?.text else { continue }
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.1 { continue }  // dropped: not reported at all
            var row: Row = ["name": .text(name)]
            if let planned = task["schedule"] { row["planned_time"] = planned }
            if roll < 0.7 {
                row["actual_time"] = task["schedule"] ?? .text(String(year))
                row["completion_pct"] = .number(100)
            } else {
                row["actual_time"] = .text("Đang thực hiện")
                row["completion_pct"] = .number(Double(Int.random(in: 2...9, using: &rng) * 10))
                row["reason"] = .text(Self.lateReasons.randomElement(using: &rng)!)
                unfinished.append(name)
            }
            results.append(row)
        }
        if Double.random(in: 0..<1, using: &rng) < 0.25 {
            results.append([
                "name": .text(Self.newTasks.randomElement(using: &rng)! + " (phát sinh)"),
                "planned_time": .text("Phát sinh trong năm"), "actual_time": .text(String(year)),
                "completion_pct": .number(100)
            ])
        }
        a["plan_results", "tasks"] = results.isEmpty ? nil : .rows(results)

        // Mục 3: services promised at level 3/4, most of them online at that level now.
        var services = a["online_services", "services"]?.rows ?? []
        for promise in last["next_plan", "services"]?.rows ?? [] {
            guard let name = promise["name"]?.text, let level = promise["target_level"]?.number else { continue }
            let at = services.firstIndex { $0["name"]?.text?.matchKey == name.matchKey }
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.7 {
                var row = at.map { services[$0] } ?? ["name": .text(name)]
                row["roadmap_level"] = .number(level)
                row["current_level"] = .number(level)
                row["note"] = nil
                if let at { services[at] = row } else { services.append(row) }
            } else if roll < 0.85, let at {
                // Still below the promise, with the reason the column asks for.
                services[at]["roadmap_level"] = .number(level)
                if (services[at]["current_level"]?.number ?? 0) >= level {
                    services[at]["current_level"] = .number(level - 1)
                }
                services[at]["note"] = .text(Self.lateReasons.randomElement(using: &rng)!)
            } else if let at {
                services.remove(at: at)  // not reported this year
            }
        }
        if !services.isEmpty { a["online_services", "services"] = .rows(services) }

        // Mục 6: next year's plan — what is unfinished, and something new.
        var plan: [Row] = unfinished.map {
            ["name": .text($0), "schedule": .text("Năm \(planYear)"), "funding": .text("recurrent")]
        }
        let fresh = Self.newTasks.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng))
        for name in fresh {
            plan.append([
                "name": .text(name),
                "schedule": .text("Quý \(["I", "II", "III", "IV"].randomElement(using: &rng)!)/\(planYear)"),
                "funding": .text(["recurrent", "project"].randomElement(using: &rng)!)
            ])
        }
        a["next_plan", "tasks"] = .rows(plan)
        let upgrades = services.filter { ($0["current_level"]?.number ?? 4) < 4 }.prefix(2).map { row -> Row in
            ["name": row["name"] ?? .text(""), "target_level": .number(max(3, (row["current_level"]?.number ?? 2) + 1))]
        }
        a["next_plan", "services"] = upgrades.isEmpty ? nil : .rows(Array(upgrades))
    }

    /// What the rules reject put back as last year had it; nil when errors remain.
    func repairedNextYear(_ drafted: Answers, last: Answers) -> Answers? {
        var a = drafted
        for _ in 0..<6 {
            let issues = validator.validate(a)
            if issues.isEmpty { return a }
            var changed = false
            for issue in issues {
                for path in issue.fields {
                    guard let (s, f, column) = form.field(at: path) else { continue }
                    if let column, let row = issue.row, var rows = a[s.id, f.id]?.rows, rows.indices.contains(row - 1) {
                        let before = last[s.id, f.id]?.rows?.first { $0["name"] == rows[row - 1]["name"] }
                        if rows[row - 1][column.id] != before?[column.id] {
                            rows[row - 1][column.id] = before?[column.id]
                            a[s.id, f.id] = .rows(rows)
                            changed = true
                        }
                    } else if column == nil, a[s.id, f.id] != last[s.id, f.id] {
                        a[s.id, f.id] = last[s.id, f.id]
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        // A warning last year's report had already is kept; an error is not.
        return validator.validate(a).contains { $0.severity == .error } ? nil : a
    }
}
