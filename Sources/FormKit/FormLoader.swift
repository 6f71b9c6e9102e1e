import Foundation
import Yams

/// Loads a form file and lints it: every problem is reported with file:line:col,
/// all of them in one run.
public enum FormLoader {
    /// The result of loading: the form when it has no errors, and every diagnostic.
    public struct Result: Sendable {
        public var form: Form?
        public var diagnostics: [Diagnostic]
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    }

    /// Loads and lints; throws `DiagnosticsError` when the form has errors.
    public static func load(contentsOf url: URL) throws -> Form {
        let r = lint(contentsOf: url)
        guard let form = r.form else { throw DiagnosticsError(r.diagnostics) }
        return form
    }

    public static func lint(contentsOf url: URL) -> Result {
        do {
            return lint(
                try InputFile.yamlText(url.path, what: L("không mở được tệp biểu mẫu", "cannot open the form file")),
                file: displayPath(url))
        } catch {
            return Result(form: nil, diagnostics: error.diagnostics)
        }
    }

    public static func lint(_ text: String, file: String) -> Result {
        var builder = FormBuilder(reader: YAMLReader(file: file))
        let form = builder.build(text)
        let diagnostics = builder.reader.diagnostics.sorted {
            ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
        }
        return Result(form: builder.reader.hasErrors ? nil : form, diagnostics: diagnostics)
    }

    /// A path as a person would type it: relative to the current folder when inside it.
    public static func displayPath(_ url: URL) -> String { displayPath(url.path) }

    /// The same for a path, without a URL: a merge names thousands of files.
    public static func displayPath(_ path: String) -> String {
        var p = path
        // Standardizing is costly: only when it changes something.
        // (Looked for byte by byte: `contains` with a string goes through NSString.)
        var previous: UInt8 = 0
        for b in p.utf8 {
            if previous == UInt8(ascii: "/") && (b == UInt8(ascii: ".") || b == UInt8(ascii: "/")) {
                p = URL(fileURLWithPath: path).standardizedFileURL.path
                break
            }
            previous = b
        }
        let cwd = workingDirectory
        return p.hasPrefix(cwd + "/") ? String(p.dropFirst(cwd.count + 1)) : p
    }

    /// The tool never changes its working directory: ask once.
    static let workingDirectory = FileManager.default.currentDirectoryPath
}

private let idPattern = #"^[a-z][a-z0-9_]*$"#

private struct FormBuilder {
    let reader: YAMLReader
    var parameters: [(name: String, value: String)] = []
    var parts: [Section.Part] = []
    var pending: [Pending] = []

    init(reader: YAMLReader) { self.reader = reader }

    /// An expression waiting for every field to be known before it is resolved.
    struct Pending {
        enum Target {
            case relevant, requiredWhen
            case sectionRule(Int)
            case rowRule(Int)
            case formRule(Int)
        }
        var target: Target
        var section: Int?
        var field: Int?
        var column: Int?
        var source: String
        var location: SourceLocation
    }

    mutating func build(_ text: String) -> Form? {
        guard let root = reader.compose(text) else {
            if !reader.hasErrors {
                reader.error(
                    at: SourceLocation(file: reader.file, line: 1, column: 1),
                    L("tệp biểu mẫu trống", "the form file is empty"))
            }
            return nil
        }
        guard
            let top = reader.mapping(
                root, what: L("biểu mẫu", "the form"),
                allowed: [
                    "id", "version", "title", "title_en", "subtitle", "subtitle_en", "parameters", "parts", "sections",
                    "rules"
                ])
        else { return nil }
        let id = top.string("id", required: true) ?? ""
        checkId(id, top.location("id"))
        let version = top.string("version", required: true) ?? ""
        readParameters(top.node("parameters"))
        let title =
            top.localized("title", required: true).map { interpolate($0, top.location("title")) } ?? LocalizedText("")
        let subtitle = top.localized("subtitle").map { interpolate($0, top.location("subtitle")) }
        readParts(top.node("parts"))

        var sections: [Section] = []
        let sectionNodes = reader.sequence(top.node("sections"), what: L("'sections'", "'sections'"))
        if !top.has("sections") {
            reader.error(root, L("thiếu khoá bắt buộc 'sections'", "missing required key 'sections'"))
        }
        var seenSections: [String: SourceLocation] = [:]
        for node in sectionNodes {
            guard let section = readSection(node, index: sections.count) else { continue }
            if let first = seenSections[section.id] {
                reader.error(
                    at: section.location,
                    L(
                        "mã mục '\(section.id)' trùng với mục ở dòng \(first.line)",
                        "duplicate section id '\(section.id)' (first at line \(first.line))"))
            }
            seenSections[section.id] = section.location
            sections.append(section)
        }
        var form = Form(
            id: id, version: version, title: title, subtitle: subtitle, parameters: parameters, sections: sections,
            rules: readRules(top.node("rules"), target: { .formRule($0) }, section: nil, field: nil), file: reader.file)
        resolvePending(&form)
        checkRelevantOrder(form)
        return form
    }

    // MARK: Parameters and interpolation

    mutating func readParameters(_ node: Node?) {
        guard let node else { return }
        guard case .mapping(let m) = node else {
            reader.error(
                node, L("'parameters' phải là bảng tên: giá trị", "'parameters' must be a mapping of name: value"))
            return
        }
        for (k, v) in m {
            guard let name = k.scalar?.string else { continue }
            if parameters.contains(where: { $0.name == name }) {
                reader.error(k, L("tham số '\(name)' bị khai báo hai lần", "parameter '\(name)' is defined twice"))
                continue
            }
            checkId(name, reader.location(k))
            guard let value = v.scalar?.string else {
                reader.error(
                    v,
                    L("giá trị tham số '\(name)' phải là một giá trị đơn", "parameter '\(name)' must be a single value")
                )
                continue
            }
            parameters.append((name, value))
        }
    }

    /// Replaces `{name}` with the parameter's value; a date parameter shows as dd/mm/yyyy.
    mutating func interpolate(_ text: String, _ location: SourceLocation, forDisplay: Bool = true) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                out += rest[open...]
                rest = ""
                break
            }
            let name = String(rest[rest.index(after: open)..<close])
            if name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) == nil {
                out += rest[open...close]
            } else if let value = parameters.first(where: { $0.name == name })?.value {
                out += forDisplay && ValueParser.parseDate(value) == value ? ValueParser.displayDate(value) : value
            } else {
                reader.error(
                    at: location,
                    L(
                        "tham số '{\(name)}' được dùng nhưng chưa khai báo trong 'parameters'",
                        "parameter '{\(name)}' is used but not defined under 'parameters'")
                        + didYouMean(name, in: parameters.map(\.name), quote: { "'{\($0)}'" }))
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    mutating func interpolate(_ text: LocalizedText, _ location: SourceLocation) -> LocalizedText {
        LocalizedText(interpolate(text.vi, location), en: text.en.map { interpolate($0, location) })
    }

    func checkId(_ id: String, _ location: SourceLocation) {
        if !id.isEmpty, id.range(of: idPattern, options: .regularExpression) == nil {
            reader.error(
                at: location,
                L(
                    "mã '\(id)' không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ (ví dụ staff_total)",
                    "invalid id '\(id)': use lower-case ASCII letters, digits and '_', starting with a letter (e.g. staff_total)"
                ))
        }
    }

    // MARK: Parts, sections and fields

    /// `parts:` the template's groups of sections ("MỤC 3: NỘI DUNG BÁO CÁO"), named by id.
    mutating func readParts(_ node: Node?) {
        for pnode in reader.sequence(node, what: L("'parts'", "'parts'")) {
            guard
                let m = reader.mapping(
                    pnode, what: L("phần", "a part"), allowed: ["id", "number", "title", "title_en"])
            else { continue }
            let id = m.string("id", required: true) ?? ""
            checkId(id, m.location("id"))
            if parts.contains(where: { $0.id == id }) {
                reader.error(
                    at: m.location("id"), L("phần '\(id)' bị khai báo hai lần", "part '\(id)' is defined twice"))
                continue
            }
            let title =
                m.localized("title", required: true).map { interpolate($0, m.location("title")) } ?? LocalizedText(id)
            parts.append(Section.Part(id: id, number: m.string("number"), title: title))
        }
    }

    /// A heading or a note between the questions: `- heading: …` or `- note: …`.
    mutating func readText(_ node: Node) -> Section.Text? {
        guard
            let m = reader.mapping(
                node, what: L("tiêu đề hoặc ghi chú", "a heading or a note"),
                allowed: ["heading", "heading_en", "note", "note_en", "number"])
        else { return nil }
        let kind: Section.Text.Kind = m.has("heading") ? .heading : .note
        if m.has("heading") && m.has("note") {
            reader.error(
                node,
                L(
                    "một mục chỉ là 'heading' (tiêu đề) hoặc 'note' (ghi chú), không phải cả hai",
                    "an item is either a 'heading' or a 'note', not both"))
        }
        let key = kind.rawValue
        guard let text = m.localized(key, required: true) else { return nil }
        if text.vi.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            reader.error(
                at: m.location(key),
                kind == .heading
                    ? L("tiêu đề cần có nội dung", "a heading needs its text")
                    : L("ghi chú cần có nội dung", "a note needs its text"))
        }
        return Section.Text(
            kind: kind, number: m.string("number"), text: interpolate(text, m.location(key)),
            location: reader.location(node))
    }

    /// Whether an item of `fields:` is a heading or a note rather than a question.
    func isText(_ node: Node) -> Bool {
        guard case .mapping(let pairs) = node else { return false }
        return pairs.contains { ["heading", "note"].contains($0.key.scalar?.string) }
    }

    mutating func readSection(_ node: Node, index: Int) -> Section? {
        guard
            let m = reader.mapping(
                node, what: L("mục", "a section"),
                allowed: ["id", "number", "part", "title", "title_en", "help", "help_en", "fields", "rules"])
        else { return nil }
        let id = m.string("id", required: true) ?? ""
        checkId(id, m.location("id"))
        let title =
            m.localized("title", required: true).map { interpolate($0, m.location("title")) } ?? LocalizedText(id)
        var part: Section.Part?
        if let partId = m.string("part") {
            part = parts.first { $0.id == partId }
            if part == nil {
                reader.error(
                    at: m.location("part"),
                    L(
                        "phần '\(partId)' chưa được khai báo trong 'parts'",
                        "part '\(partId)' is not defined under 'parts'") + didYouMean(partId, in: parts.map(\.id)))
            }
        }
        var fields: [Field] = []
        var items: [Section.Item] = []
        for fnode in reader.sequence(m.node("fields"), what: L("'fields'", "'fields'")) {
            if isText(fnode) {
                if let t = readText(fnode) { items.append(.text(t)) }
                continue
            }
            if let f = readField(fnode, section: index, index: fields.count, column: nil) {
                items.append(.field(fields.count))
                if let dup = fields.first(where: { $0.id == f.id }) {
                    reader.error(
                        at: f.location,
                        L(
                            "mã câu hỏi '\(f.id)' trùng trong mục '\(id)' (dòng \(dup.location.line))",
                            "duplicate field id '\(f.id)' in section '\(id)' (line \(dup.location.line))"))
                }
                fields.append(f)
            }
        }
        if fields.isEmpty, m.has("fields") == false {
            reader.error(node, L("mục '\(id)' không có câu hỏi nào ('fields')", "section '\(id)' has no 'fields'"))
        }
        let rules = readRules(m.node("rules"), target: { .sectionRule($0) }, section: index, field: nil)
        return Section(
            id: id, number: m.string("number"), title: title,
            help: m.localized("help").map { interpolate($0, m.location("help")) }, part: part,
            fields: fields, items: items, rules: rules, location: reader.location(node))
    }

    mutating func readField(_ node: Node, section: Int, index: Int, column: Int?) -> Field? {
        let isColumn = column != nil
        guard
            let m = reader.mapping(
                node, what: isColumn ? L("cột của bảng", "a table column") : L("câu hỏi", "a field"),
                allowed: [
                    "id", "number", "type", "label", "label_en", "help", "help_en", "required",
                    "required_when", "relevant", "unit_en"
                ] + FieldType.Key.allCases.map(\.rawValue))
        else { return nil }
        let id = m.string("id", required: true) ?? ""
        checkId(id, m.location("id"))
        let typeName = m.string("type", required: true) ?? "text"
        var type = FieldType(rawValue: typeName)
        if type == nil {
            let names = FieldType.allCases.map(\.rawValue)
            reader.error(
                at: m.location("type"),
                L("kiểu '\(typeName)' không được biết", "unknown type '\(typeName)'") + didYouMean(typeName, in: names)
                    + L(". Các kiểu: \(names.joined(separator: ", "))", ". Types: \(names.joined(separator: ", "))"))
            type = .text
        }
        let fieldType = type!
        let label =
            m.localized("label", required: true).map { interpolate($0, m.location("label")) } ?? LocalizedText(id)
        var field = Field(
            id: id, number: m.string("number"), type: fieldType, label: label,
            help: m.localized("help").map { interpolate($0, m.location("help")) },
            required: m.bool("required") ?? false, requiredWhen: nil, relevant: nil,
            min: nil, max: nil, minDate: nil, maxDate: nil, defaultValue: nil,
            unit: m.localized("unit").map { interpolate($0, m.location("unit")) },
            suggestions: [],
            choices: [], columns: [], rowRules: [], minRows: m.int("min_rows"), maxRows: m.int("max_rows"),
            location: reader.location(node))

        if isColumn && fieldType == .table {
            reader.error(
                at: m.location("type"), L("một cột không thể là bảng lồng nhau", "a column cannot itself be a table"))
        }
        // The keys this type does not take, each reported once; the rest is read below.
        for key in FieldType.Key.allCases where m.has(key.rawValue) && !fieldType.keys.contains(key) {
            let types = FieldType.allCases.filter { $0.keys.contains(key) }.map(\.rawValue).joined(separator: ", ")
            reader.error(
                m.keyNode(key.rawValue),
                L(
                    "'\(key.rawValue)' chỉ dùng cho câu hỏi kiểu \(types)",
                    "'\(key.rawValue)' only applies to fields of type \(types)"))
        }
        readBounds(m, into: &field)
        readChoices(m, into: &field)
        if fieldType.keys.contains(.suggestions) {
            for snode in reader.sequence(m.node("suggestions"), what: L("'suggestions'", "'suggestions'")) {
                guard let sm = reader.mapping(snode, what: L("gợi ý", "a suggestion"), allowed: ["label", "label_en"]),
                    let label = sm.localized("label", required: true)
                else { continue }
                field.suggestions.append(interpolate(label, sm.location("label")))
            }
        }

        if fieldType.keys.contains(.columns) {
            for (i, cnode) in reader.sequence(m.node("columns"), what: L("'columns'", "'columns'")).enumerated() {
                if let c = readField(cnode, section: section, index: index, column: i) {
                    if let dup = field.columns.first(where: { $0.id == c.id }) {
                        reader.error(
                            at: c.location,
                            L(
                                "mã cột '\(c.id)' trùng trong bảng '\(id)' (dòng \(dup.location.line))",
                                "duplicate column id '\(c.id)' in table '\(id)' (line \(dup.location.line))"))
                    }
                    field.columns.append(c)
                }
            }
            if field.columns.isEmpty {
                reader.error(
                    node,
                    L(
                        "bảng '\(id)' cần ít nhất một cột ('columns')",
                        "table '\(id)' needs at least one column ('columns')"))
            }
            field.rowRules = readRules(m.node("rules"), target: { .rowRule($0) }, section: section, field: index)
            if let lo = field.minRows, let hi = field.maxRows, lo > hi {
                reader.error(
                    at: m.location("min_rows"),
                    L("min_rows (\(lo)) lớn hơn max_rows (\(hi))", "min_rows (\(lo)) is greater than max_rows (\(hi))"))
            }
        }
        if m.has("relevant"), let src = m.string("relevant") {
            pending.append(
                Pending(
                    target: .relevant, section: section, field: index, column: column, source: src,
                    location: m.textLocation("relevant")))
        }
        if m.has("required_when"), let src = m.string("required_when") {
            pending.append(
                Pending(
                    target: .requiredWhen, section: section, field: index, column: column, source: src,
                    location: m.textLocation("required_when")))
        }
        if let d = m.node("default"), fieldType.keys.contains(.default) {
            if let s = d.scalar?.string {
                switch ValueParser.parse(s, for: field) {
                case .success(let v)?: field.defaultValue = v
                case .failure(let p)?:
                    reader.error(
                        d,
                        L("giá trị mặc định không hợp lệ: \(p.message.vi)", "invalid default: \(p.message.text(.en))"))
                case nil: break
                }
            } else {
                reader.error(d, L("giá trị mặc định phải là một giá trị đơn", "a default must be a single value"))
            }
        }
        return field
    }

    mutating func readBounds(_ m: YAMLMapping, into field: inout Field) {
        enum Bound { case number, year, date, none }
        let kind: Bound
        switch field.type {
        case .integer, .decimal, .percent: kind = .number
        case .year: kind = .year
        case .date: kind = .date
        // Reported with the keys a type does not take.
        case .text, .long_text, .email, .phone, .url, .boolean, .choice, .multi_choice, .table: kind = .none
        }
        for key in ["min", "max"] where m.has(key) {
            guard let raw = m.string(key) else { continue }
            let value = interpolate(raw, m.location(key), forDisplay: false)
            switch kind {
            case .number:
                guard let n = Double(value) else {
                    reader.error(at: m.location(key), L("'\(key)' phải là một số", "'\(key)' must be a number"))
                    continue
                }
                if key == "min" { field.min = n } else { field.max = n }
            case .year:
                guard let y = ValueParser.parseYear(value) else {
                    reader.error(
                        at: m.location(key),
                        L(
                            "'\(key)' của năm phải là số có 4 chữ số, ví dụ 2019",
                            "a year '\(key)' must be 4 digits, e.g. 2019"))
                    continue
                }
                if key == "min" { field.min = Double(y) } else { field.max = Double(y) }
            case .date:
                guard ValueParser.parseDate(value) == value else {
                    reader.error(
                        at: m.location(key),
                        L("'\(key)' của ngày phải có dạng yyyy-mm-dd", "a date '\(key)' must be yyyy-mm-dd"))
                    continue
                }
                if key == "min" { field.minDate = value } else { field.maxDate = value }
            case .none:
                break
            }
        }
        if let lo = field.min, let hi = field.max, lo > hi {
            reader.error(
                at: m.location("min"),
                L(
                    "min (\(formatNumber(lo))) lớn hơn max (\(formatNumber(hi)))",
                    "min (\(formatNumber(lo))) is greater than max (\(formatNumber(hi)))"))
        }
        if let lo = field.minDate, let hi = field.maxDate, lo > hi {
            reader.error(at: m.location("min"), L("ngày min sau ngày max", "the min date is after the max date"))
        }
        if field.type == .percent, (field.min ?? 0) < 0 || (field.max ?? 100) > 100 {
            reader.error(
                at: m.location(field.min.map { $0 < 0 } == true ? "min" : "max"),
                L("tỷ lệ phần trăm nằm trong 0–100", "a percentage lies within 0–100"))
        }
    }

    mutating func readChoices(_ m: YAMLMapping, into field: inout Field) {
        // A type without choices has had 'choices' reported with the keys it does not take.
        let isChoice = field.type.keys.contains(.choices)
        guard m.has("choices") else {
            if isChoice {
                reader.error(
                    m.node,
                    L(
                        "câu hỏi lựa chọn '\(field.id)' cần danh sách 'choices'",
                        "choice field '\(field.id)' needs 'choices'"))
            }
            return
        }
        if !isChoice { return }
        for cnode in reader.sequence(m.node("choices"), what: L("'choices'", "'choices'")) {
            guard
                let c = reader.mapping(
                    cnode, what: L("lựa chọn", "a choice"), allowed: ["id", "label", "label_en", "other"])
            else { continue }
            guard let id = c.string("id") else {
                reader.error(cnode, L("lựa chọn thiếu 'id'", "choice without an 'id'"))
                continue
            }
            checkId(id, c.location("id"))
            if field.choices.contains(where: { $0.id == id }) {
                reader.error(at: c.location("id"), L("mã lựa chọn '\(id)' bị lặp", "duplicate choice id '\(id)'"))
            }
            let label =
                c.localized("label", required: true).map { interpolate($0, c.location("label")) } ?? LocalizedText(id)
            field.choices.append(Choice(id: id, label: label, other: c.bool("other") ?? false))
        }
    }

    mutating func readRules(_ node: Node?, target: (Int) -> Pending.Target, section: Int?, field: Int?) -> [Rule] {
        var rules: [Rule] = []
        for rnode in reader.sequence(node, what: L("'rules'", "'rules'")) {
            guard
                let m = reader.mapping(
                    rnode, what: L("quy tắc", "a rule"),
                    allowed: ["id", "assert", "severity", "message", "message_en"])
            else { continue }
            let id = m.string("id", required: true) ?? ""
            checkId(id, m.location("id"))
            if rules.contains(where: { $0.id == id }) {
                reader.error(at: m.location("id"), L("mã quy tắc '\(id)' bị lặp", "duplicate rule id '\(id)'"))
            }
            var severity = Severity.error
            if let s = m.string("severity") {
                if let v = Severity(rawValue: s) {
                    severity = v
                } else {
                    reader.error(
                        at: m.location("severity"),
                        L(
                            "mức độ '\(s)' không hợp lệ: dùng error hoặc warning",
                            "severity '\(s)' is not valid: use error or warning"))
                }
            }
            let message =
                m.localized("message", required: true).map { interpolate($0, m.location("message")) }
                ?? LocalizedText(id)
            if let src = m.string("assert", required: true) {
                pending.append(
                    Pending(
                        target: target(rules.count), section: section, field: field, column: nil, source: src,
                        location: m.textLocation("assert")))
            }
            let placeholder = Rule.Condition(source: "", expression: .bool(true), references: [])
            rules.append(
                Rule(
                    id: id, condition: placeholder, severity: severity, message: message,
                    location: reader.location(rnode)))
        }
        return rules
    }

    // MARK: Expressions

    func resolvePending(_ form: inout Form) {
        let params = form.parameterDictionary
        for p in pending {
            var resolver = ExpressionResolver(
                sections: form.sections, parameters: params, sectionId: p.section.map { form.sections[$0].id })
            if let s = p.section, let f = p.field {
                let owner = form.sections[s].fields[f]
                if p.column != nil || { if case .rowRule = p.target { return true } else { return false } }() {
                    resolver.table = owner
                }
            }
            let condition: Rule.Condition
            do {
                let raw = try ExpressionParser.parse(p.source)
                let (expr, type) = resolver.resolve(raw)
                for problem in resolver.problems { report(problem.offset, problem.message, p) }
                if type != .bool && type != .unknown && resolver.problems.isEmpty {
                    report(
                        0,
                        L(
                            "biểu thức phải cho kết quả đúng/sai, ở đây là \(type.label(.vi))",
                            "the expression must be true or false, it is a \(type.label(.en))"), p)
                }
                condition = Rule.Condition(source: p.source, expression: expr, references: resolver.references)
            } catch let e as ExpressionSyntaxError {
                report(
                    e.offset,
                    L(
                        "biểu thức không đọc được: \(e.message.vi)",
                        "the expression does not parse: \(e.message.text(.en))"), p)
                continue
            } catch { continue }
            switch p.target {
            case .relevant, .requiredWhen:
                guard let s = p.section, let f = p.field else { continue }
                let isRelevant: Bool = { if case .relevant = p.target { return true } else { return false } }()
                if let c = p.column {
                    if isRelevant {
                        form.sections[s].fields[f].columns[c].relevant = condition
                    } else {
                        form.sections[s].fields[f].columns[c].requiredWhen = condition
                    }
                } else {
                    if isRelevant {
                        form.sections[s].fields[f].relevant = condition
                    } else {
                        form.sections[s].fields[f].requiredWhen = condition
                    }
                }
            case .sectionRule(let r): form.sections[p.section!].rules[r].condition = condition
            case .rowRule(let r): form.sections[p.section!].fields[p.field!].rowRules[r].condition = condition
            case .formRule(let r): form.rules[r].condition = condition
            }
        }
        checkRelevantCycles(form)
    }

    func report(_ offset: Int, _ message: LocalizedText, _ p: Pending) {
        var loc = p.location
        if !p.source.contains("\n") { loc.column += offset }
        reader.error(at: loc, message)
    }

    /// A field shown only when another is answered, which is itself shown only when the
    /// first is answered, can never be asked.
    func checkRelevantCycles(_ form: Form) {
        var edges: [String: [String]] = [:]
        var locations: [String: SourceLocation] = [:]
        for s in form.sections {
            for f in s.fields {
                let key = FieldPath(s.id, f.id).description
                locations[key] = f.location
                edges[key] = f.relevant?.references ?? []
                for c in f.columns {
                    let ckey = FieldPath(s.id, f.id, column: c.id).description
                    locations[ckey] = c.location
                    edges[ckey] = c.relevant?.references ?? []
                }
            }
        }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var reported: Set<String> = []
        func visit(_ node: String, _ stack: [String]) {
            if state[node] == 2 { return }
            if state[node] == 1 {
                let cycle = stack.drop(while: { $0 != node }) + [node]
                if !reported.contains(node), let loc = locations[node] {
                    reported.insert(node)
                    let chain = cycle.joined(separator: " → ")
                    reader.error(
                        at: loc,
                        L(
                            "vòng lặp 'relevant': \(chain); câu hỏi này sẽ không bao giờ được hỏi",
                            "'relevant' cycle: \(chain); this field could never be asked"))
                }
                return
            }
            state[node] = 1
            for next in edges[node] ?? [] { visit(next, stack + [node]) }
            state[node] = 2
        }
        for key in edges.keys.sorted() { visit(key, []) }
    }

    /// A question that depends on one asked later cannot be decided when it comes up.
    func checkRelevantOrder(_ form: Form) {
        var order: [String: Int] = [:]
        var i = 0
        for s in form.sections {
            for f in s.fields {
                order[FieldPath(s.id, f.id).description] = i
                i += 1
            }
        }
        for s in form.sections {
            for f in s.fields {
                guard let me = order[FieldPath(s.id, f.id).description], let refs = f.relevant?.references else {
                    continue
                }
                for r in refs where (order[r] ?? -1) > me {
                    reader.warning(
                        at: f.location,
                        L(
                            "'relevant' của '\(f.id)' dựa vào '\(r)', câu hỏi được hỏi sau nó",
                            "the 'relevant' of '\(f.id)' depends on '\(r)', which is asked after it"))
                }
            }
        }
    }
}
