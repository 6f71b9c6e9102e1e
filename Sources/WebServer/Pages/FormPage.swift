import FormKit

/// One section of the unit's report as a page: the template's part and section headings, its
/// headings and notes between the questions, each question with its number, hint and unit,
/// choices as radio buttons or check boxes, tables as rows with add and delete buttons, and
/// each problem the Validator found next to what it is about. A plain HTML form that posts
/// back to the same address; Static/form.js adds autosave when JavaScript is on.
package struct SectionPage {
    package var form: Form
    package var section: Section
    package var validator: Validator
    package var answers: Answers
    /// Every issue of the report; the page shows those of its section.
    package var issues: [ValidationIssue]
    /// Inputs that could not be read, by input name (a post answered with this page again).
    package var rejected: [String: SectionInput.Rejected] = [:]
    /// Blank rows to show after a table's rows ("add row" without JavaScript).
    package var extraRows: [String: Int] = [:]
    /// Where the unit's pages are ("/u/TOKEN"); the section's address is `base/s/SECTION`.
    package var base: String
    /// The address the page script saves the draft to (the JSON API's draft).
    package var draftURL: String
    /// "Saved" shown at the top after a post.
    package var saved = false
    /// The answers cannot change (submitted, accepted): shown, not editable.
    package var readOnly = false

    package init(
        form: Form, section: Section, validator: Validator, answers: Answers, issues: [ValidationIssue],
        base: String, draftURL: String
    ) {
        self.form = form
        self.section = section
        self.validator = validator
        self.answers = answers
        self.issues = issues
        self.base = base
        self.draftURL = draftURL
    }

    var sectionIssues: [ValidationIssue] { issues.filter { $0.section == section.id } }

    /// The page's main content (the shell around it is the unit's, `UnitPages`).
    package func content(_ c: PageContext) -> HTML {
        let lang = c.language
        let mine = sectionIssues
        let errors = mine.filter { $0.severity == .error }.count
        let warnings = mine.count - errors
        var body: HTML = ""
        if saved {
            body += banner("notice", c.t("Đã lưu bản nháp.", "Draft saved."))
        }
        if !rejected.isEmpty {
            body += banner(
                "error",
                c.t(
                    "Một số câu trả lời chưa đọc được, chưa được lưu: xem các ô được đánh dấu bên dưới.",
                    "Some answers could not be read and were not saved: see the marked inputs below."),
                role: "alert")
        }
        if let part = section.partHeading(lang), firstOfPart {
            body += "<p class=\"part\">\(part)</p>"
        }
        body += "<h1>\(section.printedHeading(lang))</h1>"
        if let help = section.help { body += "<p class=\"help\">\(help, lang)</p>" }
        body += "<p class=\"counts\" id=\"counts\" aria-live=\"polite\">\(Self.counts(errors, warnings, c))</p>"
        // Rules of the whole section or form.
        body += issueList(mine.filter { $0.field == nil }, target: "e-section", c)
        let action = "\(base)/s/\(section.id)"
        var items: HTML = ""
        for item in section.printedItems {
            switch item {
            case .text(let t):
                items +=
                    t.kind == .heading
                    ? "<h2 class=\"sub\">\(t.line(lang))</h2>" : "<p class=\"note\">\(t.line(lang))</p>"
            case .field(let f):
                items += f.type == .table ? table(f, c) : question(f, c)
            }
        }
        let disabled: HTML = readOnly ? " disabled" : ""
        body += """
            <form method="post" action="\(action)" class="section-form" id="section-form" novalidate data-draft="\(draftURL)" data-section="\(section.id)" data-lang="\(lang.rawValue)" data-msg-saving="\(c.s("Đang lưu…", "Saving…"))" data-msg-offline="\(c.s("Chưa lưu được: mất kết nối tới máy chủ. Thay đổi sẽ được lưu khi có kết nối lại; đừng đóng trang.", "Not saved: the server cannot be reached. Changes are saved when it can; do not close the page."))" data-msg-row-added="\(c.s("Đã thêm dòng {n}.", "Row {n} added."))"\(readOnly ? " data-readonly=\"1\"" : "")>
            \(c.csrfField)<fieldset class="plain"\(disabled)>
            \(items)
            </fieldset>
            <p class="autosave" id="autosave" role="status" aria-live="polite"></p>
            \(readOnly ? "" : buttons(c))
            </form>
            """
        body += pager(c)
        return body
    }

    private var firstOfPart: Bool {
        guard let i = form.sections.firstIndex(where: { $0.id == section.id }), section.part != nil else {
            return false
        }
        return i == 0 || form.sections[i - 1].part?.id != section.part?.id
    }

    /// "Mục này: 2 lỗi, 1 cảnh báo." (the page script shows the same text after each save).
    package static func counts(_ errors: Int, _ warnings: Int, _ c: PageContext) -> String {
        if errors == 0 && warnings == 0 { return c.s("Mục này chưa có lỗi.", "No problems in this section.") }
        return c.s(
            "Mục này: \(errors) lỗi, \(warnings) cảnh báo.", "This section: \(errors) errors, \(warnings) warnings.")
    }

    private func buttons(_ c: PageContext) -> HTML {
        let i = form.sections.firstIndex { $0.id == section.id } ?? 0
        let next: HTML =
            i + 1 < form.sections.count
            ? "<button type=\"submit\" name=\"action\" value=\"next\" class=\"primary\">\(c.t("Lưu và sang mục sau", "Save and go to the next section"))</button>"
            : "<button type=\"submit\" name=\"action\" value=\"review\" class=\"primary\">\(c.t("Lưu và xem lại toàn bộ báo cáo", "Save and review the whole report"))</button>"
        return """
            <div class="actions">\(next)<button type="submit" name="action" value="save">\(c.t("Lưu", "Save"))</button></div>
            """
    }

    /// Previous / next section and the review page: plain links.
    private func pager(_ c: PageContext) -> HTML {
        let i = form.sections.firstIndex { $0.id == section.id } ?? 0
        var links: [HTML] = []
        if i > 0 {
            let p = form.sections[i - 1]
            links.append("<a rel=\"prev\" href=\"\(base)/s/\(p.id)\">← \(p.heading(c.language))</a>")
        }
        if i + 1 < form.sections.count {
            let n = form.sections[i + 1]
            links.append("<a rel=\"next\" href=\"\(base)/s/\(n.id)\">\(n.heading(c.language)) →</a>")
        }
        links.append("<a href=\"\(base)/review\">\(c.t("Xem lại và hoàn thành", "Review and finalize"))</a>")
        return "<nav class=\"pager\" aria-label=\"\(c.s("Các mục", "Sections"))\">\(links)</nav>"
    }

    // MARK: Questions

    private func question(_ f: Field, _ c: PageContext) -> HTML {
        let relevant = validator.isRelevant(f, answers)
        let required = validator.isRequired(f, answers)
        let problems = sectionIssues.filter { $0.field == f.id && $0.row == nil && $0.column == nil }
        let name = FormNames.input(f.id)
        return control(
            f, name: name, id: FormNames.id(f.id), value: answers[section.id, f.id], rejected: rejected[name],
            issues: problems, target: "e-\(f.id)", required: required, relevant: relevant, wrapperId: "q-\(f.id)",
            field: f.id, c)
    }

    /// One question or table cell: its label (or legend, for choices), hint, input and problems.
    private func control(
        _ f: Field, name: String, id: String, value: Value?, rejected: SectionInput.Rejected?,
        issues: [ValidationIssue], target: String, required: Bool, relevant: Bool, wrapperId: String, field: String,
        _ c: PageContext
    ) -> HTML {
        let lang = c.language
        let helpId = "h-\(id.dropFirst(2))"
        var described: [String] = []
        if f.help != nil { described.append(helpId) }
        described.append(target)
        let invalid = rejected != nil || issues.contains { $0.severity == .error }
        var aria: HTML = " aria-describedby=\"\(described.joined(separator: " "))\""
        if invalid { aria += " aria-invalid=\"true\"" }
        if required { aria += " aria-required=\"true\"" }
        let star: HTML =
            required ? " <span class=\"req\" title=\"\(c.s("bắt buộc", "required"))\">*</span>" : ""
        let number: HTML = f.number.map { "<span class=\"num\">\($0)</span> " } ?? ""
        let label: HTML = "\(number)\(f.label.text(lang))\(star)"
        let help: HTML = f.help.map { "<p class=\"help\" id=\"\(helpId)\">\($0, lang)</p>" } ?? ""
        var problems: [HTML] = []
        // An input that could not be read shows why, not that its answer is missing.
        if let rejected { problems.append(issueItem("error", rejected.problem.text(lang), c)) }
        if rejected == nil {
            problems += issues.map { issueItem($0.severity == .error ? "error" : "warning", $0.message.text(lang), c) }
        }
        let problemBox: HTML =
            "<div class=\"issues\" id=\"\(target)\" aria-live=\"polite\">\(problems)</div>"
        let hidden: HTML = relevant ? "" : " hidden"
        let off: HTML = relevant ? "" : " disabled"
        let data: HTML = " data-field=\"\(field)\""
        switch f.type {
        case .choice, .boolean, .multi_choice:
            let multi = f.type == .multi_choice
            let options: [(id: String, label: String)] =
                f.type == .boolean
                ? [("true", c.s("Có", "Yes")), ("false", c.s("Không", "No"))]
                : f.choices.map { ($0.id, $0.label.text(lang)) }
            let chosen: Set<String> =
                switch value {
                case .text(let s)?: [s]
                case .list(let l)?: Set(l)
                case .bool(let b)?: [b ? "true" : "false"]
                default: []
                }
            var inputs: [HTML] = options.enumerated().map { k, o in
                let check: HTML = chosen.contains(o.id) ? " checked" : ""
                return """
                    <label class="opt" for="\(id)-\(k + 1)"><input type="\(multi ? "checkbox" : "radio")" id="\(id)-\(k + 1)" name="\(name)" value="\(o.id)"\(check)\(off)\(aria)> <span>\(o.label)</span></label>
                    """
            }
            if !multi && !required {
                let check: HTML = chosen.isEmpty ? " checked" : ""
                inputs.append(
                    """
                    <label class="opt none" for="\(id)-0"><input type="radio" id="\(id)-0" name="\(name)" value=""\(check)\(off)> <span>\(c.t("Không trả lời", "No answer"))</span></label>
                    """)
            }
            return """
                <fieldset class="q choice" id="\(wrapperId)"\(data)\(hidden)>
                <legend>\(label)</legend>
                \(help)<div class="opts\(options.count > 4 ? "" : " inline")">\(inputs)</div>
                \(problemBox)
                </fieldset>
                """
        case .table:
            return ""
        case .text, .long_text, .integer, .decimal, .percent, .year, .email, .phone, .url, .date:
            let shown = rejected?.text ?? editableText(value, f)
            var attrs: HTML = " id=\"\(id)\" name=\"\(name)\"\(aria)\(off)"
            let input: HTML
            switch f.type {
            case .long_text:
                input = "<textarea\(attrs) rows=\"4\">\(shown)</textarea>"
            default:
                let (type, mode): (String, String?) =
                    switch f.type {
                    case .integer, .year: ("text", "numeric")
                    case .decimal, .percent: ("text", "decimal")
                    case .email: ("email", nil)
                    case .phone: ("tel", nil)
                    case .url: ("url", nil)
                    default: ("text", nil)
                    }
                if let mode { attrs += " inputmode=\"\(mode)\"" }
                if f.type == .date { attrs += " placeholder=\"dd/mm/yyyy\"" }
                if f.type == .year { attrs += " maxlength=\"4\" autocomplete=\"off\"" }
                if !f.suggestions.isEmpty { attrs += " list=\"\(id)-list\"" }
                let list: HTML =
                    f.suggestions.isEmpty
                    ? ""
                    : "<datalist id=\"\(id)-list\">\(f.suggestions.map { "<option value=\"\($0.vi)\">\($0, lang)</option>" as HTML })</datalist>"
                let unitText: String? =
                    f.type == .percent ? "%" : f.unit?.text(lang)
                let widthClass = f.type.isNumeric || f.type == .date ? "short" : "long"
                input =
                    "<span class=\"field \(widthClass)\"><input type=\"\(type)\" value=\"\(shown)\"\(attrs)>\(unitText.map { "<span class=\"unit\">\($0)</span>" as HTML } ?? "")</span>\(list)"
            }
            return """
                <div class="q" id="\(wrapperId)"\(data)\(hidden)>
                <label for="\(id)">\(label)</label>
                \(help)\(input)
                \(problemBox)
                </div>
                """
        }
    }

    // MARK: Tables

    private func table(_ f: Field, _ c: PageContext) -> HTML {
        let lang = c.language
        let rows = answers[section.id, f.id]?.rows ?? []
        let extra = extraRows[f.id] ?? 0
        let tableIssues = sectionIssues.filter { $0.field == f.id && $0.row == nil }
        var rendered: [HTML] = []
        for n in 0..<(rows.count + extra) {
            rendered.append(row(f, number: n + 1, row: n < rows.count ? rows[n] : [:], c))
        }
        let required = validator.isRequired(f, answers)
        let relevant = validator.isRelevant(f, answers)
        let star: HTML = required ? " <span class=\"req\" title=\"\(c.s("bắt buộc", "required"))\">*</span>" : ""
        let number: HTML = f.number.map { "<span class=\"num\">\($0)</span> " } ?? ""
        let help: HTML = f.help.map { "<p class=\"help\" id=\"h-\(f.id)\">\($0, lang)</p>" } ?? ""
        var limits: [String] = []
        if let lo = f.minRows { limits.append(c.s("ít nhất \(lo) dòng", "at least \(lo) rows")) }
        if let hi = f.maxRows { limits.append(c.s("tối đa \(hi) dòng", "at most \(hi) rows")) }
        let limitText: HTML =
            limits.isEmpty ? "" : "<p class=\"help\">\(limits.joined(separator: ", "))</p>"
        let empty: HTML =
            rows.count + extra == 0
            ? "<p class=\"empty\" data-empty>\(c.t("Chưa có dòng nào.", "No rows yet."))</p>" : ""
        let hidden: HTML = relevant ? "" : " hidden"
        let add: HTML =
            readOnly
            ? ""
            : "<button type=\"submit\" name=\"action\" value=\"add:\(f.id)\" class=\"add-row\" data-table=\"\(f.id)\">+ \(c.t("Thêm dòng", "Add a row"))</button>"
        return """
            <fieldset class="q table" id="q-\(f.id)" data-field="\(f.id)" data-table="\(f.id)" data-rows="\(rows.count + extra)"\(hidden)>
            <legend>\(number)\(f.label.text(lang))\(star)</legend>
            \(help)\(limitText)<div class="issues" id="e-\(f.id)" aria-live="polite">\(tableIssues.map { issueItem($0.severity == .error ? "error" : "warning", $0.message.text(lang), c) })</div>
            <div class="rows" id="rows-\(f.id)">\(empty)\(rendered)</div>
            <template id="tpl-\(f.id)">\(row(f, number: 0, row: [:], c, template: true))</template>
            \(add)
            </fieldset>
            """
    }

    /// One table row; the template row (for the page script) has number 0, which the script
    /// replaces with the new row's number.
    private func row(_ f: Field, number n: Int, row: Row, _ c: PageContext, template: Bool = false) -> HTML {
        let lang = c.language
        let rowIssues = template ? [] : sectionIssues.filter { $0.field == f.id && $0.row == n }
        var cells: [HTML] = []
        for column in f.columns {
            let name = FormNames.input(f.id, row: n, column: column.id)
            let cellIssues = rowIssues.filter { $0.column == column.id }
            cells.append(
                control(
                    column, name: name, id: FormNames.id(f.id, row: n, column: column.id), value: row[column.id],
                    rejected: template ? nil : rejected[name], issues: cellIssues,
                    target: "e-\(f.id)-\(n)-\(column.id)",
                    required: validator.isRequired(column, answers, row: row),
                    relevant: template || validator.isRelevant(column, answers, row: row),
                    wrapperId: "q-\(f.id)-\(n)-\(column.id)", field: f.id, c))
        }
        let rowRules = rowIssues.filter { $0.column == nil }
        let delete: HTML =
            readOnly
            ? ""
            : "<button type=\"submit\" name=\"action\" value=\"delete:\(f.id):\(n)\" class=\"delete-row\">\(c.t("Xoá dòng", "Delete row")) <span class=\"n\">\(n)</span></button>"
        return """
            <fieldset class="row" id="r-\(f.id)-\(n)" data-row="\(n)">
            <legend>\(c.t("Dòng", "Row")) <span class="n">\(n)</span></legend>
            <input type="hidden" name="\(FormNames.rowMarker(f.id))" value="\(n)">
            <div class="issues" id="e-\(f.id)-\(n)" aria-live="polite">\(rowRules.map { issueItem($0.severity == .error ? "error" : "warning", $0.message.text(lang), c) })</div>
            <div class="cells">\(cells)</div>
            \(delete)
            </fieldset>
            """
    }
}

/// One problem, as the pages and the page script show it: "Lỗi: …" or "Cảnh báo: …".
package func issueItem(_ kind: String, _ message: String, _ c: PageContext) -> HTML {
    let word = kind == "error" ? c.s("Lỗi", "Error") : c.s("Cảnh báo", "Warning")
    return "<p class=\"issue \(kind)\"><strong>\(word):</strong> \(message)</p>"
}

/// Issues as a list in a box with the given id (present even when empty: the script fills it).
package func issueList(_ issues: [ValidationIssue], target: String, _ c: PageContext) -> HTML {
    let items = issues.map { issueItem($0.severity == .error ? "error" : "warning", $0.message.text(c.language), c) }
    return "<div class=\"issues section-issues\" id=\"\(target)\" aria-live=\"polite\">\(items)</div>"
}
