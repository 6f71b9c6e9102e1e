import Foundation

/// One problem in a report's answers: where it is (section, field, row) and what it is.
public struct ValidationIssue: Sendable, Hashable {
    public var severity: Severity
    public var section: String
    /// The field or table; nil for a rule of the whole section or form.
    public var field: String?
    /// The column, for a problem in a table cell.
    public var column: String?
    /// The table row, 1-based.
    public var row: Int?
    /// The rule's id, or what built-in check failed: `required`, `invalid`, `rows`.
    public var rule: String
    public var message: LocalizedText
    /// Every field the problem involves, as full ids.
    public var fields: [String]

    public init(severity: Severity, section: String, field: String? = nil, column: String? = nil, row: Int? = nil,
                rule: String, message: LocalizedText, fields: [String] = []) {
        self.severity = severity
        self.section = section
        self.field = field
        self.column = column
        self.row = row
        self.rule = rule
        self.message = message
        self.fields = fields
    }

    /// A stable key for this issue in one report, used to attach a focal point's explanation
    /// to a warning: `section/rule` or `section/rule#row`.
    public var key: String {
        var k = "\(section)/\(field.map { $0 + "/" } ?? "")\(rule)"
        if let row { k += "#\(row)" }
        if let column { k += ".\(column)" }
        return k
    }

    /// "general › staff_total › dòng 2"
    public func place(_ language: Language) -> String {
        var parts = [section]
        if let field { parts.append(field) }
        if let row { parts.append(language == .vi ? "dòng \(row)" : "row \(row)") }
        if let column { parts.append(column) }
        return parts.joined(separator: " › ")
    }
}

/// Checks answers against a form: types and bounds, required answers, skip logic, table
/// rows and every rule. The collector and the merge use the same one.
public struct Validator: Sendable {
    public let form: Form
    /// The form's sections and fields behind references (see `FieldRef`), in form order.
    private let plan: [SectionNode]

    final class SectionNode: Sendable {
        let section: Section
        let fields: [FieldRef]
        init(_ section: Section) {
            self.section = section
            fields = section.fields.map(FieldRef.init)
        }
    }

    public init(form: Form) {
        self.form = form
        plan = form.sections.map(SectionNode.init)
    }

    public func validate(_ answers: Answers) -> [ValidationIssue] { assess(answers).issues }

    /// The issues, and the answers that count (`relevantAnswers`), which the check computes
    /// anyway: a merge needs both.
    public func assess(_ answers: Answers) -> (issues: [ValidationIssue], relevant: Answers) {
        let effective = relevantAnswers(answers)
        var issues: [ValidationIssue] = []
        for node in plan {
            for f in node.fields where isRelevant(f.field, effective) {
                issues += check(f.field, f, in: node.section.id, effective)
            }
            for rule in node.section.rules { issues += evaluate(rule, section: node.section.id, effective) }
        }
        for rule in form.rules { issues += evaluate(rule, section: rule.condition.references.first.map { String($0.prefix { $0 != "." }) } ?? "", effective) }
        return (issues, effective)
    }

    /// Whether a field is asked, given the answers so far.
    public func isRelevant(_ field: Field, _ answers: Answers, row: Row? = nil) -> Bool {
        field.relevant.map { $0.expression.holds(answers, row: row) } ?? true
    }

    /// Whether a blank answer to the field is an error.
    public func isRequired(_ field: Field, _ answers: Answers, row: Row? = nil) -> Bool {
        field.required || (field.requiredWhen?.expression.holds(answers, row: row) ?? false)
    }

    /// The answers with those to questions that are not asked removed, so that a stale
    /// answer behind skip logic neither counts in rules nor shows in a workbook.
    public func relevantAnswers(_ answers: Answers) -> Answers {
        var out = answers
        // Removing one answer can make another question irrelevant: repeat until stable.
        for _ in 0..<8 {
            var changed = false
            for node in plan {
                for f in node.fields {
                    if prune(f.field, f, in: node.section.id, &out) { changed = true }
                }
            }
            if !changed { break }
        }
        return out
    }

    /// Removes the answer to `field` if it is not asked, or its table's cells that are not;
    /// true when something was removed. (`field` is `ref.field`, passed on to be read in place.)
    private func prune(_ field: Field, _ ref: FieldRef, in sectionId: String, _ out: inout Answers) -> Bool {
        guard let value = out[sectionId, field.id] else { return false }
        if !isRelevant(field, out) {
            out[sectionId, field.id] = nil
            return true
        }
        guard ref.relevantColumns, case .rows(let rows) = value else { return false }
        let cleaned = rows.map { row in
            row.filter { key, _ in ref.columns.first { $0.field.id == key }.map { isRelevant($0.field, out, row: row) } ?? true }
        }
        guard cleaned != rows else { return false }
        out[sectionId, field.id] = .rows(cleaned)
        return true
    }

    /// The problems of one answer on its own (required, type, bounds, and for a table its
    /// rows and row rules): what the collector checks the moment an answer is typed.
    public func check(_ field: Field, in section: Section, _ answers: Answers) -> [ValidationIssue] {
        check(field, FieldRef(field), in: section.id, answers)
    }

    /// `field` is `ref.field`, passed on to be read in place.
    private func check(_ field: Field, _ ref: FieldRef, in sectionId: String, _ answers: Answers) -> [ValidationIssue] {
        // Built only for an issue: most answers have none.
        var id: String { FieldPath(sectionId, field.id).description }
        guard let value = answers[sectionId, field.id], !value.isBlank else {
            if isRequired(field, answers) {
                return [ValidationIssue(severity: .error, section: sectionId, field: field.id, rule: "required",
                                        message: L("chưa trả lời câu hỏi bắt buộc \"\(field.heading(.vi))\"",
                                                   "required answer missing: \"\(field.heading(.en))\""), fields: [id])]
            }
            return []
        }
        if let problem = ValueParser.check(value, for: field) {
            return [ValidationIssue(severity: .error, section: sectionId, field: field.id, rule: "invalid",
                                    message: L("\"\(field.heading(.vi))\": \(problem.vi)", "\"\(field.heading(.en))\": \(problem.text(.en))"), fields: [id])]
        }
        guard field.type == .table, case .rows(let rows) = value else { return [] }
        var issues: [ValidationIssue] = []
        if let lo = field.minRows, rows.count < lo {
            issues.append(ValidationIssue(severity: .error, section: sectionId, field: field.id, rule: "rows",
                                          message: L("bảng \"\(field.label.vi)\" cần ít nhất \(lo) dòng, đang có \(rows.count)",
                                                     "table \"\(field.label.text(.en))\" needs at least \(lo) rows, it has \(rows.count)"), fields: [id]))
        }
        if let hi = field.maxRows, rows.count > hi {
            issues.append(ValidationIssue(severity: .error, section: sectionId, field: field.id, rule: "rows",
                                          message: L("bảng \"\(field.label.vi)\" có tối đa \(hi) dòng, đang có \(rows.count)",
                                                     "table \"\(field.label.text(.en))\" has at most \(hi) rows, it has \(rows.count)"), fields: [id]))
        }
        for (i, row) in rows.enumerated() {
            issues += checkRow(row, number: i + 1, of: field, ref.columns, in: sectionId, answers)
        }
        return issues
    }

    /// The problems of one table row: its cells, then its row rules.
    public func checkRow(_ row: Row, number: Int, of table: Field, in section: Section, _ answers: Answers) -> [ValidationIssue] {
        checkRow(row, number: number, of: table, FieldRef(table).columns, in: section.id, answers)
    }

    private func checkRow(_ row: Row, number: Int, of table: Field, _ columns: [FieldRef], in sectionId: String, _ answers: Answers) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for c in columns {
            if let issue = checkCell(row, number: number, c.field, of: table.id, in: sectionId, answers) { issues.append(issue) }
        }
        for rule in table.rowRules where rule.condition.expression.evaluate(answers, row: row) == .bool(false) {
            issues.append(ValidationIssue(severity: rule.severity, section: sectionId, field: table.id, row: number,
                                          rule: rule.id, message: rule.message, fields: rule.condition.references))
        }
        return issues
    }

    private func checkCell(_ row: Row, number: Int, _ column: Field, of table: String, in sectionId: String, _ answers: Answers) -> ValidationIssue? {
        guard isRelevant(column, answers, row: row) else { return nil }
        var id: String { FieldPath(sectionId, table, column: column.id).description }
        if let v = row[column.id], !v.isBlank {
            guard let problem = ValueParser.check(v, for: column) else { return nil }
            return ValidationIssue(severity: .error, section: sectionId, field: table, column: column.id, row: number,
                                   rule: "invalid", message: L("\"\(column.label.vi)\": \(problem.vi)", "\"\(column.label.text(.en))\": \(problem.text(.en))"),
                                   fields: [id])
        }
        guard isRequired(column, answers, row: row) else { return nil }
        return ValidationIssue(severity: .error, section: sectionId, field: table, column: column.id, row: number,
                               rule: "required", message: L("chưa điền cột bắt buộc \"\(column.label.vi)\"", "required column missing: \"\(column.label.text(.en))\""),
                               fields: [id])
    }

    /// A rule fires only when its assertion is known to be false.
    public func evaluate(_ rule: Rule, section: String, _ answers: Answers) -> [ValidationIssue] {
        guard rule.condition.expression.evaluate(answers) == .bool(false) else { return [] }
        return [ValidationIssue(severity: rule.severity, section: section, rule: rule.id, message: rule.message,
                                fields: rule.condition.references)]
    }
}

/// A field behind a reference. A Field is a large value (some twenty reference-counted
/// parts): walking `section.fields` copies each one, several times for every submission a
/// merge checks. Hot loops walk these instead and pass `field` on to be read in place.
public final class FieldRef: Sendable {
    public let field: Field
    public let columns: [FieldRef]
    /// A table with skip logic on some column: its rows are cleaned of stale cells.
    public let relevantColumns: Bool

    public init(_ field: Field) {
        self.field = field
        columns = field.columns.map(FieldRef.init)
        relevantColumns = field.columns.contains { $0.relevant != nil }
    }
}
