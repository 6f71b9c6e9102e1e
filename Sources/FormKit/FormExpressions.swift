import Foundation

/// An expression compiled against a form outside the form file (workbook layouts use these
/// for their indicator columns), with the same names, functions and checks as rules.
public struct CompiledExpression: Sendable {
    public var source: String
    public var expression: Expression
    public var references: [String]
    public var isNumeric: Bool
}

/// Why an expression could not be compiled: offsets are columns within the source.
public struct ExpressionProblems: Error, Sendable {
    public var problems: [(offset: Int, message: LocalizedText)]
}

extension Form {
    /// Compiles `source` as a form-level expression (names are `section.field`).
    public func compile(_ source: String) throws(ExpressionProblems) -> CompiledExpression {
        var resolver = ExpressionResolver(sections: sections, parameters: parameterDictionary, sectionId: nil)
        let raw: RawExpression
        do { raw = try ExpressionParser.parse(source) } catch let e as ExpressionSyntaxError {
            throw ExpressionProblems(problems: [(e.offset, e.message)])
        } catch {
            throw ExpressionProblems(problems: [(0, L("biểu thức không đọc được", "the expression does not parse"))])
        }
        let (expression, type) = resolver.resolve(raw)
        if !resolver.problems.isEmpty { throw ExpressionProblems(problems: resolver.problems) }
        return CompiledExpression(
            source: source, expression: expression, references: resolver.references, isNumeric: type == .number)
    }

    /// The field at a full id: `section.field` or `section.table[].column` (`section.table.column` too).
    public func field(at path: String) -> (section: Section, field: Field, column: Field?)? {
        let parts = path.replacingOccurrences(of: "[]", with: "").split(separator: ".").map(String.init)
        guard parts.count >= 2, let s = section(parts[0]), let f = s.field(parts[1]) else { return nil }
        if parts.count == 2 { return (s, f, nil) }
        guard parts.count == 3, let c = f.column(parts[2]) else { return nil }
        return (s, f, c)
    }

    /// How a value reads to a person: choice labels instead of ids, dates as dd/mm/yyyy,
    /// numbers the Vietnamese way, years as written (2019).
    public func display(_ value: Value, of field: Field, _ language: Language) -> String {
        Self.display(value, type: field.type, choices: field.choices, language)
    }

    /// The same from what it reads of the field: a caller holding a field in a `FieldRef`
    /// passes these two parts, not the whole Field (a copy of some twenty references).
    package static func display(_ value: Value, type: FieldType, choices: [Choice], _ language: Language) -> String {
        func label(_ id: String) -> String { choices.first { $0.id == id }?.label.text(language) ?? id }
        switch type {
        case .choice:
            if case .text(let s) = value { return label(s) }
        case .multi_choice:
            if case .list(let ids) = value { return ids.map(label).joined(separator: "; ") }
        case .date:
            if case .text(let s) = value { return ValueParser.displayDate(s) }
        case .year:
            // Never grouped: "2019", not "2.019".
            if case .number(let n) = value { return formatNumber(n) }
        case .text, .long_text, .email, .phone, .url, .integer, .decimal, .percent, .boolean, .table:
            break
        }
        return Self.display(value, language)
    }

    /// A value on its own, whatever its field: text as is, numbers the Vietnamese way.
    static func display(_ value: Value, _ language: Language) -> String {
        switch value {
        case .text(let s): return s
        case .number(let n): return language == .vi ? ValueParser.vnNumber(n) : formatNumber(n)
        case .bool(let b): return b ? L("Có", "Yes").text(language) : L("Không", "No").text(language)
        case .list(let ids): return ids.joined(separator: "; ")
        case .rows(let rows): return L("\(rows.count) dòng", "\(rows.count) rows").text(language)
        }
    }
}
