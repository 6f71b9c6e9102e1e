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

    public init(
        severity: Severity, section: String, field: String? = nil, column: String? = nil, row: Int? = nil,
        rule: String, message: LocalizedText, fields: [String] = []
    ) {
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

    /// Where the issue is, in the words of the form (not the ids a file uses): "Mục 1 › 7. Tổng
    /// số cán bộ… › dòng 2 › Năm triển khai"; a rule of a whole section names the section. What
    /// focal points read in the collector and the web pages, and coordinators in `validate`.
    public func place(in form: Form, _ language: Language) -> String {
        guard let section = form.section(section) else { return place(language) }
        var parts = [section.reference(language) ?? section.title.text(language)]
        if let id = field, let field = section.field(id) {
            parts.append(field.name(language))
            if let row { parts.append(L("dòng \(row)", "row \(row)").text(language)) }
            if let column = column.flatMap(field.column) { parts.append(column.label.text(language)) }
        } else {
            parts[0] = section.heading(language)
        }
        return parts.joined(separator: " › ")
    }

    /// The same by the ids a file uses ("general › staff_total › dòng 2"), for an issue of a
    /// section the form does not have.
    public func place(_ language: Language) -> String {
        var parts = [section]
        if let field { parts.append(field) }
        if let row { parts.append(L("dòng \(row)", "row \(row)").text(language)) }
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
    /// The assertions of the form's own rules, in order (see `SectionNode.rules`).
    private let formRules: [Expression]
    /// The most passes `relevantAnswers` needs: one a question or column with skip logic
    /// (each pass settles at least one more link of the longest chain of `relevant`
    /// conditions), and one that finds nothing left to remove.
    private let relevancePasses: Int

    final class SectionNode: Sendable {
        let section: Section
        let fields: [FieldRef]
        /// The fields whose answer skip logic can remove (their own, or a table's columns'):
        /// the only ones `relevantAnswers` needs to look at.
        let prunable: [FieldRef]
        /// The assertions of the section's rules, in order: a Rule is copied whole when it
        /// is walked, and only a rule that fails needs more than its assertion.
        let rules: [Expression]
        init(_ section: Section) {
            self.section = section
            fields = section.fields.map(FieldRef.init)
            prunable = fields.filter { $0.relevant != nil || $0.relevantColumns }
            rules = section.rules.map(\.condition.expression)
        }
    }

    public init(form: Form) {
        self.form = form
        plan = form.sections.map(SectionNode.init)
        formRules = form.rules.map(\.condition.expression)
        relevancePasses = form.sections.reduce(1) { n, section in
            section.fields.reduce(n) { n, f in
                n + (f.relevant == nil ? 0 : 1) + f.columns.filter { $0.relevant != nil }.count
            }
        }
    }

    public func validate(_ answers: Answers) -> [ValidationIssue] { assess(answers).issues }

    /// The issues, and the answers that count (`relevantAnswers`), which the check computes
    /// anyway: a merge needs both.
    public func assess(_ answers: Answers) -> (issues: [ValidationIssue], relevant: Answers) {
        let effective = relevantAnswers(answers)
        var issues: [ValidationIssue] = []
        for node in plan {
            // The section's answers looked up once, not once a field (each lookup hashes).
            let values = effective.sections[node.section.id]
            for f in node.fields where isRelevant(f, effective) {
                check(f, values?[f.id], in: node.section.id, effective, into: &issues)
            }
            for (k, rule) in node.rules.enumerated() where rule.evaluate(effective) == .bool(false) {
                issues.append(issue(node.section.rules[k], section: node.section.id))
            }
        }
        for (k, rule) in formRules.enumerated() where rule.evaluate(effective) == .bool(false) {
            let r = form.rules[k]
            issues.append(issue(r, section: r.condition.references.first.map { String($0.prefix { $0 != "." }) } ?? ""))
        }
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

    private func isRelevant(_ ref: FieldRef, _ answers: Answers, row: Row? = nil) -> Bool {
        ref.relevant.map { $0.holds(answers, row: row) } ?? true
    }

    private func isRequired(_ ref: FieldRef, _ answers: Answers, row: Row? = nil) -> Bool {
        ref.required || (ref.requiredWhen?.holds(answers, row: row) ?? false)
    }

    /// The answers with those to questions that are not asked removed, so that a stale
    /// answer behind skip logic neither counts in rules nor shows in a workbook.
    public func relevantAnswers(_ answers: Answers) -> Answers {
        var out = answers
        // Removing one answer can make another question irrelevant: repeat until stable. Answers
        // only ever go, so this ends; the bound keeps a cycle built in code (the loader refuses
        // one) from running on.
        for _ in 0..<relevancePasses {
            var changed = false
            for node in plan where !node.prunable.isEmpty {
                // A snapshot of the section: each field's own answer changes only in its own turn.
                guard let values = out.sections[node.section.id] else { continue }
                for f in node.prunable {
                    guard let value = values[f.id] else { continue }
                    if prune(f, value, in: node.section.id, &out) { changed = true }
                }
            }
            if !changed { break }
        }
        return out
    }

    /// Removes the answer to a field that is not asked, or its table's cells that are not;
    /// true when something was removed.
    private func prune(_ ref: FieldRef, _ value: Value, in sectionId: String, _ out: inout Answers) -> Bool {
        if !isRelevant(ref, out) {
            out[sectionId, ref.id] = nil
            return true
        }
        guard ref.relevantColumns, case .rows(let rows) = value else { return false }
        let cleaned = rows.map { row in
            row.filter { key, _ in ref.columns.first { $0.id == key }.map { isRelevant($0, out, row: row) } ?? true }
        }
        guard cleaned != rows else { return false }
        out[sectionId, ref.id] = .rows(cleaned)
        return true
    }

    /// The problems of one answer on its own (required, type, bounds, and for a table its
    /// rows and row rules): what the collector checks the moment an answer is typed.
    public func check(_ field: Field, in section: Section, _ answers: Answers) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        check(FieldRef(field), answers[section.id, field.id], in: section.id, answers, into: &issues)
        return issues
    }

    /// `value` is the field's answer in `answers`.
    private func check(
        _ ref: FieldRef, _ value: Value?, in sectionId: String, _ answers: Answers, into issues: inout [ValidationIssue]
    ) {
        // Built only for an issue: most answers have none.
        var id: String { FieldPath(sectionId, ref.id).description }
        guard let value, !value.isBlank else {
            if isRequired(ref, answers) {
                let field = ref.field
                issues.append(
                    ValidationIssue(
                        severity: .error, section: sectionId, field: field.id, rule: "required",
                        message: L(
                            "chưa trả lời câu hỏi bắt buộc \"\(field.heading(.vi))\"",
                            "required answer missing: \"\(field.heading(.en))\""), fields: [id]))
            }
            return
        }
        if let problem = ValueParser.check(value, ref.rules) {
            let field = ref.field
            issues.append(
                ValidationIssue(
                    severity: .error, section: sectionId, field: field.id, rule: "invalid",
                    message: L(
                        "\"\(field.heading(.vi))\": \(problem.vi)", "\"\(field.heading(.en))\": \(problem.text(.en))"),
                    fields: [id]))
            return
        }
        guard ref.rules.type == .table, case .rows(let rows) = value else { return }
        let field = ref.field
        if let lo = field.minRows, rows.count < lo {
            issues.append(
                ValidationIssue(
                    severity: .error, section: sectionId, field: field.id, rule: "rows",
                    message: L(
                        "bảng \"\(field.label.vi)\" cần ít nhất \(lo) dòng, đang có \(rows.count)",
                        "table \"\(field.label.text(.en))\" needs at least \(lo) rows, it has \(rows.count)"),
                    fields: [id]))
        }
        if let hi = field.maxRows, rows.count > hi {
            issues.append(
                ValidationIssue(
                    severity: .error, section: sectionId, field: field.id, rule: "rows",
                    message: L(
                        "bảng \"\(field.label.vi)\" có tối đa \(hi) dòng, đang có \(rows.count)",
                        "table \"\(field.label.text(.en))\" has at most \(hi) rows, it has \(rows.count)"), fields: [id]
                ))
        }
        for (i, row) in rows.enumerated() {
            checkRow(row, number: i + 1, of: ref, in: sectionId, answers, into: &issues)
        }
    }

    /// The problems of one table row: its cells, then its row rules.
    public func checkRow(_ row: Row, number: Int, of table: Field, in section: Section, _ answers: Answers)
        -> [ValidationIssue]
    {
        var issues: [ValidationIssue] = []
        checkRow(row, number: number, of: FieldRef(table), in: section.id, answers, into: &issues)
        return issues
    }

    private func checkRow(
        _ row: Row, number: Int, of table: FieldRef, in sectionId: String, _ answers: Answers,
        into issues: inout [ValidationIssue]
    ) {
        for c in table.columns where isRelevant(c, answers, row: row) {
            var id: String { FieldPath(sectionId, table.id, column: c.id).description }
            if let v = row[c.id], !v.isBlank {
                if let problem = ValueParser.check(v, c.rules) {
                    let column = c.field
                    issues.append(
                        ValidationIssue(
                            severity: .error, section: sectionId, field: table.id, column: column.id, row: number,
                            rule: "invalid",
                            message: L(
                                "\"\(column.label.vi)\": \(problem.vi)",
                                "\"\(column.label.text(.en))\": \(problem.text(.en))"),
                            fields: [id]))
                }
            } else if isRequired(c, answers, row: row) {
                let column = c.field
                issues.append(
                    ValidationIssue(
                        severity: .error, section: sectionId, field: table.id, column: column.id, row: number,
                        rule: "required",
                        message: L(
                            "chưa điền cột bắt buộc \"\(column.label.vi)\"",
                            "required column missing: \"\(column.label.text(.en))\""),
                        fields: [id]))
            }
        }
        for (k, rule) in table.rowRules.enumerated() where rule.evaluate(answers, row: row) == .bool(false) {
            let r = table.field.rowRules[k]
            issues.append(
                ValidationIssue(
                    severity: r.severity, section: sectionId, field: table.id, row: number,
                    rule: r.id, message: r.message, fields: r.condition.references))
        }
    }

    /// A rule fires only when its assertion is known to be false.
    public func evaluate(_ rule: Rule, section: String, _ answers: Answers) -> [ValidationIssue] {
        guard rule.condition.expression.evaluate(answers) == .bool(false) else { return [] }
        return [issue(rule, section: section)]
    }

    private func issue(_ rule: Rule, section: String) -> ValidationIssue {
        ValidationIssue(
            severity: rule.severity, section: section, rule: rule.id, message: rule.message,
            fields: rule.condition.references)
    }
}

/// A field behind a reference, with what checking an answer reads of it at hand. A Field is
/// a large value (some twenty reference-counted parts), and Swift copies it whole when it is
/// walked in an array or passed on from a stored property: several times a field for every
/// submission a merge checks. Hot loops walk these instead and read `field` only to report.
package final class FieldRef: Sendable {
    package let field: Field
    package let columns: [FieldRef]
    /// A table with skip logic on some column: its rows are cleaned of stale cells.
    package let relevantColumns: Bool
    package let id: String
    let relevant: Expression?
    let required: Bool
    let requiredWhen: Expression?
    let rules: ValueRules
    /// The assertions of a table's row rules, in order.
    let rowRules: [Expression]

    package init(_ field: Field) {
        self.field = field
        columns = field.columns.map(FieldRef.init)
        relevantColumns = field.columns.contains { $0.relevant != nil }
        id = field.id
        relevant = field.relevant?.expression
        required = field.required
        requiredWhen = field.requiredWhen?.expression
        rules = ValueRules(field)
        rowRules = field.rowRules.map(\.condition.expression)
    }
}
