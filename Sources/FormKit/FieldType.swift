import Foundation

/// The type of a question. Every decision that depends on it is an exhaustive `switch`
/// without `default:`, so a new case makes the compiler list each place to decide:
///
/// - here: `labels`, `isNumeric`, `isTextual`, `keys` (what the form file allows);
/// - `ValueParser.parseTyped` (what a person types), `ValueParser.check` (a value's type and
///   bounds), `ValueParser.example`, `ValueRules` (bounds in force);
/// - `AnswersDecoder.value` (a JSON/YAML value), `Form.display` (how a value reads);
/// - `FormLoader.readBounds`, `ExpressionType.init` (its type in expressions);
/// - outside FormKit: `ColumnFormat.of` (Excel), the unit report, the sample generator and
///   the collector's hint and current value.
public enum FieldType: String, Sendable, CaseIterable, Codable {
    case text, long_text, integer, decimal, percent, year, email, phone, url, date, boolean
    case choice, multi_choice, table

    /// Answers are numbers (`Value.number`): bounds are numbers, rules compare and sum them.
    public var isNumeric: Bool {
        switch self {
        case .integer, .decimal, .percent, .year: return true
        case .text, .long_text, .email, .phone, .url, .date, .boolean, .choice, .multi_choice, .table: return false
        }
    }

    /// Answers are free text of some shape.
    public var isTextual: Bool {
        switch self {
        case .text, .long_text, .email, .phone, .url: return true
        case .integer, .decimal, .percent, .year, .date, .boolean, .choice, .multi_choice, .table: return false
        }
    }

    /// The type's name for people.
    public var labels: LocalizedText {
        switch self {
        case .text: return L("văn bản", "text")
        case .long_text: return L("văn bản dài", "long text")
        case .integer: return L("số nguyên", "integer")
        case .decimal: return L("số thập phân", "decimal")
        case .percent: return L("tỷ lệ % (0–100)", "percentage (0–100)")
        case .year: return L("năm", "year")
        case .email: return L("thư điện tử", "email")
        case .phone: return L("số điện thoại", "phone")
        case .url: return L("địa chỉ web", "url")
        case .date: return L("ngày (dd/mm/yyyy)", "date (dd/mm/yyyy)")
        case .boolean: return L("có/không", "yes/no")
        case .choice: return L("chọn một", "single choice")
        case .multi_choice: return L("chọn nhiều", "multiple choice")
        case .table: return L("bảng", "table")
        }
    }

    public func label(_ language: Language) -> String { labels.text(language) }

    /// The keys of a field in the form file that only some types allow.
    public enum Key: String, Sendable, CaseIterable {
        case min, max, `default`, choices, columns, rules, min_rows, max_rows
        /// What a number counts, printed after it as the template does ("thủ tục", "dịch vụ").
        case unit
        /// Answers a free text may take, offered by number ("Nơi lưu trữ dữ liệu").
        case suggestions
    }

    /// The type-dependent keys a field of this type may have (besides id, number, type,
    /// label, help, required, required_when and relevant, which every field may have).
    public var keys: Set<Key> {
        switch self {
        case .integer, .decimal: return [.min, .max, .default, .unit]
        case .percent, .year, .date: return [.min, .max, .default]
        case .text: return [.default, .suggestions]
        case .long_text, .email, .phone, .url, .boolean: return [.default]
        case .choice, .multi_choice: return [.choices, .default]
        case .table: return [.columns, .rules, .min_rows, .max_rows]
        }
    }
}
