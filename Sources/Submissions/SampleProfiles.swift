import FormKit
import Foundation
import Yams

/// What the sample generator knows of the ministry's units, so that a sample reads like many
/// different units rather than one example renamed: for each kind of unit (named by the first
/// words of its name: Vụ, Cục, Viện…) and for some units by id, how to answer a question of the
/// form, keyed by its path (`general.staff_total`, `online_services.services[].name`).
///
/// Read from Examples/sample-profiles.yaml; its header describes the file. The generator stays
/// form-driven: a question the file does not mention keeps being varied from the example, and
/// an entry the form no longer fits (an unknown path, a value the question does not accept) is a
/// warning and left out, so that next year's form still gets its samples.
public struct SampleProfiles: Sendable {
    /// Named lists of texts: `{name}` in a text draws one of them.
    let pools: [String: [String]]
    /// What applies to every unit.
    let common: Profile
    let kinds: [Kind]
    /// The kinds, by position in `kinds`, given (by a hash of the id) to a unit whose name
    /// names none: the made-up units of a large sample.
    let fallbackKinds: [Int]
    /// What applies to one unit, by its id, over its kind.
    let units: [String: Profile]
    /// The file's warnings: entries left out because the form does not fit them.
    public let warnings: [Diagnostic]

    /// No profiles: every question varied from the example.
    public static let none = SampleProfiles(
        pools: [:], common: Profile(), kinds: [], fallbackKinds: [], units: [:], warnings: [])

    /// A kind of unit: the units whose name starts with one of `names` (compared loosely).
    struct Kind: Sendable {
        var id: String
        var names: [String]
        var profile: Profile
    }

    /// What a level (every unit, a kind, a unit) says; a lower level overrides a higher one.
    struct Profile: Sendable {
        /// The unit's web domain (`{domain}`), a template (`{id}.most.gov.vn`).
        var domain: String?
        /// Names of sub-units (`{sub}`), templates.
        var subunits: [String]?
        /// How to answer a question, by its path.
        var fields: [String: Spec] = [:]
    }

    /// How one question (or a table's column) is answered.
    enum Spec: Sendable {
        /// One of the values; a text is a template.
        case pool([Value])
        /// A number (or a date, as a day count) between the bounds, spread evenly on a
        /// logarithmic scale (`log`) or evenly.
        case range(Double, Double, log: Bool)
        /// A part (between the fractions) of another answer, rounded down.
        case share(Double, Double, of: String)
        /// Another answer less the sum of others, at least 0.
        case rest(of: String, minus: [String])
        /// Not answered.
        case empty
        /// A table: how many rows, the rows always first, then rows drawn from `records`, then
        /// rows made column by column.
        case table(rows: ClosedRange<Int>?, first: [Row], records: [Row])

        /// The answers this one is computed from.
        var references: [String] {
            switch self {
            case .share(_, _, let of): return [of]
            case .rest(let of, let minus): return [of] + minus
            case .pool, .range, .empty, .table: return []
            }
        }
    }

    /// The placeholders a text may use besides the names of `pools`.
    static let placeholders = ["unit", "short", "id", "domain", "sub", "person", "login", "n"]

    // MARK: The plan for one unit

    /// Everything that applies to one unit, the three levels merged.
    struct Plan: Sendable {
        var kind: String?
        var domain: String
        var subunits: [String]
        var fields: [String: Spec]
        /// Answers computed from each answer (`share`, `rest`), to recompute when it changes.
        var dependents: [String: [String]]

        var isEmpty: Bool { fields.isEmpty }
    }

    /// The kind of a unit: the longest of the kinds' names its name starts with; for a name
    /// that names none, one of `fallbackKinds` by its id.
    func kind(of unit: ReportingUnit) -> Int? {
        let name = unit.name.matchKey
        var best: (index: Int, length: Int)?
        for (i, kind) in kinds.enumerated() {
            for n in kind.names where (name == n || name.hasPrefix(n + " ")) && n.count > (best?.length ?? 0) {
                best = (i, n.count)
            }
        }
        if let best { return best.index }
        guard !fallbackKinds.isEmpty else { return nil }
        // FNV-1a: the same on every machine and run (Swift's own hash is seeded per process).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in unit.id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return fallbackKinds[Int(h % UInt64(fallbackKinds.count))]
    }

    func plan(for unit: ReportingUnit) -> Plan {
        let kind = self.kind(of: unit).map { kinds[$0] }
        let levels = [common, kind?.profile, units[unit.id]].compactMap { $0 }
        var fields: [String: Spec] = [:]
        for level in levels { fields.merge(level.fields) { _, new in new } }
        var dependents: [String: [String]] = [:]
        for (path, spec) in fields.sorted(by: { $0.key < $1.key }) {
            for r in spec.references { dependents[r, default: []].append(path) }
        }
        return Plan(
            kind: kind?.id, domain: levels.compactMap(\.domain).last ?? "{id}.most.gov.vn",
            subunits: levels.compactMap(\.subunits).last ?? [], fields: fields, dependents: dependents)
    }

    // MARK: Reading the file

    /// Loads the file; errors in it are thrown with file:line:col, entries the form does not
    /// fit are left out and listed in `warnings`.
    public static func load(contentsOf url: URL, form: Form) throws -> SampleProfiles {
        let text = try InputFile.yamlText(
            url.path, what: L("không mở được tệp hồ sơ dữ liệu mẫu", "cannot open the sample profiles file"))
        return try parse(text, file: FormLoader.displayPath(url), form: form)
    }

    public static func parse(_ text: String, file: String, form: Form) throws -> SampleProfiles {
        let reader = YAMLReader(file: file)
        var parser = Parser(reader: reader, form: form)
        let profiles = parser.read(text)
        if reader.hasErrors { throw DiagnosticsError(reader.diagnostics) }
        return SampleProfiles(
            pools: profiles.pools, common: profiles.common, kinds: profiles.kinds,
            fallbackKinds: profiles.fallbackKinds, units: profiles.units,
            warnings: reader.diagnostics.filter { $0.severity == .warning })
    }

    /// Reads the file through the YAML reader, every problem reported to it.
    struct Parser {
        let reader: YAMLReader
        let form: Form
        var poolNames: Set<String> = []

        init(reader: YAMLReader, form: Form) {
            self.reader = reader
            self.form = form
        }

        mutating func read(_ text: String) -> SampleProfiles {
            guard let root = reader.compose(text),
                let top = reader.mapping(
                    root, what: L("hồ sơ dữ liệu mẫu", "the sample profiles"),
                    allowed: ["pools", "fields", "kinds", "fallback_kinds", "units"])
            else { return .none }
            let pools = readPools(top.node("pools"))
            let common = profile(top, what: L("phần chung", "the common part"))
            let kinds = readKinds(top.node("kinds"))
            var fallback: [Int] = []
            for node in reader.sequence(top.node("fallback_kinds"), what: L("'fallback_kinds'", "'fallback_kinds'")) {
                guard let id = scalarText(node, what: L("loại đơn vị", "a kind")) else { continue }
                if let i = kinds.firstIndex(where: { $0.id == id }) {
                    fallback.append(i)
                } else {
                    reader.error(
                        node,
                        L("không có loại đơn vị '\(id)'", "no kind '\(id)'") + didYouMean(id, in: kinds.map(\.id)))
                }
            }
            var units: [String: Profile] = [:]
            if let node = top.node("units") {
                guard case .mapping(let m) = node else {
                    reader.error(
                        node,
                        L("'units' phải là một bảng khoá: mã đơn vị: {...}", "'units' must map unit ids to profiles"))
                    return .none
                }
                for (k, v) in m {
                    guard let id = k.scalar?.string,
                        let um = reader.mapping(
                            v, what: L("đơn vị '\(id)'", "unit '\(id)'"), allowed: ["domain", "subunits", "fields"])
                    else { continue }
                    units[id] = profile(um, what: L("đơn vị '\(id)'", "unit '\(id)'"))
                }
            }
            let result = SampleProfiles(
                pools: pools, common: common, kinds: kinds, fallbackKinds: fallback, units: units, warnings: [])
            checkCycles(result, at: root)
            return result
        }

        /// The named pools; their texts are checked once every name is known (a pool may use another).
        mutating func readPools(_ node: Node?) -> [String: [String]] {
            guard let node else { return [:] }
            guard case .mapping(let m) = node else {
                reader.error(node, L("'pools' phải là một bảng khoá: tên: [...]", "'pools' must map names to lists"))
                return [:]
            }
            var pools: [String: [String]] = [:]
            var items: [(String, Node)] = []
            for (k, v) in m {
                guard let name = k.scalar?.string else { continue }
                if !Self.isPlaceholderName(name) || SampleProfiles.placeholders.contains(name) {
                    let taken = SampleProfiles.placeholders.joined(separator: ", ")
                    reader.error(
                        k,
                        L(
                            "tên kho '\(name)' không dùng được (chữ thường, chữ số, '_'; không trùng \(taken))",
                            "pool name '\(name)' cannot be used (lower-case letters, digits, '_'; none of \(taken))"))
                    continue
                }
                let these = reader.sequence(v, what: L("kho '\(name)'", "pool '\(name)'")).compactMap { n in
                    scalarText(n, what: L("một mục của kho '\(name)'", "an item of pool '\(name)'")).map { ($0, n) }
                }
                if these.isEmpty { reader.error(v, L("kho '\(name)' trống", "pool '\(name)' is empty")) }
                pools[name] = these.map(\.0)
                items += these
            }
            poolNames = Set(pools.keys)
            for (text, n) in items { checkPlaceholders(text, at: n) }
            return pools
        }

        func readKinds(_ node: Node?) -> [Kind] {
            var kinds: [Kind] = []
            for node in reader.sequence(node, what: L("'kinds'", "'kinds'")) {
                guard
                    let m = reader.mapping(
                        node, what: L("loại đơn vị", "a kind of unit"),
                        allowed: ["id", "names", "domain", "subunits", "fields"]),
                    let id = m.string("id", required: true)
                else { continue }
                if kinds.contains(where: { $0.id == id }) {
                    reader.error(at: m.location("id"), L("loại đơn vị '\(id)' bị lặp", "duplicate kind '\(id)'"))
                }
                let names = reader.sequence(m.node("names"), what: L("'names'", "'names'")).compactMap {
                    scalarText($0, what: L("tên", "a name"))?.matchKey
                }
                if names.isEmpty {
                    reader.error(
                        m.node("names") ?? node,
                        L(
                            "loại '\(id)' cần 'names': các chữ đầu tên đơn vị (ví dụ [Cục])",
                            "kind '\(id)' needs 'names': the first words of its units' names (e.g. [Cục])"))
                }
                kinds.append(Kind(id: id, names: names, profile: profile(m, what: L("loại '\(id)'", "kind '\(id)'"))))
            }
            return kinds
        }

        static func isPlaceholderName(_ s: String) -> Bool {
            !s.isEmpty
                && s.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        }

        func scalarText(_ node: Node, what: LocalizedText) -> String? {
            guard let s = node.scalar?.string else {
                reader.error(node, L("\(what.vi) phải là một giá trị đơn", "\(what.text(.en)) must be a single value"))
                return nil
            }
            return s.nfc
        }

        /// Warns of a `{name}` that is neither a placeholder nor a pool; false then.
        @discardableResult
        func checkPlaceholders(_ template: String, at node: Node?) -> Bool {
            var ok = true
            var rest = Substring(template)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let name = String(rest[rest.index(after: open)..<close])
                if name == "person" || name == "login",
                    let missing = ["family", "given"].first(where: { !poolNames.contains($0) })
                {
                    reader.warning(
                        node,
                        L(
                            "'{\(name)}' cần các kho family và given ở 'pools' (thiếu '\(missing)'); bỏ qua giá trị này",
                            "'{\(name)}' needs the pools family and given (no '\(missing)'); the value is left out"))
                    ok = false
                } else if !SampleProfiles.placeholders.contains(name) && !poolNames.contains(name) {
                    reader.warning(
                        node,
                        L(
                            "bỏ qua giá trị: '{\(name)}' không phải chỗ thay thế đã biết (\(SampleProfiles.placeholders.joined(separator: ", ")) hoặc tên một kho ở 'pools')",
                            "value left out: '{\(name)}' is not a known placeholder (\(SampleProfiles.placeholders.joined(separator: ", ")) or the name of a pool)"
                        ) + didYouMean(name, in: SampleProfiles.placeholders + poolNames.sorted()))
                    ok = false
                }
                rest = rest[rest.index(after: close)...]
            }
            return ok
        }

        /// The domain, sub-units and fields of one level.
        func profile(_ m: YAMLMapping, what: LocalizedText) -> Profile {
            var p = Profile()
            if let d = m.string("domain") {
                if checkPlaceholders(d, at: m.node("domain")) { p.domain = d }
            }
            if m.has("subunits") {
                p.subunits = reader.sequence(m.node("subunits"), what: L("'subunits'", "'subunits'")).compactMap {
                    node in
                    guard let s = scalarText(node, what: L("tên đơn vị", "a unit name")) else { return nil }
                    if s.contains("{sub}") {
                        reader.error(
                            node, L("tên đơn vị con không dùng được {sub}", "a sub-unit's name cannot use {sub}"))
                        return nil
                    }
                    return checkPlaceholders(s, at: node) ? s : nil
                }
            }
            guard let fnode = m.node("fields") else { return p }
            guard case .mapping(let fm) = fnode else {
                reader.error(
                    fnode,
                    L(
                        "'fields' của \(what.vi) phải là một bảng khoá: đường dẫn câu hỏi: {...}",
                        "the 'fields' of \(what.text(.en)) must map question paths to how they are answered"))
                return p
            }
            for (k, v) in fm {
                guard let path = k.scalar?.string else { continue }
                if p.fields[path] != nil {
                    reader.error(k, L("câu hỏi '\(path)' bị lặp", "duplicate question '\(path)'"))
                    continue
                }
                if let spec = spec(path, v, key: k) { p.fields[path] = spec }
            }
            return p
        }

        /// Every question path of the form, for "did you mean".
        var allPaths: [String] {
            form.sections.flatMap { s in
                s.fields.flatMap { f in
                    ["\(s.id).\(f.id)"] + f.columns.map { "\(s.id).\(f.id)[].\($0.id)" }
                }
            }
        }

        /// How one question is answered; nil (warned or reported) when it cannot be used.
        func spec(_ path: String, _ node: Node, key: Node) -> Spec? {
            guard
                let m = reader.mapping(
                    node, what: L("cách trả lời '\(path)'", "how '\(path)' is answered"),
                    allowed: [
                        "pool", "range", "spread", "share", "of", "rest", "minus", "empty", "rows", "first", "records"
                    ])
            else { return nil }
            guard let found = form.field(at: path), path == canonical(found) else {
                reader.warning(
                    key,
                    L("bỏ qua: biểu mẫu không có câu hỏi '\(path)'", "left out: the form has no question '\(path)'")
                        + didYouMean(path, in: allPaths))
                return nil
            }
            let field = found.column ?? found.field
            let kinds = ["pool", "range", "share", "rest", "empty", "rows", "first", "records"].filter { m.has($0) }
            func unfit(_ what: String) -> Spec? {
                reader.warning(
                    node,
                    L(
                        "'\(path)' (\(field.type.label(.vi))) không trả lời bằng '\(what)' được; bỏ qua",
                        "'\(path)' (\(field.type.label(.en))) cannot be answered with '\(what)'; left out"))
                return nil
            }
            if field.type == .table {
                if let other = kinds.first(where: { !["empty", "rows", "first", "records"].contains($0) }) {
                    return unfit(other)
                }
                if m.bool("empty") == true { return .empty }
                var rows: ClosedRange<Int>?
                if m.has("rows") {
                    guard let (lo, hi) = bounds(m, "rows"), lo >= 0, lo <= hi, hi <= Self.maxRows,
                        lo.rounded() == lo, hi.rounded() == hi
                    else {
                        reader.error(
                            m.node("rows"),
                            L(
                                "'rows' phải là [ít nhất, nhiều nhất] số dòng, nhiều nhất \(Int(Self.maxRows))",
                                "'rows' must be [least, most] rows, at most \(Int(Self.maxRows))"))
                        return nil
                    }
                    rows = Int(lo)...Int(hi)
                }
                return .table(
                    rows: rows, first: records(m.node("first"), of: found.field, path: path),
                    records: records(m.node("records"), of: found.field, path: path))
            }
            guard kinds.count == 1 else {
                reader.error(
                    node,
                    L(
                        "'\(path)' cần đúng một trong pool, range, share, rest, empty",
                        "'\(path)' needs exactly one of pool, range, share, rest, empty"))
                return nil
            }
            if m.has("spread") && !m.has("range") {
                reader.error(m.node("spread"), L("'spread' chỉ đi với 'range'", "'spread' only goes with 'range'"))
            }
            if m.has("of") && !m.has("share") && !m.has("rest") {
                reader.error(m.node("of"), L("'of' chỉ đi với 'share'", "'of' only goes with 'share'"))
            }
            if m.has("minus") && !m.has("rest") {
                reader.error(m.node("minus"), L("'minus' chỉ đi với 'rest'", "'minus' only goes with 'rest'"))
            }
            switch kinds[0] {
            case "empty":
                return m.bool("empty") == true ? .empty : nil
            case "pool":
                let items = reader.sequence(m.node("pool"), what: L("'pool'", "'pool'")).compactMap {
                    value($0, for: field, path: path)
                }
                // Each value left out was warned of.
                return items.isEmpty ? nil : .pool(items)
            case "range":
                guard field.type.isNumeric || field.type == .date else { return unfit("range") }
                guard let (lo, hi) = bounds(m, "range", date: field.type == .date), lo <= hi else {
                    reader.error(
                        m.node("range"),
                        L(
                            "'range' phải là [nhỏ nhất, lớn nhất]\(field.type == .date ? " (yyyy-mm-dd)" : "")",
                            "'range' must be [least, most]\(field.type == .date ? " (yyyy-mm-dd)" : "")"))
                    return nil
                }
                for end in [lo, hi] {
                    let v = field.type == .date ? Value.text(SampleProfiles.dateText(end)) : .number(end)
                    if let problem = ValueParser.check(v, for: field) {
                        reader.warning(
                            m.node("range"),
                            L("'\(path)': \(problem.vi); bỏ qua", "'\(path)': \(problem.text(.en)); left out"))
                        return nil
                    }
                }
                let spread = m.string("spread") ?? (field.type == .integer || field.type == .decimal ? "log" : "even")
                guard spread == "log" || spread == "even" else {
                    reader.error(
                        m.node("spread"),
                        L("'spread' là log hoặc even", "'spread' is log or even")
                            + didYouMean(spread, in: ["log", "even"]))
                    return nil
                }
                if spread == "log" && lo < 0 {
                    reader.error(
                        m.node("range"),
                        L("thang log cần số không âm", "a logarithmic spread needs non-negative bounds"))
                    return nil
                }
                return .range(lo, hi, log: spread == "log")
            case "share":
                guard field.type.isNumeric, field.type != .year else { return unfit("share") }
                guard let (lo, hi) = bounds(m, "share"), lo >= 0, lo <= hi, hi <= Self.maxFactor else {
                    reader.error(
                        m.node("share"),
                        L(
                            "'share' phải là [hệ số nhỏ nhất, lớn nhất] từ 0 đến \(Int(Self.maxFactor)), ví dụ [0.5, 0.9]",
                            "'share' must be [least, most] factors from 0 to \(Int(Self.maxFactor)), e.g. [0.5, 0.9]"))
                    return nil
                }
                guard let of = m.string("of", required: true), let ref = reference(of, from: path, at: m.node("of"))
                else { return nil }
                return .share(lo, hi, of: ref)
            case "rest":
                guard field.type.isNumeric, field.type != .year else { return unfit("rest") }
                guard let of = reference(m.string("rest") ?? "", from: path, at: m.node("rest")) else { return nil }
                var minus: [String] = []
                for n in reader.sequence(m.node("minus"), what: L("'minus'", "'minus'")) {
                    guard let s = scalarText(n, what: L("câu hỏi", "a question")),
                        let ref = reference(s, from: path, at: n)
                    else { return nil }
                    minus.append(ref)
                }
                return .rest(of: of, minus: minus)
            default:
                return unfit(kinds[0])
            }
        }

        /// `section.field` or `section.table[].column`, as a path is written.
        func canonical(_ found: (section: Section, field: Field, column: Field?)) -> String {
            FieldPath(found.section.id, found.field.id, column: found.column?.id).description
        }

        /// A numeric question `share` or `rest` reads: a question outside tables, or a column of
        /// the same table as `path` (the same row's answer).
        func reference(_ ref: String, from path: String, at node: Node?) -> String? {
            guard let found = form.field(at: ref), canonical(found) == ref, (found.column ?? found.field).type.isNumeric
            else {
                reader.warning(
                    node,
                    L(
                        "bỏ qua '\(path)': '\(ref)' không phải câu hỏi số của biểu mẫu",
                        "'\(path)' left out: '\(ref)' is not a numeric question of the form")
                        + didYouMean(ref, in: allPaths))
                return nil
            }
            if found.column != nil, !path.hasPrefix("\(found.section.id).\(found.field.id)[].") {
                reader.warning(
                    node,
                    L(
                        "'\(path)' chỉ đọc được cột của cùng bảng với nó, không đọc '\(ref)'; bỏ qua",
                        "'\(path)' can only read a column of its own table, not '\(ref)'; left out"))
                return nil
            }
            return ref
        }

        /// `[a, b]` as numbers (dates as day counts).
        func bounds(_ m: YAMLMapping, _ key: String, date: Bool = false) -> (Double, Double)? {
            guard let node = m.node(key), case .sequence(let s) = node, s.count == 2,
                let a = s[0].scalar?.string, let b = s[1].scalar?.string
            else { return nil }
            if date {
                guard let x = SampleProfiles.dayNumber(a), let y = SampleProfiles.dayNumber(b) else { return nil }
                return (x, y)
            }
            guard let x = Double(a), let y = Double(b), abs(x) <= Self.maxNumber, abs(y) <= Self.maxNumber else {
                return nil
            }
            return (x, y)
        }

        /// Bounds that keep every number drawn finite and every table small.
        static let maxNumber = 1e12
        static let maxFactor = 1e4
        static let maxRows = 1_000.0

        /// A value of a pool or a record for `field`; nil, warned, when the field does not take it.
        func value(_ node: Node, for field: Field, path: String) -> Value? {
            let v: Value?
            switch field.type {
            case .text, .long_text, .email, .phone, .url:
                guard let s = scalarText(node, what: L("giá trị", "a value")) else { return nil }
                guard checkPlaceholders(s, at: node) else { return nil }
                // A template is checked once filled in; a plain text now.
                v = .text(s)
                if s.contains("{") || (field.type == .phone && s.contains("#")) { return v }
            case .integer, .decimal, .percent, .year:
                v = node.scalar.flatMap { Double($0.string) }.flatMap {
                    abs($0) <= Self.maxNumber ? Value.number($0) : nil
                }
            case .date, .choice:
                v = node.scalar.map { .text($0.string) }
            case .boolean:
                v = node.scalar.flatMap { YesNo.parse($0.string) }.map(Value.bool)
            case .multi_choice:
                if case .sequence(let items) = node {
                    v = .list(items.compactMap { $0.scalar?.string })
                } else {
                    v = nil
                }
            case .table:
                v = nil
            }
            guard let v else {
                reader.warning(
                    node,
                    L(
                        "'\(path)' cần \(field.type.label(.vi)); bỏ qua giá trị này",
                        "'\(path)' takes \(field.type.label(.en)); the value is left out"))
                return nil
            }
            if let problem = ValueParser.check(v, for: field) {
                reader.warning(
                    node,
                    L(
                        "'\(path)': \(problem.vi); bỏ qua giá trị này",
                        "'\(path)': \(problem.text(.en)); the value is left out"))
                return nil
            }
            return v
        }

        /// Rows written out: column id → value.
        func records(_ node: Node?, of table: Field, path: String) -> [Row] {
            reader.sequence(node, what: L("các dòng", "the rows")).compactMap { item in
                guard case .mapping(let m) = item else {
                    reader.error(
                        item, L("một dòng phải là một bảng khoá: cột: giá trị", "a row must map columns to values"))
                    return nil
                }
                var row: Row = [:]
                for (k, v) in m {
                    guard let id = k.scalar?.string else { continue }
                    guard let column = table.column(id) else {
                        reader.warning(
                            k,
                            L(
                                "bỏ qua: bảng '\(path)' không có cột '\(id)'",
                                "left out: table '\(path)' has no column '\(id)'")
                                + didYouMean(id, in: table.columns.map(\.id)))
                        continue
                    }
                    if let value = value(v, for: column, path: "\(path)[].\(id)") { row[id] = value }
                }
                return row.isEmpty ? nil : row
            }
        }

        /// Reports answers computed from each other in a circle, for every kind and unit.
        func checkCycles(_ profiles: SampleProfiles, at root: Node) {
            var levels: [[Profile]] = [[profiles.common]] + profiles.kinds.map { [profiles.common, $0.profile] }
            for unit in profiles.units.values {
                levels += ([nil] + profiles.kinds.map(\.profile)).map { [profiles.common, $0, unit].compactMap { $0 } }
            }
            var reported: Set<String> = []
            for level in levels {
                var fields: [String: Spec] = [:]
                for p in level { fields.merge(p.fields) { _, new in new } }
                for start in fields.keys.sorted() {
                    var path: [String] = []
                    if let cycle = Self.cycle(from: start, fields, &path),
                        reported.insert(cycle.sorted().joined()).inserted
                    {
                        reader.error(
                            root,
                            L(
                                "các câu trả lời tính từ nhau thành vòng: \(cycle.joined(separator: " → "))",
                                "answers computed from each other in a circle: \(cycle.joined(separator: " → "))"))
                    }
                }
            }
        }

        static func cycle(from path: String, _ fields: [String: Spec], _ stack: inout [String]) -> [String]? {
            if let i = stack.firstIndex(of: path) { return Array(stack[i...]) + [path] }
            stack.append(path)
            defer { stack.removeLast() }
            for r in fields[path]?.references ?? [] {
                if let c = cycle(from: r, fields, &stack) { return c }
            }
            return nil
        }

    }

    /// Days since 1970-01-01 of `yyyy-mm-dd`.
    static func dayNumber(_ s: String) -> Double? {
        guard ValueParser.parseDate(s) == s, let d = try? Date(s + "T00:00:00Z", strategy: .iso8601) else {
            return nil
        }
        return (d.timeIntervalSince1970 / 86_400).rounded()
    }

    /// `yyyy-mm-dd` of a day counted from 1970-01-01.
    static func dateText(_ days: Double) -> String {
        Date(timeIntervalSince1970: days * 86_400).formatted(.iso8601.year().month().day())
    }
}
