import Foundation
import Yams

/// Next year's form made from this year's: the parameters moved on by one year and the version
/// bumped, by editing the text of the file in place — comments, order, quoting and every id stay
/// as they were, so answers of the two years match question by question.
///
/// What moves: a parameter that is a year (`report_year: 2018`), a date (`period_end:
/// 2018-10-31`) and a text whose only numbers are this report's years (`"…… tháng …… năm 2018"`).
/// A text that cites a document (a number, a date: the decisions) is kept as it is and listed in
/// `toEdit`, with the other texts a person must still fill in by hand.
public struct NextYearForm: Sendable {
    /// One parameter and what became of it.
    public struct Change: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A year, a date or a text whose years moved on.
            case moved
            /// A text kept as it was: it must be checked, and written again if it changed.
            case kept
        }
        public var name: String
        public var old: String
        public var new: String
        public var kind: Kind
        /// The parameter is a text (not a year or a date): a person must read it again.
        public var needsReview: Bool
    }

    /// The text of next year's form.
    public var text: String
    public var oldVersion: String
    public var newVersion: String
    public var changes: [Change]
    /// The texts a person must still edit by hand (dispatch number, decisions cited …).
    public var toEdit: [Change] { changes.filter(\.needsReview) }

    /// Makes next year's form from the text of this year's; throws `DiagnosticsError` when the
    /// form does not load, has no `report_year`, or a value cannot be edited in place.
    public static func make(from text: String, file: String) throws -> NextYearForm {
        let loaded = FormLoader.lint(text, file: file)
        guard let form = loaded.form else { throw DiagnosticsError(loaded.errors) }
        let reader = YAMLReader(file: file)
        guard let root = reader.compose(text), case .mapping(let top) = root else {
            throw DiagnosticsError(reader.diagnostics)
        }
        func fail(_ node: Node?, _ message: LocalizedText) -> DiagnosticsError {
            DiagnosticsError([Diagnostic(.error, reader.location(node ?? root), message)])
        }
        guard let yearText = form.parameter("report_year"), let year = Int(yearText), (1900...2200).contains(year)
        else {
            throw fail(
                top["parameters"],
                L(
                    "biểu mẫu cần tham số 'report_year' là một năm (ví dụ report_year: 2018) để biết năm sau là năm nào",
                    "the form needs a 'report_year' parameter holding a year (e.g. report_year: 2018) to know which year comes next"
                ))
        }
        var edits: [(node: Node, value: String)] = []
        guard let versionNode = top["version"] else {
            throw fail(root, L("thiếu khoá bắt buộc 'version'", "missing required key 'version'"))
        }
        guard let newVersion = bumpedVersion(form.version, year: year) else {
            throw fail(
                versionNode,
                L(
                    "không biết tăng phiên bản '\(form.version)'; hãy viết phiên bản dạng \(year).1 hoặc 1.2",
                    "cannot bump the version '\(form.version)'; write it like \(year).1 or 1.2"))
        }
        edits.append((versionNode, newVersion))

        var changes: [Change] = []
        if case .mapping(let parameters) = top["parameters"] {
            for (key, value) in parameters {
                guard let name = key.scalar?.string, let old = value.scalar?.string else { continue }
                let (new, isText) = moved(old.nfc, years: [year, year + 1])
                changes.append(
                    Change(
                        name: name, old: old.nfc, new: new, kind: new == old.nfc ? .kept : .moved, needsReview: isText))
                if new != old.nfc { edits.append((value, new)) }
            }
        }

        var lines = text.components(separatedBy: "\n")
        for (node, value) in edits {
            guard let mark = node.mark, let scalar = node.scalar, mark.line >= 1, mark.line <= lines.count,
                let replaced = replacing(
                    in: lines[mark.line - 1], column: mark.column, style: scalar.style, with: value)
            else {
                throw fail(
                    node,
                    L(
                        "giá trị này không sửa tại chỗ được (viết trên nhiều dòng?); hãy viết nó trên một dòng",
                        "this value cannot be edited in place (written over several lines?); write it on one line"))
            }
            lines[mark.line - 1] = replaced
        }
        let result = lines.joined(separator: "\n")

        // What was written must read back as meant: the same form with the new values.
        let check = FormLoader.lint(result, file: file)
        guard let next = check.form else { throw DiagnosticsError(check.errors) }
        let expected = changes.map { ($0.name, $0.new) }
        guard next.version == newVersion,
            next.parameters.map(\.name) == expected.map(\.0),
            next.parameters.map(\.value) == expected.map(\.1)
        else {
            throw fail(
                top["parameters"],
                L(
                    "các tham số sửa xong đọc lại không đúng giá trị mới; hãy sửa tay tệp này",
                    "the edited parameters do not read back as the new values; edit this file by hand"))
        }
        return NextYearForm(text: result, oldVersion: form.version, newVersion: newVersion, changes: changes)
    }

    /// "2018.1" → "2019.1" (a version that starts with the report year); "3" → "4", "1.2" → "1.3".
    static func bumpedVersion(_ version: String, year: Int) -> String? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.first == String(year), parts.dropFirst().allSatisfy({ Int($0) != nil }) {
            return "\(year + 1).1"
        }
        guard let last = parts.last, let n = Int(last), !last.hasPrefix("-") else { return nil }
        return (parts.dropLast() + [String(n + 1)]).joined(separator: ".")
    }

    /// The value moved on a year, and whether it is a text a person must read again.
    static func moved(_ value: String, years: [Int]) -> (String, Bool) {
        if let n = Int(value), String(n) == value, (1900...2200).contains(n) { return (String(n + 1), false) }
        if let date = nextYearDate(value) { return (date, false) }
        // A text: its years move only when every number in it is one of the report's years
        // (a placeholder like "…… tháng …… năm 2018"); a text citing a document is kept.
        let numbers = value.split(whereSeparator: { !$0.isASCII || !$0.isNumber }).map(String.init)
        guard !numbers.isEmpty, numbers.allSatisfy({ n in years.contains { String($0) == n } }) else {
            return (value, true)
        }
        var out = ""
        var digits = ""
        for c in value + " " {
            if c.isASCII && c.isNumber {
                digits.append(c)
                continue
            }
            if let n = Int(digits) { out += String(n + 1) }
            digits = ""
            out.append(c)
        }
        return (String(out.dropLast()), true)
    }

    /// yyyy-mm-dd a year later (29 February becomes the 28th).
    package static func nextYearDate(_ value: String) -> String? {
        let p = value.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
            let y = Int(p[0]), let m = Int(p[1]), var d = Int(p[2]), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let leap = (y + 1) % 4 == 0 && ((y + 1) % 100 != 0 || (y + 1) % 400 == 0)
        if m == 2 && d == 29 && !leap { d = 28 }
        return String(format: "%04d-%02d-%02d", y + 1, m, d)
    }

    /// The line with the scalar that starts at `column` (1-based, in characters) replaced by
    /// `value` in the same style; nil when the scalar does not end on this line.
    static func replacing(in line: String, column: Int, style: Node.Scalar.Style, with value: String) -> String? {
        let scalars = Array(line.unicodeScalars)
        let start = column - 1
        guard start >= 0, start < scalars.count else { return nil }
        var end: Int
        let written: String
        switch style {
        case .doubleQuoted:
            guard scalars[start] == "\"" else { return nil }
            end = start + 1
            while end < scalars.count && scalars[end] != "\"" {
                end += scalars[end] == "\\" ? 2 : 1
            }
            guard end < scalars.count else { return nil }
            end += 1
            written =
                "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        case .singleQuoted:
            guard scalars[start] == "'" else { return nil }
            end = start + 1
            while end < scalars.count {
                if scalars[end] == "'" {
                    if end + 1 < scalars.count && scalars[end + 1] == "'" {
                        end += 2
                        continue
                    }
                    break
                }
                end += 1
            }
            guard end < scalars.count else { return nil }
            end += 1
            written = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .plain:
            end = start
            while end < scalars.count {
                if scalars[end] == "#" && end > start && (scalars[end - 1] == " " || scalars[end - 1] == "\t") { break }
                end += 1
            }
            while end > start && (scalars[end - 1] == " " || scalars[end - 1] == "\t") { end -= 1 }
            written = value
        default:
            return nil
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[..<start])
        out.append(contentsOf: written.unicodeScalars)
        out.append(contentsOf: scalars[end...])
        return String(out)
    }
}
