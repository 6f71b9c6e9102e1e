import FormKit

/// How a question of a section is named in a page: the name its input posts under and the
/// ids its label, hint and problems are found by. The form page, the reader of what a page
/// posts (`SectionInput`) and the page script (Static/form.js, which builds the same ids
/// from an issue's field, row and column) all use this one scheme:
///
/// - a question: input `a.FIELD`, element id `i-FIELD`, problems in `e-FIELD`;
/// - a table row: `row.TABLE` = N (one per row), row problems in `e-TABLE-N`;
/// - a cell: input `a.TABLE.N.COLUMN`, id `i-TABLE-N-COLUMN`, problems in `e-TABLE-N-COLUMN`;
/// - rules of the whole section or form: `e-section`.
///
/// Field and column ids are `[a-z0-9_]` (the form's linter), so they need no encoding.
package enum FormNames {
    package static func input(_ field: String) -> String { "a.\(field)" }
    package static func input(_ table: String, row: Int, column: String) -> String { "a.\(table).\(row).\(column)" }
    package static func rowMarker(_ table: String) -> String { "row.\(table)" }

    package static func id(_ field: String) -> String { "i-\(field)" }
    package static func id(_ table: String, row: Int, column: String) -> String { "i-\(table)-\(row)-\(column)" }

    /// Where an issue is shown in its section's page.
    package static func issueTarget(_ issue: ValidationIssue) -> String {
        guard let field = issue.field else { return "e-section" }
        switch (issue.row, issue.column) {
        case (let row?, let column?): return "e-\(field)-\(row)-\(column)"
        case (let row?, nil): return "e-\(field)-\(row)"
        case (nil, _): return "e-\(field)"
        }
    }
}

extension FormNames {
    /// Where an issue is, in the words of the page (not the ids a file uses): "Mục 1 › 7. Tổng
    /// số cán bộ… › dòng 2 › Năm triển khai"; a rule of a whole section names the section.
    package static func place(_ issue: ValidationIssue, in form: Form, _ language: Language) -> String {
        guard let section = form.section(issue.section) else { return issue.place(language) }
        var parts = [section.reference(language) ?? section.title.text(language)]
        if let id = issue.field, let field = section.field(id) {
            parts.append(field.name(language))
            if let row = issue.row { parts.append(L("dòng \(row)", "row \(row)").text(language)) }
            if let column = issue.column.flatMap(field.column) { parts.append(column.label.text(language)) }
        } else {
            parts[0] = section.heading(language)
        }
        return parts.joined(separator: " › ")
    }
}
