import FormKit
import Foundation

/// One unit's answers while the sample generator makes them: each question answered as the
/// unit's plan says (`SampleProfiles.Spec`), or varied from the example when the plan does not
/// mention it; then repaired until the form's rules accept them.
struct SampleDraft {
    let generator: SampleGenerator
    let unit: ReportingUnit
    let plan: SampleProfiles.Plan
    let scale: Double
    var rng: SplitMix64
    var answers = Answers()

    /// Questions outside tables already answered, and those being answered (`share`, `rest`
    /// answer what they read first).
    private var made: Set<String> = []
    private var making: Set<String> = []
    /// Drawn when first used, so that a plan that does not use them draws nothing.
    private var person: String?
    private var domain: String?
    private var subunits: [String]?
    private var nextSubunit = 0
    /// Placeholders left to fill in the text being made (see `expand`).
    private var budget = 0

    init(generator: SampleGenerator, unit: ReportingUnit, plan: SampleProfiles.Plan, scale: Double, rng: SplitMix64) {
        self.generator = generator
        self.unit = unit
        self.plan = plan
        self.scale = scale
        self.rng = rng
    }

    var form: Form { generator.form }
    var base: Answers { generator.base }

    // MARK: Filling in

    mutating func fill() {
        var later: [(Section, Field)] = []
        for section in form.sections {
            for field in section.fields {
                if field.type == .table {
                    fillTable(section, field)
                } else if isDeferred(field, "\(section.id).\(field.id)") {
                    later.append((section, field))
                } else {
                    make(section, field)
                }
            }
        }
        for (section, field) in later where generator.validator.isRequired(field, answers) { make(section, field) }
        if !plan.isEmpty { answers = generator.validator.relevantAnswers(answers) }
    }

    /// An optional question the plan answers only when the form requires it (`required_when`):
    /// a note is written where a reason is due, not on every row.
    func isDeferred(_ field: Field, _ path: String) -> Bool {
        !field.required && field.requiredWhen != nil && plan.fields[path] != nil
    }

    /// Answers a question outside tables (once), and first what its answer is computed from.
    mutating func make(_ section: Section, _ field: Field) {
        let path = "\(section.id).\(field.id)"
        // The loader refuses answers computed from each other in a circle; this keeps one
        // built in code from recursing.
        guard !made.contains(path), making.insert(path).inserted else { return }
        defer {
            making.remove(path)
            made.insert(path)
        }
        if let spec = plan.fields[path] {
            let refs = spec.references.map { ref -> Double in
                guard let (s, f, _) = form.field(at: ref) else { return 0 }
                make(s, f)
                return answers[s.id, f.id]?.number ?? 0
            }
            var random: Queue?
            answers[section.id, field.id] = value(spec, field, refs: refs, queue: &random)
        } else if let b = base[section.id, field.id] {
            answers[section.id, field.id] = generator.varied(b, field, unit: unit, scale: scale, copy: 0, &rng)
        }
    }

    /// Where a row's cells come from.
    struct RowSource {
        /// The table's path (`section.table`).
        var path: String
        /// The example's row this one varies (rows cycle through the example's).
        var base: Row?
        /// How many times the example's rows were used before this row ("(2)" on its texts).
        var copy: Int
        /// A row written out in the profiles.
        var record: Row?
    }

    /// The values of a pool column, shuffled once per table: rows take them in turn, so that
    /// no two rows repeat a name while the pool lasts.
    struct Queue {
        var items: [Value]
        var next = 0
    }

    mutating func fillTable(_ section: Section, _ table: Field) {
        let path = "\(section.id).\(table.id)"
        let tableSpec = plan.fields[path]
        let columnSpecs = table.columns.map { plan.fields["\(path)[].\($0.id)"] }
        let baseValue = base[section.id, table.id]
        let baseRows = baseValue?.rows ?? []
        if tableSpec == nil && columnSpecs.allSatisfy({ $0 == nil }) {
            // Not in the plan: the example's rows, some dropped or repeated, each varied.
            guard let baseValue else { return }
            guard !baseRows.isEmpty else {
                answers[section.id, table.id] = generator.varied(
                    baseValue, table, unit: unit, scale: scale, copy: 0, &rng)
                return
            }
            let n = Int.random(in: 0...(baseRows.count + 2), using: &rng)
            answers[section.id, table.id] = .rows(
                (0..<n).map { i in
                    var row: Row = [:]
                    for col in table.columns {
                        guard let cell = baseRows[i % baseRows.count][col.id] else { continue }
                        row[col.id] = generator.varied(
                            cell, col, unit: unit, scale: scale, copy: i / baseRows.count, &rng)
                    }
                    return row
                })
            return
        }
        var rowsRange: ClosedRange<Int>?
        var first: [Row] = []
        var records: [Row] = []
        switch tableSpec {
        case .empty:
            answers[section.id, table.id] = .rows([])
            return
        case .table(let r, let f, let rec):
            (rowsRange, first, records) = (r, f, rec)
        case .pool, .range, .share, .rest, nil:
            break
        }
        records.shuffle(using: &rng)
        var n: Int
        if let rowsRange {
            n = Int.random(in: rowsRange, using: &rng)
        } else if !first.isEmpty || !records.isEmpty {
            n = first.count + records.count
        } else {
            n = Int.random(in: 0...(baseRows.count + 2), using: &rng)
        }
        // Rows beyond those written out are made column by column: only when the plan says how
        // to answer every required column (the example's rows are another unit's).
        if !first.isEmpty || !records.isEmpty,
            zip(table.columns, columnSpecs).contains(where: { $0.required && $1 == nil })
        {
            n = min(n, first.count + records.count)
        }
        var queues: [String: Queue] = [:]
        for (col, spec) in zip(table.columns, columnSpecs) {
            guard case .pool(let items) = spec else { continue }
            queues[col.id] = Queue(items: items.shuffled(using: &rng))
            // A row names something: no more rows than there are distinct names.
            if col.required && col.type.isTextual { n = min(n, first.count + records.count + capacity(items)) }
        }
        var rows: [Row] = []
        for i in 0..<n {
            let k = i - first.count
            let source = RowSource(
                path: path, base: baseRows.isEmpty ? nil : baseRows[i % baseRows.count],
                copy: baseRows.isEmpty ? 0 : i / baseRows.count,
                record: i < first.count ? first[i] : k < records.count ? records[k] : nil)
            var row: Row = [:]
            var done: Set<String> = []
            for col in table.columns where source.record?[col.id] != nil || !isDeferred(col, "\(path)[].\(col.id)") {
                cell(col, source, &row, &done, &queues)
            }
            for col in table.columns where !done.contains(col.id) {
                if generator.validator.isRequired(col, answers, row: row) { cell(col, source, &row, &done, &queues) }
            }
            rows.append(row)
        }
        answers[section.id, table.id] = .rows(rows)
    }

    /// How many distinct texts a pool gives: its items, a `{sub}` one standing for every sub-unit.
    func capacity(_ items: [Value]) -> Int {
        let subs = items.filter { $0.text?.contains("{sub}") ?? false }.count
        return items.count - subs + (subs > 0 ? plan.subunits.count : 0)
    }

    /// Answers one cell (once), and first the cells of the row it is computed from.
    mutating func cell(
        _ col: Field, _ source: RowSource, _ row: inout Row, _ done: inout Set<String>, _ queues: inout [String: Queue]
    ) {
        guard done.insert(col.id).inserted else { return }
        let key = "\(source.path)[].\(col.id)"
        if let v = source.record?[col.id] {
            row[col.id] = filledIn(v, col)
        } else if let spec = plan.fields[key] {
            var refs: [Double] = []
            for ref in spec.references {
                guard let (s, f, c) = form.field(at: ref) else {
                    refs.append(0)
                    continue
                }
                if let c {
                    cell(c, source, &row, &done, &queues)
                    refs.append(row[c.id]?.number ?? 0)
                } else {
                    make(s, f)
                    refs.append(answers[s.id, f.id]?.number ?? 0)
                }
            }
            row[col.id] = value(spec, col, refs: refs, queue: &queues[col.id])
        } else if let b = source.base?[col.id] {
            row[col.id] = generator.varied(b, col, unit: unit, scale: scale, copy: source.copy, &rng)
        }
    }

    // MARK: One value

    /// A value as `spec` says; `refs` are the answers it reads, `queue` a table column's pool
    /// (nil: a value drawn at random).
    mutating func value(_ spec: SampleProfiles.Spec, _ field: Field, refs: [Double], queue: inout Queue?) -> Value? {
        switch spec {
        case .pool(let items):
            let v: Value
            if var q = queue {
                v = q.items[q.next % q.items.count]
                q.next += 1
                queue = q
            } else {
                v = items.randomElement(using: &rng)!
            }
            return filledIn(v, field)
        case .range(let lo, let hi, let log):
            let x =
                log
                ? Foundation.exp(Double.random(in: Foundation.log(lo + 1)...Foundation.log(hi + 1), using: &rng)) - 1
                : Double.random(in: lo...hi, using: &rng)
            if field.type == .date { return .text(SampleProfiles.dateText(min(hi, max(lo, x.rounded(.down))))) }
            return .number(min(hi, max(lo, rounded(x, field, .toNearestOrAwayFromZero))))
        case .share(let lo, let hi, _):
            return .number(rounded((refs.first ?? 0) * Double.random(in: lo...hi, using: &rng), field, .down))
        case .rest:
            return .number(max(0, (refs.first ?? 0) - refs.dropFirst().reduce(0, +)))
        case .empty, .table:
            return nil
        }
    }

    /// A whole number for whole-number questions, one decimal for the others.
    func rounded(_ x: Double, _ field: Field, _ rule: FloatingPointRoundingRule) -> Double {
        field.type == .decimal || field.type == .percent ? (x * 10).rounded(rule) / 10 : x.rounded(rule)
    }

    /// A text of the profiles with its placeholders filled in; other values as they are.
    mutating func filledIn(_ v: Value, _ field: Field) -> Value {
        guard field.type.isTextual, case .text(let s) = v else { return v }
        budget = 1_000
        return .text(expand(s, phone: field.type == .phone, depth: 0))
    }

    /// `{unit}`, `{short}`, `{id}`, `{domain}`, `{sub}`, `{person}`, `{login}`, `{n}` and `{pool}`
    /// filled in; in a phone number each '#' a digit.
    mutating func expand(_ template: String, phone: Bool, depth: Int) -> String {
        var out = ""
        var rest = Substring(template)
        // Pools naming pools are filled in up to four deep and a thousand times a text: a
        // text is never a runaway.
        while budget > 0, let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            budget -= 1
            out += rest[..<open]
            out += placeholder(String(rest[rest.index(after: open)..<close]), depth: depth)
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        guard phone else { return out }
        return String(
            out.map { c -> Character in
                c == "#" ? Character(String(Int.random(in: 0...9, using: &rng))) : c
            })
    }

    mutating func placeholder(_ name: String, depth: Int) -> String {
        switch name {
        case "unit": return unit.name
        case "short": return unit.shortName
        case "id": return unit.id
        case "domain":
            if let domain { return domain }
            let d = depth < 4 ? expand(plan.domain, phone: false, depth: depth + 1) : plan.domain
            domain = d
            return d
        case "sub":
            if subunits == nil { subunits = plan.subunits.shuffled(using: &rng) }
            guard let subs = subunits, !subs.isEmpty else { return unit.name }
            nextSubunit += 1
            return depth < 4 ? expand(subs[(nextSubunit - 1) % subs.count], phone: false, depth: depth + 1) : unit.name
        case "person": return reporter()
        case "login": return Self.login(reporter())
        case "n": return String(Int.random(in: 1...199, using: &rng))
        default:
            guard let items = generator.profiles.pools[name], let item = items.randomElement(using: &rng) else {
                return "{\(name)}"
            }
            return depth < 4 ? expand(item, phone: false, depth: depth + 1) : item
        }
    }

    /// The person who reports for the unit, drawn once: a family name and a given name (with
    /// its middle name) from the pools `family` and `given`.
    mutating func reporter() -> String {
        if let person { return person }
        let p = ["family", "given"].compactMap { generator.profiles.pools[$0]?.randomElement(using: &rng) }
            .joined(separator: " ")
        person = p
        return p
    }

    /// The mailbox a ministry gives a person: the given name and the initials of the others,
    /// without accents ("Nguyễn Thị Hương" → "huongnt").
    static func login(_ name: String) -> String {
        let words = name.matchKey.split(separator: " ").map { $0.filter { $0.isASCII && ($0.isLetter || $0.isNumber) } }
            .filter { !$0.isEmpty }
        guard let given = words.last else { return "lienhe" }
        return given + words.dropLast().compactMap(\.first).map(String.init).joined()
    }

    // MARK: Repairing

    /// Re-draws the answers the form's rules reject (errors, and for a few rounds warnings)
    /// until it accepts them; nil when it cannot.
    mutating func repaired() -> Answers? {
        for round in 0..<40 {
            let issues = generator.validator.validate(answers)
            let errors = issues.filter { $0.severity == .error }
            // A warning the answers could not lose in a few rounds is the example's own: kept.
            let warnings = round < 8 ? issues.filter { $0.severity == .warning } : []
            if errors.isEmpty && warnings.isEmpty { return answers }
            for issue in errors + warnings {
                for path in issue.fields { redraw(path, row: issue.row) }
            }
            if !plan.isEmpty { answers = generator.validator.relevantAnswers(answers) }
        }
        return nil
    }

    /// Draws a numeric answer again, and what is computed from it.
    mutating func redraw(_ path: String, row: Int?) {
        guard let (s, f, column) = form.field(at: path), (column ?? f).type.isNumeric else { return }
        if let column {
            // A rule about a table's column outside its rows reads the first row.
            let i = (row ?? 1) - 1
            guard var rows = answers[s.id, f.id]?.rows, rows.indices.contains(i) else { return }
            let tablePath = "\(s.id).\(f.id)"
            let baseRows = base[s.id, f.id]?.rows ?? []
            let source = RowSource(
                path: tablePath, base: baseRows.isEmpty ? nil : baseRows[i % baseRows.count],
                copy: 0, record: nil)
            let stale = dependents(of: path).compactMap {
                $0.hasPrefix(tablePath + "[].") ? form.field(at: $0)?.column : nil
            }
            var done = Set(rows[i].keys).subtracting([column.id] + stale.map(\.id))
            var queues: [String: Queue] = [:]
            for c in [column] + stale { cell(c, source, &rows[i], &done, &queues) }
            answers[s.id, f.id] = .rows(rows)
        } else {
            let stale = [path] + dependents(of: path).filter { !$0.contains("[]") }
            made.subtract(stale)
            for p in stale {
                guard let (ss, ff, _) = form.field(at: p) else { continue }
                answers[ss.id, ff.id] = nil
                make(ss, ff)
            }
        }
    }

    /// Every answer computed, directly or not, from `path`.
    func dependents(of path: String) -> [String] {
        var out: [String] = []
        var todo = plan.dependents[path] ?? []
        while let p = todo.popLast() {
            guard !out.contains(p) else { continue }
            out.append(p)
            todo += plan.dependents[p] ?? []
        }
        return out
    }
}
