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
