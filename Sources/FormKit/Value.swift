import Foundation

/// One answer. A date is stored as text `yyyy-mm-dd`; a choice as its id;
/// a multiple choice as the list of chosen ids; a table as its rows.
public enum Value: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case list([String])
    case rows([Row])

    public var text: String? { if case .text(let s) = self { return s } else { return nil } }
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var list: [String]? { if case .list(let l) = self { return l } else { return nil } }
    public var rows: [Row]? { if case .rows(let r) = self { return r } else { return nil } }

    /// True for the values that count as "not answered".
    public var isBlank: Bool {
        switch self {
        case .text(let s): return s.unicodeScalars.allSatisfy(\.isSpace)
        case .list(let l): return l.isEmpty
        case .rows(let r): return r.isEmpty
        case .number, .bool: return false
        }
    }
}

/// One row of a table: column id → value.
public typealias Row = [String: Value]

/// Formats numbers the way the form shows them: no trailing ".0" on whole numbers.
package func formatNumber(_ n: Double) -> String {
    if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
    return String(n)
}

/// All answers of one report: section id → field id → value.
public struct Answers: Sendable, Hashable {
    public var sections: [String: [String: Value]]

    public init(_ sections: [String: [String: Value]] = [:]) {
        self.sections = sections
    }

    public subscript(section: String, field: String) -> Value? {
        get { sections[section]?[field] }
        set {
            // Modified in place: copying the section's answers for every answer set would make
            // reading a report quadratic.
            if let newValue {
                sections[section, default: [:]][field] = newValue
            } else if sections[section] != nil {
                sections[section]![field] = nil
                if sections[section]!.isEmpty { sections[section] = nil }
            }
        }
    }

    /// The answer if it is not blank.
    public func answered(_ section: String, _ field: String) -> Value? {
        guard let v = self[section, field], !v.isBlank else { return nil }
        return v
    }
}
