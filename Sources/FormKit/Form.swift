import Foundation

/// A report form, as loaded from a declarative YAML file.
/// Labels and messages already have the form's parameters filled in.
public struct Form: Sendable {
    public var id: String
    public var version: String
    public var title: LocalizedText
    /// The line under the title: "(Kèm theo Công văn số …/CV-TTCNTT ngày … của Trung tâm…)".
    public var subtitle: LocalizedText?
    /// Parameters in file order: name → value as written (`2018`, `2018-01-01`).
    public var parameters: [(name: String, value: String)] {
        didSet { parameterDictionary = Form.dictionary(parameters) }
    }
    /// The same by name (the first of a repeated name): made once, as every submission read
    /// keeps a copy.
    public private(set) var parameterDictionary: [String: String]
    public var sections: [Section]
    /// Rules across sections; their references are always qualified (`general.staff_total`).
    public var rules: [Rule]
    /// Where the form was loaded from.
    public var file: String

    public init(
        id: String, version: String, title: LocalizedText, subtitle: LocalizedText? = nil,
        parameters: [(name: String, value: String)], sections: [Section], rules: [Rule], file: String
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.subtitle = subtitle
        self.parameters = parameters
        parameterDictionary = Form.dictionary(parameters)
        self.sections = sections
        self.rules = rules
        self.file = file
    }

    public func section(_ id: String) -> Section? { sections.first { $0.id == id } }

    /// The parts of the template, in the order their sections come.
    public var parts: [Section.Part] {
        var seen: Set<String> = []
        return sections.compactMap { $0.part }.filter { seen.insert($0.id).inserted }
    }

    public func field(_ section: String, _ field: String) -> Field? {
        self.section(section)?.field(field)
    }

    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    private static func dictionary(_ parameters: [(name: String, value: String)]) -> [String: String] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}

public struct Section: Sendable {
    public var id: String
    /// The template's own numbering with its punctuation, verbatim ("Mục 1.", "3.", "Mục 6:").
    public var number: String?
    public var title: LocalizedText
    public var help: LocalizedText?
    /// The part of the template this section belongs to ("MỤC 3: NỘI DUNG BÁO CÁO" holds the
    /// sections numbered 1., 3., 4., 6.); printed once, before the first section of the part.
    public var part: Part?
    /// The questions, in order: what is answered, validated and consolidated.
    public var fields: [Field]
    /// Everything the template prints in this section, in order: the questions (as indexes
    /// into `fields`) and the headings and notes between them, which are never answered.
    public var items: [Item]
    public var rules: [Rule]
    public var location: SourceLocation

    /// A group of sections under one heading of the template.
    public struct Part: Sendable {
        public var id: String
        public var number: String?
        public var title: LocalizedText
    }

    /// A heading or a note of the template: printed and shown, never answered.
    public struct Text: Sendable {
        public enum Kind: String, Sendable { case heading, note }
        public var kind: Kind
        public var number: String?
        public var text: LocalizedText
        public var location: SourceLocation

        /// "3.2. Tin học hóa…" as the template prints it.
        public func line(_ language: Language) -> String {
            [number, text.text(language)].compactMap { $0 }.joined(separator: " ")
        }
    }

    public enum Item: Sendable {
        /// `fields[index]`
        case field(Int)
        case text(Text)
    }

    /// The items with their questions resolved, for those who print the section.
    public var printedItems: [PrintedItem] {
        items.map {
            switch $0 {
            case .field(let i): .field(fields[i])
            case .text(let t): .text(t)
            }
        }
    }

    public enum PrintedItem: Sendable {
        case field(Field)
        case text(Text)
    }

    public func field(_ id: String) -> Field? { fields.first { $0.id == id } }

    /// The heading or note a question sits under: the last one before it in the section
    /// ("6.3. Những thuận lợi, khó khăn…" above "Thuận lợi" and "Khó khăn").
    public func text(above field: String) -> Text? {
        guard let f = fields.firstIndex(where: { $0.id == field }),
            let at = items.firstIndex(where: { if case .field(f) = $0 { true } else { false } })
        else { return nil }
        return items[..<at].reversed().lazy.compactMap { if case .text(let t) = $0 { t } else { nil } }.first
    }

    /// The section's heading as the template prints it: "Mục 1. Thông tin chung",
    /// "3. Cung cấp dịch vụ công trực tuyến"; in English the template's "Mục" reads "Section".
    public func printedHeading(_ language: Language) -> String {
        Self.join(number.map { Self.localized($0, language) }, title.text(language))
    }

    /// The heading that names the section on its own, anywhere: within a part, the part's
    /// number leads ("Mục 3 – 3. Cung cấp dịch vụ công trực tuyến").
    public func heading(_ language: Language) -> String {
        Self.join(reference(language), title.text(language))
    }

    /// The number that names the section anywhere, without its punctuation: "Mục 1",
    /// "Mục 3 – 3" (the part's number, then the section's own).
    public func reference(_ language: Language) -> String? {
        let own = number.map { Self.localized(Self.trimmed($0), language) }
        guard let partNumber = part?.number else { return own }
        return ([Self.localized(Self.trimmed(partNumber), language)] + [own].compactMap { $0 }).joined(separator: " – ")
    }

    /// The part's heading as printed: "Mục 3: Nội dung báo cáo".
    public func partHeading(_ language: Language) -> String? {
        part.map { Self.join($0.number.map { Self.localized($0, language) }, $0.title.text(language)) }
    }

    /// Number and title: a number that ends in its own punctuation ("Mục 3:", "1.") is followed
    /// by a space; a bare one ("Mục 1") by ". ".
    static func join(_ number: String?, _ title: String) -> String {
        guard let number, !number.isEmpty else { return title }
        return number + (number.last.map { ".:)".contains($0) } == true ? " " : ". ") + title
    }

    static func trimmed(_ number: String) -> String {
        String(number.reversed().drop { ".:) ".contains($0) }.reversed())
    }

    static func localized(_ number: String, _ language: Language) -> String {
        language == .en ? number.replacingOccurrences(of: "Mục", with: "Section") : number
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
    /// What a number counts ("thủ tục"): numeric fields.
    public var unit: LocalizedText? = nil
    /// Answers offered for a free text, which still takes any text: text fields.
    public var suggestions: [LocalizedText] = []
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

    /// The question named out of the printed page, as a column header or in a list of
    /// problems: its heading, without a bullet ("-", "+") that only marks a line on the page.
    public func name(_ language: Language) -> String {
        number.map { $0.allSatisfy { "-+•".contains($0) } } == true ? label.text(language) : heading(language)
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
