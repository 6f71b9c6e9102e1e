import FormKit

/// What a section's page posts (a plain HTML form, or the page script sending the same
/// fields), read into answers: typed text through `ValueParser` — the terminal's reader of
/// what a person types — and choices by their ids. Bounds and rules are left to the Validator.
/// Names follow `FormNames`.
package struct SectionInput: Sendable {
    /// What was typed into an input that could not be read, and why; shown back next to it.
    package struct Rejected: Sendable, Equatable {
        package var text: String
        package var problem: LocalizedText
    }

    /// The answers with this section's questions replaced by what was posted.
    package var answers: Answers
    /// By input name. The answer behind a rejected input is the one stored before.
    package var rejected: [String: Rejected]

    /// Reads every question of `section` from `fields` (name → values in the order posted;
    /// a question with no value posted is unanswered, as an unticked box or an emptied input
    /// posts nothing). `deleteRow` leaves one table row out (the page's "delete row" button).
    package static func read(
        _ fields: [String: [String]], section: Section, over previous: Answers,
        deleteRow: (table: String, row: Int)? = nil
    ) -> SectionInput {
        var answers = previous
        var rejected: [String: Rejected] = [:]
        for field in section.fields {
            if field.type == .table {
                let oldRows = previous[section.id, field.id]?.rows ?? []
                var rows: [Row] = []
                for marker in fields[FormNames.rowMarker(field.id)] ?? [] {
                    guard let n = Int(marker), n >= 1, deleteRow.map({ $0 != (field.id, n) }) ?? true else { continue }
                    let old = n <= oldRows.count ? oldRows[n - 1] : [:]
                    var row: Row = [:]
                    var typed = false
                    for column in field.columns {
                        let name = FormNames.input(field.id, row: n, column: column.id)
                        let values = fields[name] ?? []
                        if values.contains(where: { !$0.cleanedInput.isEmpty }) { typed = true }
                        switch read(values, column) {
                        case .value(let v): row[column.id] = v
                        case .blank: break
                        case .rejected(let r):
                            rejected[name] = r
                            row[column.id] = old[column.id]
                        }
                    }
                    // A row left wholly blank is no row.
                    if typed { rows.append(row) }
                }
                answers[section.id, field.id] = rows.isEmpty ? nil : .rows(rows)
            } else {
                let name = FormNames.input(field.id)
                switch read(fields[name] ?? [], field) {
                case .value(let v): answers[section.id, field.id] = v
                case .blank: answers[section.id, field.id] = nil
                case .rejected(let r): rejected[name] = r
                }
            }
        }
        return SectionInput(answers: answers, rejected: rejected)
    }

    private enum Reading {
        case value(Value)
        case blank
        case rejected(Rejected)
    }

    private static func read(_ values: [String], _ field: Field) -> Reading {
        let texts = values.map(\.cleanedInput).filter { !$0.isEmpty }
        switch field.type {
        case .multi_choice:
            // In the form's order, each once: ticked boxes arrive in page order anyway.
            let ids = field.choices.map(\.id).filter(texts.contains) + texts.filter { id in field.choice(id) == nil }
            return ids.isEmpty ? .blank : .value(.list(ids))
        case .choice:
            return texts.first.map { .value(.text($0)) } ?? .blank
        case .boolean:
            guard let t = texts.first else { return .blank }
            if t == "true" { return .value(.bool(true)) }
            if t == "false" { return .value(.bool(false)) }
            return read(t, field)
        case .table:
            return .blank
        case .text, .long_text, .integer, .decimal, .percent, .year, .email, .phone, .url, .date:
            guard let t = texts.first else { return .blank }
            return read(t, field)
        }
    }

    private static func read(_ text: String, _ field: Field) -> Reading {
        switch ValueParser.parseTyped(text, for: field) {
        case nil: return .blank
        case .success(let v)?: return .value(v)
        case .failure(let p)?: return .rejected(Rejected(text: text, problem: p.message))
        }
    }
}

/// The text an input shows for a stored answer: what typed again reads back as the same value
/// (`SectionInput`): numbers without grouping (a decimal given one more 0 when "1.234" could
/// also be read as a thousand), dates dd/mm/yyyy, years as written.
package func editableText(_ value: Value?, _ field: Field) -> String {
    guard let value else { return "" }
    switch value {
    case .text(let s): return field.type == .date ? ValueParser.displayDate(s) : s
    case .number(let n):
        var s = n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        if (ValueParser.numberReadings(s)?.count ?? 0) > 1 { s += "0" }
        return s
    case .bool(let b): return b ? "true" : "false"
    case .list(let l): return l.joined(separator: ", ")
    case .rows: return ""
    }
}
