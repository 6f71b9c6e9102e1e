import FormKit
import Foundation
import Yams

/// How a column's numbers are shown.
public enum ColumnFormat: String, Sendable, CaseIterable {
    case integer, decimal, percent, ratio, year, text

    var excel: String? {
        switch self {
        case .integer: return "#,##0"
        case .year: return "0"
        case .decimal: return "#,##0.0#"
        case .percent: return "0.0"
        case .ratio: return "0.0%"
        case .text: return nil
        }
    }

    static func of(_ type: FieldType) -> ColumnFormat {
        switch type {
        case .integer: return .integer
        case .decimal: return .decimal
        case .percent: return .percent
        case .year: return .year
        case .text, .long_text, .email, .phone, .url, .date, .boolean, .choice, .multi_choice, .table: return .text
        }
    }
}

/// One column of the summary sheet.
public struct SummaryColumn: Sendable {
    public enum Source: Sendable {
        /// A scalar field's answer.
        case field(section: String, field: String)
        /// A numeric expression of the form language over the unit's answers.
        case value(CompiledExpression)
        /// A live formula numerator / denominator over two other columns of the same row.
        case ratio(numerator: String, denominator: String)
    }

    public var id: String
    public var header: String
    public var group: String?
    public var source: Source
    public var format: ColumnFormat
    public var total: Bool
    /// `previous:` — with last year's reports (`merge --previous`) the column gets a twin with
    /// last year's value and the change; a change beyond `jump` (a factor: 1.5 is ±50 %, 10 is
    /// ×10 either way) is marked as implausible. Nil: no twin.
    public var previousYear: PreviousYear?

    public struct PreviousYear: Sendable {
        /// The factor beyond which a change is implausible; nil: none is.
        public var jump: Double?
    }
}

public struct ChartLayout: Sendable {
    public var title: String
    public var columns: [String]
    public var stacked: Bool
}

/// One sheet of the consolidated workbook.
public enum SheetLayout: Sendable {
    case cover(name: String)
    case summary(name: String, title: String, columns: [SummaryColumn])
    case charts(name: String, charts: [ChartLayout])
    case section(name: String?, section: String, fields: [String]?)
    /// `title`: the sheet's heading when the table's label is an instruction ("Các đơn vị căn cứ…").
    case table(name: String?, title: String?, section: String, table: String, ticks: Set<String>)
    case issues(name: String)
    /// Last year's plan against this year's report (`merge --previous`): every task and service
    /// each unit promised, what it reported, the completion, the reason; missing ones marked.
    case planTracking(name: String)
    case completeness(name: String)

    /// Written only with last year's reports (`merge --previous`).
    var needsPreviousYear: Bool {
        if case .planTracking = self { return true }
        return false
    }
}

/// The consolidated workbook, described by Templates/consolidated.yaml and checked against
/// the form when loaded: an unknown field id is reported with its line and column.
public struct WorkbookLayout: Sendable {
    public var title: String
    public var sheets: [SheetLayout]

    public static func load(contentsOf url: URL, form: Form) throws -> WorkbookLayout {
        let text = try InputFile.yamlText(url.path, what: L("không mở được tệp bố cục", "cannot open the layout file"))
        return try parse(text, file: FormLoader.displayPath(url), form: form)
    }

    public static func parse(_ text: String, file: String, form: Form) throws -> WorkbookLayout {
        let reader = YAMLReader(file: file)
        let params = form.parameterDictionary
        func fill(_ s: String) -> String {
            params.reduce(s) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        var layout = WorkbookLayout(title: "", sheets: [])
        guard let root = reader.compose(text),
            let top = reader.mapping(
                root, what: L("bố cục bảng tổng hợp", "the workbook layout"), allowed: ["title", "sheets"])
        else {
            throw DiagnosticsError(reader.diagnostics)
        }
        layout.title = fill(top.string("title", required: true) ?? "")
        var summaryIds: Set<String> = []
        var chartChecks: [(ids: [String], node: YAMLMapping)] = []
        for node in reader.sequence(top.node("sheets"), what: L("'sheets'", "'sheets'")) {
            guard
                let m = reader.mapping(
                    node, what: L("trang tính", "a sheet"),
                    allowed: ["kind", "name", "title", "columns", "charts", "section", "fields", "table", "ticks"])
            else { continue }
            let kind = m.string("kind", required: true) ?? ""
            let sheetName = m.string("name").map(fill)
            switch kind {
            case "cover": layout.sheets.append(.cover(name: sheetName ?? "Tổng quan"))
            case "issues": layout.sheets.append(.issues(name: sheetName ?? "Lỗi và cảnh báo"))
            case "plan_tracking": layout.sheets.append(.planTracking(name: sheetName ?? "Theo dõi kế hoạch"))
            case "completeness": layout.sheets.append(.completeness(name: sheetName ?? "Tình trạng nộp"))
            case "summary":
                var columns: [SummaryColumn] = []
                for cnode in reader.sequence(m.node("columns"), what: L("'columns'", "'columns'")) {
                    if let c = summaryColumn(cnode, reader: reader, form: form, fill: fill) {
                        if summaryIds.contains(c.id) {
                            reader.error(cnode, L("mã cột '\(c.id)' bị lặp", "duplicate column id '\(c.id)'"))
                        }
                        summaryIds.insert(c.id)
                        columns.append(c)
                    }
                }
                for (i, c) in columns.enumerated() {
                    if case .ratio(let n, let d) = c.source {
                        for ref in [n, d] where !columns[..<i].contains(where: { $0.id == ref }) {
                            reader.error(
                                reader.sequence(m.node("columns"), what: L("", ""))[i],
                                L(
                                    "tỷ lệ '\(c.id)' dùng cột '\(ref)' chưa có ở bên trái nó",
                                    "ratio '\(c.id)' uses column '\(ref)', which is not to its left"))
                        }
                    }
                }
                layout.sheets.append(
                    .summary(
                        name: sheetName ?? "Tổng hợp", title: fill(m.string("title") ?? layout.title), columns: columns)
                )
            case "charts":
                var charts: [ChartLayout] = []
                for cnode in reader.sequence(m.node("charts"), what: L("'charts'", "'charts'")) {
                    guard
                        let c = reader.mapping(
                            cnode, what: L("biểu đồ", "a chart"), allowed: ["title", "columns", "stacked"])
                    else { continue }
                    let ids = reader.sequence(c.node("columns"), what: L("'columns'", "'columns'")).compactMap {
                        $0.scalar?.string
                    }
                    chartChecks.append((ids, c))
                    charts.append(
                        ChartLayout(
                            title: fill(c.string("title", required: true) ?? ""), columns: ids,
                            stacked: c.bool("stacked") ?? false))
                }
                layout.sheets.append(.charts(name: sheetName ?? "Biểu đồ", charts: charts))
            case "section":
                guard let sid = m.string("section", required: true) else { continue }
                guard let section = form.section(sid) else {
                    reader.error(at: m.location("section"), unknown("section", sid, form.sections.map(\.id)))
                    continue
                }
                var fields: [String]?
                if m.has("fields") {
                    fields = []
                    for f in reader.sequence(m.node("fields"), what: L("'fields'", "'fields'")) {
                        guard let id = f.scalar?.string else { continue }
                        if section.field(id) == nil || section.field(id)?.type == .table {
                            reader.error(
                                f,
                                unknown(
                                    "field", "\(sid).\(id)",
                                    section.fields.filter { $0.type != .table }.map { "\(sid).\($0.id)" }))
                        } else {
                            fields?.append(id)
                        }
                    }
                }
                layout.sheets.append(.section(name: sheetName, section: sid, fields: fields))
            case "table":
                guard let path = m.string("table", required: true) else { continue }
                guard let found = form.field(at: path), found.column == nil, found.field.type == .table else {
                    let tables = form.sections.flatMap { s in
                        s.fields.filter { $0.type == .table }.map { "\(s.id).\($0.id)" }
                    }
                    reader.error(at: m.location("table"), unknown("table", path, tables))
                    continue
                }
                let ticks = choiceColumns("ticks", of: found.field, path, in: m, reader: reader)
                layout.sheets.append(
                    .table(
                        name: sheetName, title: m.string("title").map(fill), section: found.section.id,
                        table: found.field.id, ticks: ticks))
            default:
                let kinds = [
                    "cover", "summary", "charts", "section", "table", "issues", "plan_tracking", "completeness"
                ]
                reader.error(at: m.location("kind"), unknown("sheet kind", kind, kinds))
            }
        }
        for (ids, node) in chartChecks {
            for id in ids where !summaryIds.contains(id) {
                reader.error(node.node("columns"), unknown("summary column", id, Array(summaryIds)))
            }
        }
        if reader.hasErrors { throw DiagnosticsError(reader.diagnostics) }
        return layout
    }

    static func summaryColumn(_ node: Node, reader: YAMLReader, form: Form, fill: (String) -> String) -> SummaryColumn?
    {
        guard
            let m = reader.mapping(
                node, what: L("cột", "a column"),
                allowed: ["id", "header", "group", "field", "value", "ratio", "format", "total", "previous"])
        else { return nil }
        guard let id = m.string("id", required: true), let header = m.string("header", required: true) else {
            return nil
        }
        let sources = ["field", "value", "ratio"].filter { m.has($0) }
        guard sources.count == 1 else {
            reader.error(
                node,
                L(
                    "cột '\(id)' cần đúng một trong field, value, ratio",
                    "column '\(id)' needs exactly one of field, value, ratio"))
            return nil
        }
        var format = ColumnFormat.integer
        let source: SummaryColumn.Source
        switch sources[0] {
        case "field":
            let path = m.string("field") ?? ""
            guard let found = form.field(at: path), found.column == nil, found.field.type != .table else {
                let all = form.sections.flatMap { s in s.fields.filter { $0.type != .table }.map { "\(s.id).\($0.id)" }
                }
                reader.error(at: m.location("field"), unknown("field", path, all))
                return nil
            }
            source = .field(section: found.section.id, field: found.field.id)
            format = ColumnFormat.of(found.field.type)
        case "value":
            let text = m.string("value") ?? ""
            do {
                let compiled = try form.compile(text)
                if !compiled.isNumeric {
                    reader.error(
                        at: m.textLocation("value"), L("'value' phải cho kết quả là số", "'value' must give a number"))
                }
                source = .value(compiled)
            } catch {
                for p in error.problems {
                    var loc = m.textLocation("value")
                    loc.column += p.offset
                    reader.error(at: loc, p.message)
                }
                return nil
            }
        default:
            guard
                let r = reader.mapping(
                    m.node("ratio"), what: L("'ratio'", "'ratio'"), allowed: ["numerator", "denominator"]),
                let n = r.string("numerator", required: true), let d = r.string("denominator", required: true)
            else { return nil }
            source = .ratio(numerator: n, denominator: d)
            format = .ratio
        }
        if let f = m.string("format") {
            if let v = ColumnFormat(rawValue: f) {
                format = v
            } else {
                reader.error(at: m.location("format"), unknown("format", f, ColumnFormat.allCases.map(\.rawValue)))
            }
        }
        let total = m.string("total") ?? "none"
        if total != "sum" && total != "none" {
            reader.error(at: m.location("total"), unknown("total", total, ["sum", "none"]))
        }
        var previousYear: SummaryColumn.PreviousYear?
        if m.has("previous") {
            if case .ratio = source {
                reader.error(
                    at: m.location("previous"),
                    L(
                        "cột tỷ lệ '\(id)' không có cột 'năm trước' (hãy đặt 'previous' ở tử số và mẫu số)",
                        "the ratio column '\(id)' has no 'last year' twin (put 'previous' on its numerator and denominator)"
                    ))
            } else if let p = reader.mapping(m.node("previous"), what: L("'previous'", "'previous'"), allowed: ["jump"])
            {
                let jump = p.string("jump").flatMap(Double.init)
                if p.has("jump"), jump.map({ $0 <= 1 }) ?? true {
                    reader.error(
                        at: p.location("jump"),
                        L(
                            "'jump' phải là một hệ số lớn hơn 1 (1.5 là ±50 %, 10 là gấp 10 lần)",
                            "'jump' must be a factor above 1 (1.5 is ±50 %, 10 is ten times)"))
                }
                previousYear = SummaryColumn.PreviousYear(jump: jump)
            }
        }
        return SummaryColumn(
            id: id, header: fill(header), group: m.string("group").map(fill), source: source, format: format,
            total: total == "sum", previousYear: previousYear)
    }

    /// The choice columns of a table listed under `key` (how they are drawn: 'ticks', 'boxes');
    /// a column that is not a choice is reported.
    static func choiceColumns(
        _ key: String, of table: Field, _ path: String, in m: YAMLMapping, reader: YAMLReader
    ) -> Set<String> {
        var ids: Set<String> = []
        for t in reader.sequence(m.node(key), what: L("'\(key)'", "'\(key)'")) {
            guard let id = t.scalar?.string else { continue }
            if table.column(id)?.type == .choice || table.column(id)?.type == .multi_choice {
                ids.insert(id)
            } else {
                reader.error(
                    t,
                    L(
                        "'\(key)' chỉ dùng cho cột lựa chọn; bảng '\(path)' không có cột lựa chọn '\(id)'",
                        "'\(key)' only applies to choice columns; table '\(path)' has no choice column '\(id)'"))
            }
        }
        return ids
    }

    static func unknown(_ what: String, _ name: String, _ candidates: [String]) -> LocalizedText {
        let vi: [String: String] = [
            "section": "mục", "field": "câu hỏi", "table": "bảng", "sheet kind": "loại trang tính",
            "summary column": "cột tổng hợp", "format": "định dạng", "total": "kiểu dòng tổng"
        ]
        return L(
            "biểu mẫu không có \(vi[what] ?? what) '\(name)'",
            "unknown \(what) '\(name)'") + didYouMean(name, in: candidates)
    }
}
