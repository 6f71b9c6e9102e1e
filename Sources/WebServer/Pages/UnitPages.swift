import CampaignStore
import FormKit
import Foundation
import Submissions

/// The unit's pages around its sections: the start page (its state, the coordinator's comment,
/// the sections with their problems), the review page (every issue; warnings to confirm and
/// explain; finalize) and the printable view of what it sent.
package struct UnitPages {
    package var form: Form
    package var unit: ReportingUnit
    package var status: UnitStatus
    /// "/u/TOKEN"
    package var base: String

    package init(form: Form, unit: ReportingUnit, status: UnitStatus, base: String) {
        self.form = form
        self.unit = unit
        self.status = status
        self.base = base
    }

    /// The shell of every unit page: the unit's name on the left; start, review, and once it
    /// has sent a report its printable view, on the right.
    package func shell(title: String, _ c: PageContext, body: HTML, scripts: [String] = [], bodyClass: String = "")
        -> String
    {
        var links: HTML =
            "<a href=\"\(base)\">\(c.t("Các mục", "Sections"))</a><a href=\"\(base)/review\">\(c.t("Xem lại", "Review"))</a>"
        if status.revision > 0 { links += "<a href=\"\(base)/print\">\(c.t("Bản in", "Printable"))</a>" }
        return PageShell(
            title: title + " — " + unit.name, context: c,
            header: "<span class=\"app\">\(c.t("Báo cáo CNTT", "ICT report"))</span> <strong>\(unit.name)</strong>",
            headerLinks: links, body: body, scripts: scripts, bodyClass: bodyClass
        ).render()
    }

    /// The state of the unit's report and, when it was sent back, the coordinator's comment.
    package func stateBanner(_ c: PageContext, onPrintout: Bool = false) -> HTML {
        var out: HTML = ""
        let state = status.state
        if state == .returned, let comment = status.comment {
            out += banner(
                "warning",
                """
                <p><strong>\(c.t("Báo cáo đã được trả lại để sửa. Ý kiến của bộ phận tổng hợp:", "The report was sent back for correction. The coordinators' comment:"))</strong></p><blockquote class="comment">\(comment)</blockquote><p>\(c.t("Sửa các mục cần sửa rồi hoàn thành lại ở trang Xem lại.", "Correct what is needed, then finalize again on the Review page."))</p>
                """, role: "alert")
        } else if state == .accepted {
            out += banner(
                "notice",
                c.t(
                    "Báo cáo (lần nộp \(status.revision)) đã được duyệt. Cảm ơn đơn vị.",
                    "The report (revision \(status.revision)) has been accepted. Thank you."))
        } else if state == .submitted || state == .resubmitted {
            out += banner(
                "notice",
                """
                \(c.t("Đơn vị đã nộp báo cáo (lần nộp \(status.revision)); đang chờ bộ phận tổng hợp xem xét.", "The report was sent (revision \(status.revision)) and awaits review."))\(onPrintout ? "" : " <a href=\"\(base)/print\">\(c.s("Xem bản in", "See the printable view"))</a>" as HTML)
                """)
        }
        return out
    }

    // MARK: Start page

    /// `fromLastYear`: nothing was saved this year yet, and the answers are last year's
    /// (`serve --previous`), as the page says.
    package func home(answers: Answers, issues: [ValidationIssue], fromLastYear: Bool = false, _ c: PageContext)
        -> String
    {
        let lang = c.language
        var rows: [HTML] = []
        for s in form.sections {
            let mine = issues.filter { $0.section == s.id }
            let errors = mine.count { $0.severity == .error }
            let warnings = mine.count - errors
            let answered = answers.sections[s.id]?.values.contains { !$0.isBlank } ?? false
            var marks: [HTML] = []
            if !answered { marks.append("<span class=\"tag missing\">\(c.t("chưa trả lời", "not started"))</span>") }
            if errors > 0 {
                marks.append("<span class=\"tag error\">\(c.t("\(errors) lỗi", "\(errors) errors"))</span>")
            }
            if warnings > 0 {
                marks.append(
                    "<span class=\"tag warning\">\(c.t("\(warnings) cảnh báo", "\(warnings) warnings"))</span>")
            }
            if answered && errors == 0 && warnings == 0 {
                marks.append("<span class=\"tag ok\">\(c.t("xong", "done"))</span>")
            }
            rows.append(
                "<li><a href=\"\(base)/s/\(s.id)\">\(s.heading(lang))</a> \(marks)</li>")
        }
        let errors = issues.count { $0.severity == .error }
        let carried: HTML =
            fromLastYear
            ? banner(
                "notice",
                "<p>\(c.t("Những câu trả lời ít thay đổi (tên, liên hệ, trang thông tin, cơ sở dữ liệu…) đã được điền sẵn từ báo cáo năm trước, và các nhiệm vụ của kế hoạch năm trước đã thành các dòng kết quả năm nay. Hãy kiểm tra từng mục, sửa những gì đã thay đổi; với mỗi nhiệm vụ chỉ cần nêu kết quả, tỷ lệ hoàn thành và lý do.", "Answers that rarely change (names, contacts, portals, databases…) are filled in from last year's report, and last year's planned tasks are this year's result rows. Check each section and correct what has changed; for each task, state only what was done, the completion and the reason."))</p>"
            ) : ""
        let body: HTML = """
            \(stateBanner(c))
            \(carried)
            <h1>\(form.title, lang)</h1>
            \(form.subtitle.map { "<p class=\"help\">\($0, lang)</p>" as HTML } ?? "")
            <p>\(c.t("Điền từng mục; mỗi thay đổi được lưu ngay vào bản nháp, có thể đóng trình duyệt và quay lại bằng chính đường liên kết này. Khi xong, vào Xem lại để hoàn thành và nộp.", "Fill in each section; every change is saved to the draft at once, so you can close the browser and come back through this same link. When done, go to Review to finalize and send."))</p>
            <ol class="sections">\(rows)</ol>
            <p class="actions"><a class="button primary" href="\(base)/s/\(firstSectionToWork(answers, issues))">\(c.t("Tiếp tục điền", "Continue"))</a><a class="button" href="\(base)/review">\(c.t("Xem lại và hoàn thành", "Review and finalize"))\(errors > 0 ? " (\(c.s("\(errors) lỗi", "\(errors) errors")))" : "")</a></p>
            """
        return shell(title: c.s("Báo cáo", "Report"), c, body: body)
    }

    /// The first section not yet answered or with an error; the first one otherwise.
    private func firstSectionToWork(_ answers: Answers, _ issues: [ValidationIssue]) -> String {
        form.sections.first { s in
            !(answers.sections[s.id]?.values.contains { !$0.isBlank } ?? false)
                || issues.contains { $0.section == s.id && $0.severity == .error }
        }?.id ?? form.sections[0].id
    }

    // MARK: Review

    /// Every issue of the report, by section with links to them; the warnings, each with a box
    /// to confirm it and a place for an explanation for the coordinators; then finalize.
    /// `unconfirmed`: warnings a finalize was refused for (marked); `problem`: why it was.
    package func review(
        issues: [ValidationIssue], explanations: [String: String], unconfirmed: Set<String> = [],
        problem: HTML? = nil, _ c: PageContext
    ) -> String {
        let lang = c.language
        let errors = issues.filter { $0.severity == .error }
        let warnings = issues.filter { $0.severity != .error }
        var body: HTML = stateBanner(c)
        body += "<h1>\(c.t("Xem lại và hoàn thành báo cáo", "Review and finalize the report"))</h1>"
        if let problem { body += banner("error", problem, role: "alert") }
        if errors.isEmpty {
            body += "<p>\(c.t("Báo cáo không còn lỗi.", "The report has no errors."))</p>"
        } else {
            body += """
                <h2>\(c.t("Lỗi cần sửa (\(errors.count))", "Errors to correct (\(errors.count))"))</h2>
                <p>\(c.t("Báo cáo chỉ nộp được khi không còn lỗi. Bấm vào từng lỗi để đến câu hỏi.", "The report can be sent only without errors. Follow each one to its question."))</p>
                <ul class="issue-list">\(errors.map { issueLink($0, c) })</ul>
                """
        }
        var items: [HTML] = []
        for w in warnings {
            let key = w.key
            let mark: HTML = unconfirmed.contains(key) ? " unconfirmed" : ""
            let id = "w-\(items.count + 1)"
            items.append(
                """
                <li class="warning-item\(mark)"><p>\(issueLink(w, c, bare: true))</p>
                <label class="opt" for="\(id)-ok"><input type="checkbox" id="\(id)-ok" name="confirm" value="\(key)"\(unconfirmed.contains(key) ? " aria-invalid=\"true\"" : "")> <span>\(c.t("Tôi đã kiểm tra: số liệu này đúng", "I have checked: this is correct"))</span></label>
                <label for="\(id)-why">\(c.t("Giải trình cho bộ phận tổng hợp (không bắt buộc)", "Explanation for the coordinators (optional)"))</label>
                <textarea id="\(id)-why" name="explain.\(key)" rows="2">\(explanations[key] ?? "")</textarea></li>
                """)
        }
        if !warnings.isEmpty {
            body += """
                <h2>\(c.t("Cảnh báo cần xác nhận (\(warnings.count))", "Warnings to confirm (\(warnings.count))"))</h2>
                <p>\(c.t("Cảnh báo không ngăn việc nộp, nhưng mỗi cảnh báo cần được xác nhận; có thể ghi giải trình.", "Warnings do not stop the report, but each must be confirmed; you may add an explanation."))</p>
                """
        }
        let finalize: HTML =
            errors.isEmpty
            ? "<div class=\"actions\"><button type=\"submit\" class=\"primary\">\(c.t("Hoàn thành và nộp báo cáo", "Finalize and send the report"))</button></div>"
            : "<p class=\"help\">\(c.t("Nút hoàn thành hiện ra khi đã sửa hết lỗi.", "The finalize button appears once every error is corrected."))</p>"
        body += """
            <form method="post" action="\(base)/finalize" class="finalize" novalidate>
            <ol class="warnings">\(items)</ol>
            \(finalize)
            </form>
            """
        _ = lang
        return shell(title: c.s("Xem lại", "Review"), c, body: body)
    }

    /// An issue as a link to where it is in its section's page.
    private func issueLink(_ issue: ValidationIssue, _ c: PageContext, bare: Bool = false) -> HTML {
        let lang = c.language
        let anchor: String
        if let field = issue.field {
            if let row = issue.row, let column = issue.column {
                anchor = FormNames.id(field, row: row, column: column)
            } else if let row = issue.row {
                anchor = "r-\(field)-\(row)"
            } else {
                anchor = "q-\(field)"
            }
        } else {
            anchor = "main"
        }
        let place = issue.place(in: form, lang)
        let link: HTML =
            "<a href=\"\(base)/s/\(issue.section)#\(anchor)\">\(place)</a>: \(issue.message.text(lang))"
        return bare ? link : "<li class=\"\(issue.severity == .error ? "error" : "warning")\">\(link)</li>"
    }

    // MARK: Printable view

    /// What the unit sent, as the template prints it, with the workbook to download.
    /// `sent`: the revision just sent (the finalize's answer), said instead of the state.
    package func printable(submission: Submission, validator: Validator, sent: Int? = nil, _ c: PageContext)
        -> String
    {
        let lang = c.language
        let top: HTML =
            sent.map {
                banner(
                    "notice",
                    c.t(
                        "Đã nộp báo cáo (lần nộp \($0)). Có thể in trang này hoặc tải bảng tính.",
                        "The report was sent (revision \($0)). Print this page or download the workbook."))
            } ?? stateBanner(c, onPrintout: true)
        let when = submission.finalizedAt.map { CampaignReport.localTime(Self.iso($0)) } ?? ""
        let body: HTML = """
            <div class="no-print">\(top)<p class="actions"><a class="button primary" href="\(base)/report.xlsx" download>\(c.t("Tải bảng tính báo cáo (.xlsx)", "Download the report workbook (.xlsx)"))</a></p><p class="help">\(c.t("Dùng lệnh In của trình duyệt (khổ A4) để in trang này.", "Use the browser's Print command (A4) to print this page."))</p></div>
            <article class="printout">
            <p class="unit-name">\(unit.name)</p>
            <h1>\(form.title, lang)</h1>
            \(form.subtitle.map { "<p class=\"subtitle\">\($0, lang)</p>" as HTML } ?? "")
            <p class="meta">\(c.t("Lần nộp", "Revision")) \(submission.revision)\(when.isEmpty ? "" : " — \(when)")</p>
            \(ReportView(form: form, answers: submission.answers, validator: validator).render(c))
            \(explanationsList(submission.explanations, issues: validator.validate(submission.answers), form: form, c))
            </article>
            """
        return shell(title: c.s("Bản in", "Printable view"), c, body: body, bodyClass: "print-view")
    }

    static func iso(_ d: Date) -> String {
        d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!))
    }

}

/// The focal point's explanations of warnings, each under the warning it explains (by its key;
/// one whose warning no longer shows is listed by its key).
package func explanationsList(
    _ explanations: [String: String], issues: [ValidationIssue], form: Form, _ c: PageContext
) -> HTML {
    guard !explanations.isEmpty else { return "" }
    let items = explanations.keys.sorted().map { key -> HTML in
        let what: HTML =
            issues.first { $0.key == key }.map {
                "\($0.place(in: form, c.language)): \($0.message.text(c.language))"
            } ?? "<code>\(key)</code>"
        return "<li><p class=\"what\">\(what)</p><blockquote class=\"comment\">\(explanations[key]!)</blockquote></li>"
    }
    return
        "<h2>\(c.t("Giải trình các cảnh báo", "Explanations of warnings"))</h2><ul class=\"explanations\">\(items)</ul>"
}
