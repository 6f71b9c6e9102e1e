import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import Submissions

/// The unit's pages, reached only through its private link /u/TOKEN: a wrong or rotated token
/// gets the one 404 every unknown page gets.
struct UnitRoutes {
    let campaign: WebCampaign
    var validator: Validator { campaign.validator }

    func register(_ router: Router<WebRequestContext>) {
        router.get("/u/:token") { request, context in
            try await page(request, context) { unit, pages, c in
                let draft = try await campaign.draft(unit: unit.id)
                return WebPages.page(
                    .ok,
                    pages.home(answers: draft.answers, issues: draft.issues, fromLastYear: draft.source == .lastYear, c)
                )
            }
        }
        router.get("/u/:token/s/:section") { request, context in
            try await page(request, context) { unit, pages, c in
                guard let section = section(context) else { throw HTTPError(.notFound) }
                let draft = try await campaign.draft(unit: unit.id)
                var view = sectionPage(section, pages, answers: draft.answers, issues: draft.issues)
                view.saved = request.uri.queryParameters.get("saved") != nil
                if let table = request.uri.queryParameters.get("add"), section.field(table)?.type == .table {
                    view.extraRows[table] = 1
                }
                return WebPages.page(.ok, shell(view, pages, c))
            }
        }
        router.post("/u/:token/s/:section") { request, context in
            try await page(request, context) { unit, pages, c in
                guard let section = section(context) else { throw HTTPError(.notFound) }
                let fields = try await WebPages.formFields(request, context)
                let action = fields["action"]?.last ?? "save"
                var deleteRow: (String, Int)?
                if action.hasPrefix("delete:") {
                    let parts = action.split(separator: ":")
                    if parts.count == 3, let n = Int(parts[2]) { deleteRow = (String(parts[1]), n) }
                }
                let (input, saved) = try await save(unit, section, fields, deleteRow: deleteRow)
                let issues: [ValidationIssue]
                switch saved {
                case .saved(_, let all): issues = all
                case .conflict:
                    // Saved from elsewhere three times over while this was read: say so.
                    let message = L(
                        "Chưa lưu được: bản nháp đang được lưu từ nơi khác. Hãy thử lại.",
                        "Not saved: the draft is being saved from elsewhere. Please try again.")
                    if wantsJSON(request) {
                        return WebPages.json(.conflict, .object([("message", .string(message.text(c.language)))]))
                    }
                    var view = sectionPage(section, pages, answers: input.answers, issues: [])
                    view.rejected = input.rejected
                    return WebPages.page(
                        .conflict, shell(view, pages, c, problem: banner("error", c.t(message), role: "alert")))
                }
                if wantsJSON(request) {
                    return WebPages.json(.ok, autosaveJSON(section, input, issues, c))
                }
                if !input.rejected.isEmpty {
                    var view = sectionPage(section, pages, answers: input.answers, issues: issues)
                    view.rejected = input.rejected
                    return WebPages.page(.unprocessableContent, shell(view, pages, c))
                }
                let here = "\(pages.base)/s/\(section.id)"
                let form = campaign.form
                let index = form.sections.firstIndex { $0.id == section.id } ?? 0
                switch action {
                case "next" where index + 1 < form.sections.count:
                    return WebPages.redirect("\(pages.base)/s/\(form.sections[index + 1].id)")
                case "next", "review":
                    return WebPages.redirect("\(pages.base)/review")
                case _ where action.hasPrefix("add:"):
                    let table = String(action.dropFirst(4))
                    let rows = input.answers[section.id, table]?.rows?.count ?? 0
                    return WebPages.redirect("\(here)?add=\(urlComponent(table))#r-\(table)-\(rows + 1)")
                case _ where action.hasPrefix("delete:"):
                    return WebPages.redirect("\(here)?saved=1#q-\(deleteRow?.0 ?? "")")
                default:
                    return WebPages.redirect("\(here)?saved=1")
                }
            }
        }
        router.get("/u/:token/review") { request, context in
            try await page(request, context) { unit, pages, c in
                let draft = try await campaign.draft(unit: unit.id)
                return WebPages.page(.ok, pages.review(issues: draft.issues, explanations: draft.explanations, c))
            }
        }
        router.post("/u/:token/finalize") { request, context in
            try await page(request, context) { unit, pages, c in
                let fields = try await WebPages.formFields(request, context)
                let confirmed = Set(fields["confirm"] ?? [])
                let draft = try await campaign.draft(unit: unit.id)
                // The explanations typed are kept in the draft whatever the outcome.
                var explanations = draft.explanations
                for (name, values) in fields where name.hasPrefix("explain.") {
                    let key = String(name.dropFirst("explain.".count))
                    let text = values.last?.cleanedInput ?? ""
                    explanations[key] = text.isEmpty ? nil : text
                }
                if explanations != draft.explanations {
                    _ = try await campaign.saveDraft(
                        unit: unit.id, answers: draft.answers, explanations: explanations, expected: nil,
                        by: "web:\(unit.id)")
                }
                let problem: LocalizedText
                var issues = draft.issues
                var unconfirmed: Set<String> = []
                switch try await campaign.submit(
                    unit: unit.id, confirmed: confirmed, explanations: explanations, by: "web:\(unit.id)")
                {
                case .revision(let n):
                    return WebPages.redirect("\(pages.base)/print?sent=\(n)")
                case .rejected(let all, let keys):
                    issues = all
                    unconfirmed = Set(keys)
                    let errors = all.count { $0.severity == .error }
                    problem =
                        errors > 0
                        ? L("Chưa nộp được: còn \(errors) lỗi cần sửa.", "Not sent: \(errors) errors to correct.")
                        : L(
                            "Chưa nộp được: hãy đánh dấu xác nhận \(keys.count) cảnh báo được tô đỏ.",
                            "Not sent: tick to confirm the \(keys.count) warnings marked in red.")
                case .nothingToSubmit:
                    problem = L("Chưa có câu trả lời nào để nộp.", "There are no answers to send yet.")
                case .conflict:
                    problem = L(
                        "Bản nháp vừa thay đổi ở nơi khác; hãy xem lại rồi nộp lại.",
                        "The draft changed elsewhere meanwhile; review it and send again.")
                }
                let status = try await campaign.status(unit: unit.id)
                let fresh = UnitPages(form: campaign.form, unit: unit, status: status, base: pages.base)
                return WebPages.page(
                    .unprocessableContent,
                    fresh.review(
                        issues: issues, explanations: explanations, unconfirmed: unconfirmed, problem: c.t(problem), c))
            }
        }
        router.get("/u/:token/print") { request, context in
            try await page(request, context) { unit, pages, c in
                guard let current = try await campaign.submission(unit: unit.id), !current.isDraft else {
                    return WebPages.redirect("\(pages.base)/review")
                }
                let sent = request.uri.queryParameters.get("sent").flatMap { Int($0) }
                let html = pages.printable(submission: current.submission, validator: validator, sent: sent, c)
                return WebPages.page(.ok, html)
            }
        }
        router.get("/u/:token/report.xlsx") { request, context in
            try await page(request, context) { unit, _, _ in
                guard let bytes = try await campaign.unitReport(unit: unit.id) else { throw HTTPError(.notFound) }
                return WebPages.download(bytes, name: "bao-cao-\(unit.id).xlsx")
            }
        }
    }

    /// The unit of the link (404 otherwise), its pages and the page context; the language
    /// cookie is set on the answer when the query chose a language.
    private func page(
        _ request: Request, _ context: WebRequestContext,
        _ body: (ReportingUnit, UnitPages, PageContext) async throws -> Response
    ) async throws -> Response {
        guard let token = context.parameters.get("token"), let unit = try await campaign.unit(token: token) else {
            throw HTTPError(.notFound)
        }
        let (c, cookie) = WebPages.context(request)
        let status = try await campaign.status(unit: unit.id)
        let pages = UnitPages(form: campaign.form, unit: unit, status: status, base: "/u/\(urlComponent(token))")
        var response = try await body(unit, pages, c)
        if let cookie { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    private func section(_ context: WebRequestContext) -> Section? {
        context.parameters.get("section").flatMap { campaign.form.section($0) }
    }

    private func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/json") ?? false
    }

    private func sectionPage(_ section: Section, _ pages: UnitPages, answers: Answers, issues: [ValidationIssue])
        -> SectionPage
    {
        var view = SectionPage(
            form: campaign.form, section: section, validator: validator, answers: answers, issues: issues,
            base: pages.base, draftURL: "\(pages.base)/s/\(section.id)")
        view.readOnly = pages.status.state == .accepted
        return view
    }

    private func shell(_ view: SectionPage, _ pages: UnitPages, _ c: PageContext, problem: HTML? = nil) -> String {
        pages.shell(
            title: view.section.heading(c.language), c,
            body: pages.stateBanner(c) + (problem ?? "") + view.content(c), scripts: ["form.js"])
    }

    /// The section's answers read over the draft and saved, made from the version read (tried
    /// again if another save came in between, so two tabs on different sections both keep
    /// theirs).
    private func save(
        _ unit: ReportingUnit, _ section: Section, _ fields: [String: [String]], deleteRow: (String, Int)?
    )
        async throws -> (SectionInput, DraftSaveResult)
    {
        var last: (SectionInput, DraftSaveResult)?
        for _ in 0..<3 {
            let draft = try await campaign.draft(unit: unit.id)
            let input = SectionInput.read(fields, section: section, over: draft.answers, deleteRow: deleteRow)
            let result = try await campaign.saveDraft(
                unit: unit.id, answers: input.answers, explanations: draft.explanations, expected: draft.version,
                by: "web:\(unit.id)")
            last = (input, result)
            if case .saved = result { break }
        }
        return last!
    }

    /// What the page script shows after a save: each problem of the section with where it
    /// goes (`FormNames`), the inputs that could not be read, the questions not asked now.
    private func autosaveJSON(_ section: Section, _ input: SectionInput, _ issues: [ValidationIssue], _ c: PageContext)
        -> JSON
    {
        let lang = c.language
        let mine = issues.filter { $0.section == section.id }
        func label(_ severity: String) -> String {
            severity == "error" ? c.s("Lỗi", "Error") : c.s("Cảnh báo", "Warning")
        }
        let issueItems: [JSON] = mine.map {
            let severity = $0.severity == .error ? "error" : "warning"
            return .object([
                ("target", .string(FormNames.issueTarget($0))), ("severity", .string(severity)),
                ("label", .string(label(severity))), ("text", .string($0.message.text(lang)))
            ])
        }
        let rejected: [JSON] = input.rejected.keys.sorted().map { name in
            // a.FIELD → e-FIELD; a.TABLE.N.COLUMN → e-TABLE-N-COLUMN
            let target = "e-" + name.dropFirst(2).replacingOccurrences(of: ".", with: "-")
            return .object([
                ("target", .string(target)), ("severity", .string("error")), ("label", .string(label("error"))),
                ("text", .string(input.rejected[name]!.problem.text(lang)))
            ])
        }
        let v = validator
        var hidden: [JSON] = []
        for f in section.fields {
            if !v.isRelevant(f, input.answers) {
                hidden.append(.string("q-\(f.id)"))
                continue
            }
            for (n, row) in (input.answers[section.id, f.id]?.rows ?? []).enumerated() {
                for col in f.columns where !v.isRelevant(col, input.answers, row: row) {
                    hidden.append(.string("q-\(f.id)-\(n + 1)-\(col.id)"))
                }
            }
        }
        let errors = mine.count { $0.severity == .error } + input.rejected.count
        // Hanoi's time, as the store's times are shown.
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        clock.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        let time = clock.string(from: Date())
        let message =
            input.rejected.isEmpty
            ? c.s("Đã lưu lúc \(time).", "Saved at \(time).")
            : c.s(
                "Đã lưu lúc \(time), trừ \(input.rejected.count) ô chưa đọc được (đánh dấu đỏ).",
                "Saved at \(time), except \(input.rejected.count) inputs that could not be read (marked in red).")
        return .object([
            ("issues", .array(issueItems)), ("rejected", .array(rejected)), ("hidden", .array(hidden)),
            ("counts", .string(SectionPage.counts(errors, mine.count - mine.count { $0.severity == .error }, c))),
            ("message", .string(message))
        ])
    }
}
