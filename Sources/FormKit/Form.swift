import Foundation

/// A report form, as loaded from a declarative YAML file.
/// Labels and messages already have the form's parameters filled in.
public struct Form: Sendable {
    public var id: String
    public var version: String
    public var title: LocalizedText
    /// Parameters in file order: name → value as written (`2018`, `2018-01-01`).
    public var parameters: [(name: String, value: String)]
    public var sections: [Section]
    /// Rules across sections; their references are always qualified (`general.staff_total`).
    public var rules: [Rule]
    /// Where the form was loaded from.
    public var file: String

    public init(
        id: String, version: String, title: LocalizedText, parameters: [(name: String, value: String)],
        sections: [Section], rules: [Rule], file: String
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.parameters = parameters
        self.sections = sections
        self.rules = rules
        self.file = file
    }

    public func section(_ id: String) -> Section? { sections.first { $0.id == id } }

    public func field(_ section: String, _ field: String) -> Field? {
        self.section(section)?.field(field)
    }

    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    public var parameterDictionary: [String: String] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}

public struct Section: Sendable {
    public var id: String
    /// The template's own numbering, verbatim ("Mục 3", "3.2 b)").
    public var number: String?
    public var title: LocalizedText
    public var help: LocalizedText?
    public var fields: [Field]
    public var rules: [Rule]
    public var location: SourceLocation

    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }

    /// "Mục 1. Thông tin chung"
    /// "Mục 1. Thông tin chung"; in English the template's "Mục" reads "Section".
    public func heading(_ language: Language) -> String {
        let shownNumber = language == .en ? number?.replacingOccurrences(of: "Mục", with: "Section") : number
        return [shownNumber, title.text(language)].compactMap { $0 }.joined(separator: ". ")
    }
}

public struct Choice: Sendable, Hashable {
    public var id: String
    public var label: LocalizedText
    /// An "other: specify" option: choosing it asks for a text (a field relevant on it).
    public var other: Bool
}

public struct Field: Sendable {
    public var id: String
    public var number: String?
    public var type: FieldType
    public var label: LocalizedText
    public var help: LocalizedText?
    public var required: Bool
    public var requiredWhen: Rule.Condition?
    public var relevant: Rule.Condition?
    /// Bounds: numbers for numeric fields, `yyyy-mm-dd` for dates.
    public var min: Double?
    public var max: Double?
    public var minDate: String?
    public var maxDate: String?
    public var defaultValue: Value?
    public var choices: [Choice]
    /// Table fields: the columns of each row, their row rules, and row limits.
    public var columns: [Field]
    public var rowRules: [Rule]
    public var minRows: Int?
    public var maxRows: Int?
    public var location: SourceLocation

    public func column(_ id: String) -> Field? { columns.first { $0.id == id } }
    public func choice(_ id: String) -> Choice? { choices.first { $0.id == id } }

    /// "3.1 Số cơ quan…" — number and label as the template prints them.
    public func heading(_ language: Language) -> String {
        [number, label.text(language)].compactMap { $0 }.joined(separator: " ")
    }
}

/// A check on answers: `assert` must hold, otherwise the message is reported.
public struct Rule: Sendable {
    public var id: String
    public var condition: Condition
    public var severity: Severity
    public var message: LocalizedText
    public var location: SourceLocation

    /// A parsed expression with the source it came from and the fields it reads.
    public struct Condition: Sendable {
        public var source: String
        public var expression: Expression
        /// Every field the expression reads, as full ids (`general.staff_total`,
        /// `online_services.services[].name`).
        public var references: [String]
    }
}

/// Where a field lives: its section, and for a column its table.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public var section: String
    public var field: String
    public var column: String?

    public init(_ section: String, _ field: String, column: String? = nil) {
        self.section = section
        self.field = field
        self.column = column
    }

    /// `section.field` or `section.table[].column`: the contract other tools use.
    public var description: String {
        column.map { "\(section).\(field)[].\($0)" } ?? "\(section).\(field)"
    }
}
