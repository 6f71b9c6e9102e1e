import CampaignStore
import FormKit
import Foundation
import Submissions

/// The coordinators' desk: the login page, the status matrix (units × sections), one unit's
/// submission with its issues and explanations (return with a comment, or accept), the log,
/// and the downloads. Every form that posts carries the session's CSRF token (the login form
/// its own, `PageContext.csrfField`).
package struct DeskPages {
    package var form: Form
    /// The signed-in coordinator (nil on the login page).
    package var coordinator: String?

    package init(form: Form, coordinator: String?) {
        self.form = form
        self.coordinator = coordinator
    }

    package static let base = "/desk"

    package func shell(title: String, _ c: PageContext, body: HTML) -> String {
        var links: HTML = ""
        if let coordinator {
            links = """
                <a href="\(Self.base)">\(c.t("Tình hình", "Status"))</a><a href="\(Self.base)/log">\(c.t("Nhật ký", "Log"))</a><form method="post" action="\(Self.base)/logout" class="inline">\(c.csrfField)<button type="submit" class="link" title="\(coordinator)">\(c.t("Đăng xuất", "Sign out"))</button></form>
                """
        }
        return PageShell(
            title: title + " — " + c.s("Bàn điều phối", "Coordinators' desk"), context: c,
            header:
                "<span class=\"app\">\(c.t("Báo cáo CNTT", "ICT report"))</span> <strong>\(c.t("Bàn điều phối", "Coordinators' desk"))</strong>",
            headerLinks: links, body: body, bodyClass: "desk"
        ).render()
    }

    // MARK: Login

    package func login(name: String = "", problem: HTML? = nil, _ c: PageContext) -> String {
        let body: HTML = """
            <h1>\(c.t("Đăng nhập bàn điều phối", "Sign in to the coordinators' desk"))</h1>
            \(problem.map { banner("error", $0, role: "alert") } ?? "")
            <form method="post" action="\(Self.base)/login" class="login" novalidate>
            \(c.csrfField)
            <div class="q"><label for="name">\(c.t("Tên đăng nhập", "Name"))</label><input id="name" name="name" type="text" autocomplete="username" value="\(name)" required></div>
            <div class="q"><label for="password">\(c.t("Mật khẩu", "Password"))</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
            <div class="actions"><button type="submit" class="primary">\(c.t("Đăng nhập", "Sign in"))</button></div>
            </form>
            <p class="help">\(c.t("Mật khẩu do lệnh “ictreport campaign coordinator add” cấp.", "Passwords come from “ictreport campaign coordinator add”."))</p>
            """
        return shell(title: c.s("Đăng nhập", "Sign in"), c, body: body)
    }

    // MARK: Status matrix

    /// The word of a cell's state.
    static func stateLabel(_ state: String) -> LocalizedText {
        switch state {
        case "missing": L("chưa có", "missing")
        case "draft": L("nháp", "draft")
        case "submitted": L("đã nộp", "submitted")
        case "returned": L("trả lại", "returned")
        case "accepted": L("đã duyệt", "accepted")
        default: L(state, state)
        }
    }

    package func matrix(_ rows: [UnitRow], _ c: PageContext) -> String {
        let lang = c.language
        let head = form.sections.map { s -> HTML in
            "<th scope=\"col\" title=\"\(s.heading(lang))\"><abbr title=\"\(s.heading(lang))\">\(s.reference(lang) ?? s.title.text(lang))</abbr></th>"
        }
        var counts: [ReviewState: Int] = [:]
        let body = rows.map { row -> HTML in
            let st = row.status
            counts[st.state, default: 0] += 1
            let cells = row.cells.enumerated().map { k, cell -> HTML in
                let s = form.sections[k]
                var marks: [String] = []
                if cell.errors > 0 { marks.append(c.s("\(cell.errors) lỗi", "\(cell.errors) err.")) }
                if cell.warnings > 0 { marks.append(c.s("\(cell.warnings) c.báo", "\(cell.warnings) warn.")) }
                return """
                    <td class="cell \(cell.state)" title="\(s.heading(lang))"><span class="st">\(Self.stateLabel(cell.state), lang)</span>\(marks.isEmpty ? "" : "<br><span class=\"marks\">\(marks.joined(separator: ", "))</span>" as HTML)</td>
                    """
            }
            let errors: HTML = st.errors.map { e in "\(e)" } ?? "–"
            return """
                <tr><th scope="row"><a href="\(Self.base)/units/\(urlComponent(st.unit.id))">\(st.unit.name)</a></th><td class="state \(st.state.rawValue)">\(st.state.label, lang)\(st.revision > 0 ? " (\(c.s("lần", "rev.")) \(st.revision))" : "")</td><td class="num">\(errors)</td>\(cells)</tr>
                """
        }
        let summary = ReviewState.allCases.compactMap { s -> HTML? in
            counts[s].map { "<li><span class=\"state \(s.rawValue)\">\(s.label, lang)</span>: \($0)</li>" }
        }
        let page: HTML = """
            <h1>\(c.t("Tình hình nộp báo cáo", "Report status"))</h1>
            <ul class="summary">\(summary)</ul>
            <p class="actions"><a class="button" href="\(Self.base)/consolidated.xlsx" download>\(c.t("Tải bảng tổng hợp (.xlsx)", "Download the consolidated workbook (.xlsx)"))</a></p>
            <div class="scroll" tabindex="0" role="region" aria-label="\(c.s("Bảng tình hình: đơn vị × mục", "Status: units × sections"))">
            <table class="matrix"><thead><tr><th scope="col">\(c.t("Đơn vị", "Unit"))</th><th scope="col">\(c.t("Trạng thái", "State"))</th><th scope="col">\(c.t("Lỗi", "Errors"))</th>\(head)</tr></thead>
            <tbody>\(body)</tbody></table></div>
            """
        return shell(title: c.s("Tình hình", "Status"), c, body: page)
    }

    // MARK: One unit

    /// A unit's current submission: its state and the coordinator's comment, every issue, the
    /// explanations, return (with a comment) and accept, the report to download, its answers.
    package func unit(
        _ status: UnitStatus, submission: UnitSubmission?, validator: Validator, notice: HTML? = nil,
        problem: HTML? = nil, _ c: PageContext
    ) -> String {
        let lang = c.language
        let id = urlComponent(status.unit.id)
        var body: HTML = "<p class=\"crumbs\"><a href=\"\(Self.base)\">\(c.t("Tình hình", "Status"))</a> ›</p>"
        body += "<h1>\(status.unit.name)</h1>"
        if let notice { body += banner("notice", notice) }
        if let problem { body += banner("error", problem, role: "alert") }
        body += """
            <p class="meta">\(c.t("Trạng thái", "State")): <span class="state \(status.state.rawValue)">\(status.state.label, lang)</span>\(status.revision > 0 ? " — \(c.s("lần nộp", "revision")) \(status.revision)" : "")\(status.changedAt.map { " — \(CampaignReport.localTime($0))" } ?? "")</p>
            """
        if let comment = status.comment {
            body +=
                "<p>\(c.t("Ý kiến khi trả lại:", "Comment when sent back:"))</p><blockquote class=\"comment\">\(comment)</blockquote>"
        }
        guard let submission else {
            body += "<p>\(c.t("Đơn vị chưa gửi gì.", "The unit has sent nothing yet."))</p>"
            return shell(title: status.unit.name, c, body: body)
        }
        if submission.isDraft {
            body += banner("warning", c.t("Đây là bản nháp, chưa nộp chính thức.", "This is a draft, not yet sent."))
        }
        let errors = submission.issues.filter { $0.severity == .error }
        let warnings = submission.issues.filter { $0.severity != .error }
        body += """
            <p class="actions"><a class="button" href="\(Self.base)/units/\(id)/report.xlsx" download>\(c.t("Tải báo cáo của đơn vị (.xlsx)", "Download the unit's report (.xlsx)"))</a></p>
            <h2>\(c.t("Lỗi (\(errors.count)) và cảnh báo (\(warnings.count))", "Errors (\(errors.count)) and warnings (\(warnings.count))"))</h2>
            """
        if submission.issues.isEmpty {
            body += "<p>\(c.t("Không có lỗi hay cảnh báo.", "No errors or warnings."))</p>"
        } else {
            let items = submission.issues.map { i -> HTML in
                let explanation: HTML =
                    submission.submission.explanations[i.key].map {
                        "<blockquote class=\"comment\">\(c.t("Giải trình: ", "Explanation: "))\($0)</blockquote>"
                    } ?? ""
                return """
                    <li class="\(i.severity == .error ? "error" : "warning")">\(issueItem(i.severity == .error ? "error" : "warning", i.place(in: form, lang) + ": " + i.message.text(lang), c))\(explanation)</li>
                    """
            }
            body += "<ul class=\"issue-list\">\(items)</ul>"
        }
        if !submission.isDraft && status.state != .accepted {
            let force: HTML =
                errors.isEmpty
                ? ""
                : """
                <label class="opt" for="force"><input type="checkbox" id="force" name="force" value="1"> <span>\(c.t("Duyệt dù còn \(errors.count) lỗi (ghi vào nhật ký)", "Accept despite \(errors.count) errors (logged)"))</span></label>
                """
            body += """
                <div class="decide">
                <form method="post" action="\(Self.base)/units/\(id)/return" class="return" novalidate>\(c.csrfField)
                <h2>\(c.t("Trả lại để sửa", "Send back for correction"))</h2>
                <label for="comment">\(c.t("Ý kiến gửi đơn vị (đơn vị thấy trên trang của mình)", "Comment for the unit (shown on its page)"))</label>
                <textarea id="comment" name="comment" rows="3" required></textarea>
                <div class="actions"><button type="submit">\(c.t("Trả lại", "Send back"))</button></div>
                </form>
                <form method="post" action="\(Self.base)/units/\(id)/accept" class="accept" novalidate>\(c.csrfField)
                <h2>\(c.t("Duyệt báo cáo", "Accept the report"))</h2>
                \(force)
                <div class="actions"><button type="submit" class="primary">\(c.t("Duyệt", "Accept"))</button></div>
                </form>
                </div>
                """
        }
        body += "<h2>\(c.t("Nội dung báo cáo", "The report"))</h2>"
        body += ReportView(form: form, answers: submission.submission.answers, validator: validator).render(c)
        return shell(title: status.unit.name, c, body: body)
    }

    // MARK: Log

    package func log(_ entries: [LogEntry], _ c: PageContext) -> String {
        let rows = entries.reversed().map { e -> HTML in
            let unit: HTML =
                e.unit.map { "<a href=\"\(Self.base)/units/\(urlComponent($0))\">\($0)</a>" } ?? ""
            return """
                <tr><td>\(CampaignReport.localTime(e.at))</td><td>\(e.by)</td><td>\(e.action)</td><td>\(unit)</td><td class="num">\(e.revision.map { "\($0)" } ?? "")</td><td class="detail">\(e.detail ?? "")</td></tr>
                """
        }
        let body: HTML = """
            <h1>\(c.t("Nhật ký", "Log"))</h1>
            <div class="scroll" tabindex="0" role="region" aria-label="\(c.s("Nhật ký", "Log"))">
            <table class="log"><thead><tr><th scope="col">\(c.t("Thời điểm", "When"))</th><th scope="col">\(c.t("Người", "By"))</th><th scope="col">\(c.t("Việc", "Action"))</th><th scope="col">\(c.t("Đơn vị", "Unit"))</th><th scope="col">\(c.t("Lần", "Rev."))</th><th scope="col">\(c.t("Chi tiết", "Detail"))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        return shell(title: c.s("Nhật ký", "Log"), c, body: body)
    }
}
