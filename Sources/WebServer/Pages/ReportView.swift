import FormKit

/// A report's answers laid out as the template prints them: the parts, sections, headings and
/// notes in order, each question with its answer, tables as tables. The unit's printable view
/// and the coordinators' view of a unit's submission both show this.
package struct ReportView {
    package var form: Form
    package var answers: Answers
    package var validator: Validator

    package init(form: Form, answers: Answers, validator: Validator) {
        self.form = form
        self.answers = answers
        self.validator = validator
    }

    package func render(_ c: PageContext) -> HTML {
        let lang = c.language
        var out: HTML = ""
        for (i, s) in form.sections.enumerated() {
            if let part = s.partHeading(lang), i == 0 || form.sections[i - 1].part?.id != s.part?.id {
                out += "<h2 class=\"part\">\(part)</h2>"
            }
            out += "<section class=\"report-section\" id=\"s-\(s.id)\"><h3>\(s.printedHeading(lang))</h3>"
            var list: HTML = ""
            for item in s.printedItems {
                switch item {
                case .text(let t):
                    list +=
                        t.kind == .heading
                        ? "<h4>\(t.line(lang))</h4>" : "<p class=\"note\">\(t.line(lang))</p>"
                case .field(let f):
                    guard validator.isRelevant(f, answers) else { continue }
                    let value = answers.answered(s.id, f.id)
                    if f.type == .table {
                        list += table(f, value?.rows ?? [], c)
                    } else {
                        list += """
                            <div class="answer"><span class="label">\(f.heading(lang))</span> <span class="value">\(value.map { display($0, f, c) } ?? blank(c))</span></div>
                            """
                    }
                }
            }
            out += list + "</section>"
        }
        return out
    }

    private func display(_ value: Value, _ f: Field, _ c: PageContext) -> HTML {
        var shown = form.display(value, of: f, c.language)
        if f.type == .percent { shown += " %" } else if let u = f.unit { shown += " " + u.text(c.language) }
        return "\(shown)"
    }

    private func blank(_ c: PageContext) -> HTML {
        "<span class=\"blank\">\(c.t("(không trả lời)", "(no answer)"))</span>"
    }

    private func table(_ f: Field, _ rows: [Row], _ c: PageContext) -> HTML {
        let lang = c.language
        let head = f.columns.map { "<th scope=\"col\">\($0.label.text(lang))</th>" as HTML }
        let body = rows.enumerated().map { n, row -> HTML in
            let cells = f.columns.map { col -> HTML in
                "<td>\(row[col.id].flatMap { $0.isBlank ? nil : display($0, col, c) } ?? "")</td>"
            }
            return "<tr><td class=\"n\">\(n + 1)</td>\(cells)</tr>"
        }
        let content: HTML =
            rows.isEmpty
            ? "<p>\(blank(c))</p>"
            : """
            <div class="scroll" tabindex="0" role="region" aria-label="\(f.label.text(lang))"><table class="report"><thead><tr><th scope="col">TT</th>\(head)</tr></thead><tbody>\(body)</tbody></table></div>
            """
        return "<div class=\"answer table\"><p class=\"label\">\(f.heading(lang))</p>\(content)</div>"
    }
}
