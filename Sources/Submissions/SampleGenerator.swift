import FormKit
import Foundation

/// A small, fast, seedable generator: the same seed gives the same samples on every machine.
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Realistic, reproducible submissions for demos, tests and the benchmark.
///
/// It knows nothing of the annual report itself: it varies a complete, valid example
/// (numbers scaled, texts and contacts made the unit's own, table rows added or dropped),
/// answers the questions its profiles describe as they say for the unit's kind (Vụ, Cục,
/// Viện…: names, figures spread over the kind's ranges, tables of the unit's own services and
/// databases; `SampleProfiles`, a data file keyed by question paths), repairs what the form's
/// rules reject, and then deliberately breaks a few units (warnings with explanations, some
/// errors, drafts, superseded revisions, missing units). So it keeps working when next year's
/// form changes.
public struct SampleGenerator {
    public let form: Form
    public let base: Answers
    public let baseUnitName: String
    public let seed: UInt64
    /// What is known of the units' kinds and of some units (Examples/sample-profiles.yaml).
    public let profiles: SampleProfiles
    /// Last year's final answers by unit id (`sample --previous`): a unit found here answers
    /// this year from them (`nextYear(from:)`), the others as a first year.
    public var previous: [String: Answers] = [:]
    let validator: Validator

    /// What was generated, unit by unit.
    public struct Summary: Sendable {
        public var units: Int = 0
        public var finals: Int = 0
        public var withWarnings: Int = 0
        public var withErrors: Int = 0
        public var draftsOnly: Int = 0
        public var superseded: Int = 0
        public var missing: Int = 0
        public var files: Int = 0
    }

    public init(form: Form, base: Answers, baseUnitName: String, seed: UInt64, profiles: SampleProfiles = .none) {
        self.form = form
        self.base = base
        self.baseUnitName = baseUnitName
        self.seed = seed
        self.profiles = profiles
        self.validator = Validator(form: form)
    }

    /// The registry's units, then synthetic ones up to `count` (or the first `count` units).
    /// The most units a sample may have (ten times the benchmark's largest).
    public static let maxCount = 100_000

    /// The first `count` units of the registry, then made-up ones; `count` at most `maxCount`.
    public static func units(_ registry: UnitRegistry, count: Int?) -> [ReportingUnit] {
        let n = min(count ?? registry.units.count, maxCount)
        if n <= registry.units.count { return Array(registry.units.prefix(n)) }
        return registry.units
            + (registry.units.count..<n).map {
                ReportingUnit(
                    id: String(format: "don-vi-%05d", $0 + 1), name: "Đơn vị mẫu số \($0 + 1)",
                    shortName: "ĐV \($0 + 1)")
            }
    }

    /// Writes the submissions into `directory` (and the units sampled, as units.yaml).
    public func generate(units: [ReportingUnit], into directory: URL) throws -> Summary {
        var summary = Summary()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (i, unit) in units.enumerated() {
            var rng = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(i))
            summary.units += 1
            let roll = Double.random(in: 0..<1, using: &rng)
            let created = reportStart.addingTimeInterval(
                Double(Int.random(in: 0...20, using: &rng)) * 86_400 + Double(i % 600) * 60)
            var answers = vary(for: unit, &rng)
            if roll < 0.05 {
                summary.missing += 1
                continue
            }
            if roll < 0.10 {
                // A draft left half-done: the later sections are not answered yet.
                let keep = Int.random(in: 1...max(1, form.sections.count / 2), using: &rng)
                for s in form.sections.dropFirst(keep) { answers.sections[s.id] = nil }
                var draft = Submission(
                    form: form, unitId: unit.id, unitName: unit.name, status: .draft, answers: answers, now: created)
                draft.resumeAt = form.sections[keep].id
                try draft.save(to: directory.appendingPathComponent("\(unit.id).draft.json"))
                summary.draftsOnly += 1
                summary.files += 1
                continue
            }
            var explanations: [String: String] = [:]
            // The second year: most units explain what became of a promise they do not report.
            if let last = previous[unit.id] {
                for issue in YearOverYear(form: form, last: last).issues(in: answers)
                where issue.severity == .warning && Double.random(in: 0..<1, using: &rng) < 0.7 {
                    let reasons =
                        issue.rule.hasPrefix("promised_service") ? Self.serviceExplanations : Self.taskExplanations
                    explanations[issue.key] = reasons.randomElement(using: &rng)!
                }
            }
            if roll < 0.28 {
                if let issue = breakRule(severity: .warning, in: &answers, &rng) {
                    explanations[issue.key] = Self.explanations.randomElement(using: &rng)!
                    summary.withWarnings += 1
                }
            } else if roll < 0.32 {
                if breakRule(severity: .error, in: &answers, &rng) != nil { summary.withErrors += 1 }
            }
            var revision = 1
            if Double.random(in: 0..<1, using: &rng) < 0.15 {
                // An earlier final revision, superseded by the one below.
                var old = Submission(
                    form: form, unitId: unit.id, unitName: unit.name, status: .final, revision: 1,
                    answers: vary(for: unit, &rng), now: created)
                old.updatedAt = created.addingTimeInterval(3_600)
                try old.save(to: directory.appendingPathComponent("\(unit.id).r1.json"))
                summary.superseded += 1
                summary.files += 1
                revision = 2
            }
            let finalized = created.addingTimeInterval(Double(revision) * 86_400)
            var s = Submission(
                form: form, unitId: unit.id, unitName: unit.name, status: .final, revision: revision,
                answers: answers, explanations: explanations, now: created)
            s.updatedAt = finalized
            s.finalizedAt = finalized
            try s.save(to: directory.appendingPathComponent("\(unit.id).json"))
            summary.finals += 1
            summary.files += 1
        }
        var yaml = "# Các đơn vị của bộ dữ liệu mẫu (ictreport sample, seed \(seed)).\nunits:\n"
        for u in units {
            yaml +=
                "  - {id: \(u.id), name: \"\(u.name.replacingOccurrences(of: "\"", with: "'"))\", short: \"\(u.shortName.replacingOccurrences(of: "\"", with: "'"))\"}\n"
        }
        try writeAtomically(Data(yaml.utf8), to: directory.appendingPathComponent("units.yaml"))
        return summary
    }

    /// One unit's answers, made as `generate` makes a final's before it plants a break: for
    /// the fuzz target of the profiles, which makes answers in memory.
    package func answers(for unit: ReportingUnit, index: Int) -> Answers {
        var rng = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(index))
        return vary(for: unit, &rng)
    }

    var reportStart: Date {
        let end = form.parameter("period_end").flatMap { try? Date($0 + "T08:00:00Z", strategy: .iso8601) }
        return end ?? Date(timeIntervalSince1970: 1_541_000_000)
    }

    static let taskExplanations = [
        "Nhiệm vụ được gộp vào dự án chung của Bộ.",
        "Hoãn sang năm sau do chưa được bố trí kinh phí.",
        "Nhiệm vụ không còn phù hợp sau khi điều chỉnh kế hoạch."
    ]
    static let serviceExplanations = [
        "Dịch vụ đang chờ tích hợp với Cổng dịch vụ công quốc gia.",
        "Thủ tục hành chính đã được bãi bỏ theo quyết định mới.",
        "Chưa có chữ ký số cho người nộp hồ sơ cá nhân."
    ]

    static let explanations = [
        "Số liệu đã được rà soát lại, đúng với thực tế của đơn vị.",
        "Một số cán bộ đang đi học, chưa có văn bằng chuyên ngành CNTT.",
        "Đơn vị có thủ tục được cung cấp ở nhiều mức độ khác nhau.",
        "Số liệu tính cả các đơn vị sự nghiệp trực thuộc.",
        "Đơn vị đang rà soát danh sách, sẽ cập nhật trong kỳ sau."
    ]

    // MARK: Varying the example

    /// The example made this unit's own, with its numbers varied, and valid: the questions the
    /// profiles describe answered as they say, the others varied from the example.
    func vary(for unit: ReportingUnit, _ rng: inout SplitMix64) -> Answers {
        // A whole factor keeps the example's sums and inequalities true, so little needs repair.
        if let last = previous[unit.id], let answers = nextYear(from: last, &rng) { return answers }
        let scale = Double([1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12][Int.random(in: 0...10, using: &rng)])
        var draft = SampleDraft(generator: self, unit: unit, plan: profiles.plan(for: unit), scale: scale, rng: rng)
        draft.fill()
        let answers = draft.repaired()
        rng = draft.rng
        return answers ?? baseFor(unit)
    }

    func varied(_ v: Value, _ field: Field, unit: ReportingUnit, scale: Double, copy: Int, _ rng: inout SplitMix64)
        -> Value
    {
        switch field.type {
        case .integer, .decimal, .percent:
            guard case .number(let n) = v else { return v }
            if field.max == nil, field.type != .percent {
                return .number(field.type == .integer ? (n * scale).rounded() : n * scale)
            }
            let b = ValueParser.check(.number(0), for: field) == nil ? 0.0 : (field.min ?? 0)
            let hi = field.type == .percent ? 100 : (field.max ?? b + 100)
            if field.type != .percent, Double.random(in: 0..<1, using: &rng) < 0.5 { return .number(n) }
            let r = Double.random(in: b...hi, using: &rng)
            return .number(field.type == .decimal || field.type == .percent ? (r * 10).rounded() / 10 : r.rounded())
        case .year:
            // The example's year, or another within the field's bounds (never scaled).
            guard case .number(let n) = v, Double.random(in: 0..<1, using: &rng) >= 0.5 else { return v }
            let lo = field.min ?? n - 10
            let hi = field.max ?? n
            return lo <= hi ? .number(Double.random(in: lo...hi, using: &rng).rounded()) : v
        case .email:
            guard case .text(let s) = v else { return v }
            return .text((s.split(separator: "@").first.map(String.init) ?? "lienhe") + "@" + unit.id + ".most.gov.vn")
        case .url:
            guard case .text = v else { return v }
            return .text("https://\(unit.id).most.gov.vn")
        case .phone:
            guard case .text = v else { return v }
            return .text(
                "024 3"
                    + String(
                        format: "%03d %04d", Int.random(in: 0...999, using: &rng), Int.random(in: 0...9999, using: &rng)
                    ))
        case .text, .long_text:
            guard case .text(let s) = v else { return v }
            let own = s.replacingOccurrences(of: baseUnitName, with: unit.name)
            return .text(copy > 0 ? "\(own) (\(copy + 1))" : own)
        case .date, .boolean, .choice, .multi_choice:
            // Kept as the example has them: valid by construction.
            return v
        case .table:
            // Its rows are varied cell by cell (see `SampleDraft.fillTable`).
            return v
        }
    }

    /// The example unchanged but for the unit's own name: valid by construction.
    func baseFor(_ unit: ReportingUnit) -> Answers {
        var a = base
        for (sid, fields) in base.sections {
            for (fid, v) in fields {
                if case .text(let s) = v {
                    a[sid, fid] = .text(s.replacingOccurrences(of: baseUnitName, with: unit.name))
                }
            }
        }
        return a
    }

    /// Nudges a number a rule reads until that rule (and no other) fires; the issue, if it worked.
    func breakRule(severity: Severity, in answers: inout Answers, _ rng: inout SplitMix64) -> ValidationIssue? {
        let rules = (form.sections.flatMap(\.rules) + form.rules).filter { $0.severity == severity }.shuffled(
            using: &rng)
        for rule in rules {
            let numeric = rule.condition.references.compactMap { form.field(at: $0) }.filter {
                $0.column == nil && $0.field.type.isNumeric
            }
            for target in numeric.shuffled(using: &rng) {
                for delta in [1.0, 3, 7, 20, -1, -3, -7, -20, 100] {
                    var a = answers
                    guard let n = a[target.section.id, target.field.id]?.number else { continue }
                    a[target.section.id, target.field.id] = .number(n + delta)
                    let issues = validator.validate(a)
                    let fired = issues.first { $0.rule == rule.id }
                    // Only that rule: another warning would stand unexplained, another error unplanned.
                    if let fired, issues.allSatisfy({ $0.rule == rule.id }) {
                        answers = a
                        return fired
                    }
                }
            }
        }
        return nil
    }
}
