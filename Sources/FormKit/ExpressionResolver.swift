import Foundation

/// The static type of an expression, used to reject nonsense such as comparing a
/// number with a text before a form is ever used.
enum ExpressionType: Equatable {
    case number, string, date, bool, list, table, series, unknown

    func label(_ language: Language) -> String {
        switch (self, language) {
        case (.number, .vi): return "số"
        case (.string, .vi): return "chuỗi"
        case (.date, .vi): return "ngày"
        case (.bool, .vi): return "đúng/sai"
        case (.list, .vi): return "danh sách lựa chọn"
        case (.table, .vi): return "bảng"
        case (.series, .vi): return "cột của bảng"
        case (.unknown, .vi): return "không rõ"
        case (.bool, .en): return "true/false"
        case (.list, .en): return "list of choices"
        case (.series, .en): return "table column"
        case (_, .en): return "\(self)"
        }
    }

    init(_ type: FieldType) {
        switch type {
        case .integer, .decimal, .percent, .year: self = .number
        case .text, .long_text, .email, .phone, .url, .choice: self = .string
        case .date: self = .date
        case .boolean: self = .bool
        case .multi_choice: self = .list
        case .table: self = .table
        }
    }
}

/// Resolves the names of a parsed expression against a form: within a section,
/// `field` means that section's field; in a row rule, a bare name is first a column
/// of the row; `section.field` and `section.table.column` work everywhere.
struct ExpressionResolver {
    var sections: [Section]
    var parameters: [String: String]
    var sectionId: String?
    var table: Field?

    var problems: [(offset: Int, message: LocalizedText)] = []
    var references: [String] = []

    /// A resolved reference with what it points to.
    private struct Target {
        var expression: Expression
        var type: ExpressionType
        var field: Field
    }

    mutating func resolve(_ raw: RawExpression) -> (Expression, ExpressionType) {
        switch raw {
        case .number(let n): return (.number(n), .number)
        case .bool(let b): return (.bool(b), .bool)
        case .string(let s, _): return (.string(s), ExpressionResolver.looksLikeDate(s) ? .date : .string)
        case .parameter(let name, let offset):
            guard let value = parameters[name] else {
                problems.append(
                    (
                        offset,
                        L(
                            "tham số '$\(name)' chưa được khai báo trong 'parameters'",
                            "parameter '$\(name)' is not defined under 'parameters'")
                            + didYouMean(name, in: Array(parameters.keys), quote: { "'$\($0)'" })
                    ))
                return (.bool(false), .unknown)
            }
            if let n = Double(value) { return (.number(n), .number) }
            return (.string(value), ExpressionResolver.looksLikeDate(value) ? .date : .string)
        case .name(let parts, let offset):
            guard let t = lookup(parts, offset: offset) else { return (.bool(false), .unknown) }
            if t.type == .series {
                problems.append(
                    (
                        offset,
                        L(
                            "'\(parts.joined(separator: "."))' là một cột của bảng: chỉ dùng được trong sum() hoặc trong quy tắc của dòng",
                            "'\(parts.joined(separator: "."))' is a table column: use it inside sum() or in a row rule")
                    ))
                return (t.expression, .unknown)
            }
            return (t.expression, t.type)
        case .not(let e):
            let (x, t) = resolve(e)
            expect(t, .bool, at: e.offset, what: "not")
            return (.not(x), .bool)
        case .negate(let e):
            let (x, t) = resolve(e)
            expect(t, .number, at: e.offset, what: "-")
            return (.negate(x), .number)
        case .binary(let op, let l, let r, let offset):
            let (a, ta) = resolve(l)
            let (b, tb) = resolve(r)
            switch op {
            case .add, .subtract, .multiply, .divide:
                expect(ta, .number, at: l.offset, what: op.rawValue)
                expect(tb, .number, at: r.offset, what: op.rawValue)
                return (.binary(op, a, b), .number)
            case .and, .or:
                expect(ta, .bool, at: l.offset, what: op.rawValue)
                expect(tb, .bool, at: r.offset, what: op.rawValue)
                return (.binary(op, a, b), .bool)
            default:
                checkComparison(op, ta, tb, offset: offset)
                checkChoiceLiteral(a, b, offset: r.offset)
                checkChoiceLiteral(b, a, offset: l.offset)
                return (.binary(op, a, b), .bool)
            }
        case .call(let name, let args, let offset):
            return resolveCall(name, args, offset: offset)
        }
    }

    private static func looksLikeDate(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
    }

    private mutating func expect(_ t: ExpressionType, _ wanted: ExpressionType, at offset: Int, what: String) {
        guard t != .unknown, t != wanted else { return }
        problems.append(
            (
                offset,
                L(
                    "'\(what)' cần \(wanted.label(.vi)), ở đây là \(t.label(.vi))",
                    "'\(what)' needs a \(wanted.label(.en)), got a \(t.label(.en))")
            ))
    }

    private mutating func checkComparison(
        _ op: Expression.BinaryOperator, _ a: ExpressionType, _ b: ExpressionType, offset: Int
    ) {
        guard a != .unknown, b != .unknown else { return }
        let compatible = a == b || (a == .date && b == .string) || (a == .string && b == .date)
        if !compatible {
            problems.append(
                (
                    offset,
                    L(
                        "so sánh \(a.label(.vi)) với \(b.label(.vi)) ('\(op.rawValue)')",
                        "compares a \(a.label(.en)) with a \(b.label(.en)) ('\(op.rawValue)')")
                ))
        } else if ![.equal, .notEqual].contains(op),
            ![.number, .date].contains(a) || ![.number, .date, .string].contains(b)
        {
            problems.append(
                (
                    offset,
                    L(
                        "'\(op.rawValue)' chỉ dùng để so sánh số hoặc ngày",
                        "'\(op.rawValue)' only compares numbers or dates")
                ))
        }
    }

    /// `deployment = 'unifed'` is caught here: the literal must be one of the field's choices.
    private mutating func checkChoiceLiteral(_ ref: Expression, _ literal: Expression, offset: Int) {
        guard case .string(let s) = literal, let field = field(of: ref), field.type == .choice else { return }
        if field.choice(s) == nil {
            problems.append(
                (
                    offset,
                    L(
                        "'\(s)' không phải lựa chọn của '\(field.id)'",
                        "'\(s)' is not an option of '\(field.id)'") + didYouMean(s, in: field.choices.map(\.id))
                ))
        }
    }

    private func field(of e: Expression) -> Field? {
        switch e {
        case .field(let s, let f), .table(let s, let f): return sections.first { $0.id == s }?.field(f)
        case .column(let c): return table?.column(c)
        case .tableColumn(let s, let f, let c): return sections.first { $0.id == s }?.field(f)?.column(c)
        default: return nil
        }
    }

    private mutating func resolveCall(_ name: String, _ args: [RawExpression], offset: Int) -> (
        Expression, ExpressionType
    ) {
        guard let fn = Expression.Function(rawValue: name.lowercased()) else {
            let names = Expression.Function.allCases.map(\.rawValue)
            problems.append(
                (
                    offset,
                    L(
                        "không có hàm '\(name)()'; các hàm dùng được: \(names.joined(separator: ", "))",
                        "unknown function '\(name)()'; available: \(names.joined(separator: ", "))")
                        + didYouMean(name, in: names)
                ))
            return (.bool(false), .unknown)
        }
        let arity = fn == .selected ? 2 : 1
        guard args.count == arity else {
            problems.append(
                (
                    offset,
                    L(
                        "\(fn.rawValue)() cần \(arity) đối số, ở đây có \(args.count)",
                        "\(fn.rawValue)() takes \(arity) argument(s), got \(args.count)")
                ))
            return (.bool(false), .unknown)
        }
        // Table columns are allowed as arguments here, so resolve names without the series check.
        var resolved: [(Expression, ExpressionType)] = []
        for a in args {
            if case .name(let parts, let o) = a, let t = lookup(parts, offset: o) {
                resolved.append((t.expression, t.type))
            } else if case .name = a {
                resolved.append((.bool(false), .unknown))
            } else {
                resolved.append(resolve(a))
            }
        }
        let (arg, type) = resolved[0]
        switch fn {
        case .count:
            if type != .table && type != .unknown {
                problems.append(
                    (
                        offset,
                        L("count() cần một bảng, ví dụ count(services)", "count() needs a table, e.g. count(services)")
                    ))
            }
            return (.call(.count, [arg]), .number)
        case .sum:
            if type != .series && type != .unknown {
                problems.append(
                    (
                        offset,
                        L(
                            "sum() cần một cột số của bảng, ví dụ sum(services.online_dossiers)",
                            "sum() needs a numeric table column, e.g. sum(services.online_dossiers)")
                    ))
            } else if let f = field(of: arg), !f.type.isNumeric {
                problems.append(
                    (
                        offset,
                        L(
                            "sum() cần một cột số; '\(f.id)' là \(f.type.label(.vi))",
                            "sum() needs a numeric column; '\(f.id)' is \(f.type.label(.en))")
                    ))
            }
            return (.call(.sum, [arg]), .number)
        case .selected:
            guard let f = field(of: arg), f.type == .choice || f.type == .multi_choice else {
                if type != .unknown {
                    problems.append(
                        (
                            offset,
                            L(
                                "selected() cần một câu hỏi lựa chọn làm đối số đầu",
                                "selected() needs a choice field as its first argument")
                        ))
                }
                return (.call(.selected, [arg, resolved[1].0]), .bool)
            }
            if case .string(let id) = resolved[1].0 {
                if f.choice(id) == nil {
                    problems.append(
                        (
                            args[1].offset,
                            L(
                                "'\(id)' không phải lựa chọn của '\(f.id)'",
                                "'\(id)' is not an option of '\(f.id)'") + didYouMean(id, in: f.choices.map(\.id))
                        ))
                }
            } else {
                problems.append(
                    (
                        args[1].offset,
                        L(
                            "đối số thứ hai của selected() phải là mã lựa chọn trong dấu nháy, ví dụ 'other'",
                            "the second argument of selected() must be a quoted option id, e.g. 'other'")
                    ))
            }
            return (.call(.selected, [arg, resolved[1].0]), .bool)
        case .empty:
            return (.call(.empty, [arg]), .bool)
        }
    }

    /// Finds what a dotted name refers to, reporting unknown or out-of-scope names.
    private mutating func lookup(_ parts: [String], offset: Int) -> Target? {
        let section = sectionId.flatMap { id in sections.first { $0.id == id } }
        func scalarOrTable(_ s: Section, _ f: Field) -> Target {
            references.append(FieldPath(s.id, f.id).description)
            return f.type == .table
                ? Target(expression: .table(s.id, f.id), type: .table, field: f)
                : Target(expression: .field(s.id, f.id), type: ExpressionType(f.type), field: f)
        }
        func series(_ s: Section, _ t: Field, _ c: Field) -> Target {
            references.append(FieldPath(s.id, t.id, column: c.id).description)
            return Target(expression: .tableColumn(s.id, t.id, c.id), type: .series, field: c)
        }
        let name = parts.joined(separator: ".")
        switch parts.count {
        case 1:
            if let table, let section, let c = table.column(parts[0]) {
                references.append(FieldPath(section.id, table.id, column: c.id).description)
                return Target(expression: .column(c.id), type: ExpressionType(c.type), field: c)
            }
            if let section, let f = section.field(parts[0]) { return scalarOrTable(section, f) }
            if section == nil, sections.contains(where: { $0.field(parts[0]) != nil }) {
                problems.append(
                    (
                        offset,
                        L(
                            "quy tắc chung của biểu mẫu phải ghi đủ 'mục.câu_hỏi', ví dụ general.\(parts[0])",
                            "form-level rules must name 'section.field', e.g. general.\(parts[0])")
                    ))
                return nil
            }
        case 2:
            if let s = sections.first(where: { $0.id == parts[0] }) {
                if let f = s.field(parts[1]) { return scalarOrTable(s, f) }
                unknown(name, candidates: s.fields.map { "\(s.id).\($0.id)" }, offset: offset)
                return nil
            }
            if let section, let t = section.field(parts[0]), t.type == .table {
                if let c = t.column(parts[1]) { return series(section, t, c) }
                unknown(name, candidates: t.columns.map { "\(t.id).\($0.id)" }, offset: offset)
                return nil
            }
        case 3:
            if let s = sections.first(where: { $0.id == parts[0] }), let t = s.field(parts[1]), t.type == .table {
                if let c = t.column(parts[2]) { return series(s, t, c) }
                unknown(name, candidates: t.columns.map { "\(s.id).\(t.id).\($0.id)" }, offset: offset)
                return nil
            }
        default:
            break
        }
        var candidates = sections.flatMap { s in s.fields.map { "\(s.id).\($0.id)" } }
        if let section { candidates += section.fields.map(\.id) }
        if let table { candidates += table.columns.map(\.id) }
        unknown(name, candidates: candidates, offset: offset)
        return nil
    }

    private mutating func unknown(_ name: String, candidates: [String], offset: Int) {
        problems.append(
            (
                offset,
                L(
                    "không có câu hỏi '\(name)' ở đây",
                    "no field '\(name)' here") + didYouMean(name, in: candidates)
            ))
    }
}
