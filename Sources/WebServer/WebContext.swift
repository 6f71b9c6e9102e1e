/// # The web server's API for its pages (`ictreport serve`)
///
/// Everything a page handler needs is on `WebCampaign` (one per serve process, `Sendable`, every
/// method `async` and safe to call from a Hummingbird handler: the store is only ever used on the
/// `StorePool`'s own threads, never on an event loop). Nothing is kept in a process's memory that
/// another serve process on the same store needs: tokens, sessions, throttling and drafts are all
/// in the store.
///
/// Units (a unit's private link `/u/<token>`; the JSON API takes the same token as
/// `Authorization: Bearer <token>`):
/// - `unit(token:)` → the `ReportingUnit`, or nil for a wrong or rotated token (answer 404 with
///   `WebCampaign.notFoundBody`, the same whether a unit exists or not).
/// - `draft(unit:)` → `WorkingDraft`: answers, explanations, `version`, `source`, and every issue of
///   the form's Validator (one rule set: the terminal's).
/// - `saveDraft(unit:answers:explanations:expected:by:)` → `DraftSaveResult`: `.saved(version,
///   issues)` (atomic; the same content again keeps its version) or `.conflict(current:)` when
///   `expected` is not the stored version (another tab saved since).
/// - `submit(unit:confirmed:explanations:by:)` → `SubmitResult`: `.revision(n)`, or
///   `.rejected(issues:unconfirmed:)` (every issue; the warning keys `ValidationIssue.key` not yet
///   confirmed), `.nothingToSubmit`, `.conflict`.
/// - `status(unit:)` → `UnitStatus` (state, revision, counts, the coordinator's `comment` when
///   returned).
///
/// Coordinators:
/// - `login(name:password:)` → `LoginResult` (`.success(session, token)`: set `token` as the
///   cookie `WebCampaign.sessionCookie`, HttpOnly, SameSite=Strict; `.wrongPassword`;
///   `.throttled(retryAfter:)`: answer 429 with Retry-After). Wrong passwords are counted in the
///   store, so several serve processes agree.
/// - `session(token:)` → `CoordinatorSession?` (coordinator, `csrfToken` every form post must
///   carry: check it with `CoordinatorSession.accepts(csrf:)`), `logout(token:)`.
/// - `matrix()` → `[UnitRow]`: units × sections (`SectionCell`: missing, draft, submitted,
///   returned, accepted; errors and warnings).
/// - `submission(unit:)` → `UnitSubmission?`: the current file, its issues and explanations.
/// - `returnUnit(_:comment:by:)`, `accept(_:by:force:)`, `log(unit:)`.
/// - `consolidatedWorkbook()`, `unitReport(unit:)` → the .xlsx bytes, generated from the store
///   by the same code as `merge --db` and `export --db --unit` (`StoreWorkbooks`).
///
/// Routing (`WebApp.router(campaign:pages:)`): the pages register their routes in the `pages`
/// closure, given the router and the campaign. The router already has: security headers on every
/// answer (CSP `default-src 'self'` without inline script, `frame-ancestors 'none'`,
/// X-Content-Type-Options nosniff, Referrer-Policy no-referrer), the request-body cap
/// (`WebRequestContext.maxUploadSize`, a clear 413), one log line per request (tokens in paths
/// shown as `…`), and the JSON API under /api/v1. Read bodies with
/// `request.body.collect(upTo: context.maxUploadSize)`.
import CampaignStore
import Consolidation
import FormKit
import Foundation
import Hummingbird
import Submissions

/// The request context of every route: Hummingbird's basic one with the body cap.
package struct WebRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
    /// The largest request body taken (a whole report is well under 100 KB).
    package static let bodyLimit = 1 << 20
    package var maxUploadSize: Int { Self.bodyLimit }
}

/// One section of one unit on the coordinators' desk.
package struct SectionCell: Sendable, Equatable {
    /// missing, draft, submitted, returned, accepted.
    package var state: String
    package var errors: Int
    package var warnings: Int
}

/// One unit's row of the status matrix: its status, and a cell per section in form order.
package struct UnitRow: Sendable {
    package var status: UnitStatus
    package var cells: [SectionCell]
}

/// A unit's current file as the desk shows it.
package struct UnitSubmission: Sendable {
    package var status: UnitStatus
    package var submission: Submission
    package var isDraft: Bool
    package var issues: [ValidationIssue]
}

extension CoordinatorSession {
    /// Whether a form post's CSRF token is this session's (compared in constant time).
    package func accepts(csrf: String?) -> Bool {
        guard let csrf else { return false }
        let a = Array(csrf.utf8)
        let b = Array(csrfToken.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The campaign as the server's routes use it (see the top of this file).
package final class WebCampaign: Sendable {
    package let pool: StorePool
    package let campaign: Campaign
    package let layouts: StoreWorkbooks
    /// The campaign form's Validator, made once for every page and check of this process.
    package let validator: Validator
    /// Last year's answers by unit (`serve --previous`): a unit with nothing yet this year starts
    /// from them, and what this year leaves open of last year's plan is checked, as
    /// `collect --previous` does. Read once at start, the same in every serve process given them.
    package let previous: [String: Answers]
    /// The name of the coordinators' session cookie.
    package static let sessionCookie = "ictreport_session"
    /// The body of every 404: the same for a wrong token, a rotated one and a missing page.
    package static let notFoundBody = "Không tìm thấy trang này. / Page not found.\n"

    package init(pool: StorePool, layouts: StoreWorkbooks, previous: [String: Answers] = [:]) async throws {
        self.pool = pool
        self.layouts = layouts
        self.previous = previous
        campaign = try await pool.run { try $0.campaign() }
        validator = Validator(form: campaign.form)
    }

    package var form: Form { campaign.form }

    package func unit(token: String) async throws -> ReportingUnit? {
        try await pool.run { try $0.unit(forToken: token) }
    }

    package func draft(unit: String) async throws -> WorkingDraft {
        let previous = previous[unit]
        return try await pool.run { try $0.workingDraft(unit: unit, previous: previous) }
    }

    package func saveDraft(
        unit: String, answers: Answers, explanations: [String: String], expected: Int?, by: String
    ) async throws -> DraftSaveResult {
        let previous = previous[unit]
        return try await pool.run {
            try $0.saveDraft(
                unit: unit, answers: answers, explanations: explanations, expected: expected, by: by,
                previous: previous)
        }
    }

    package func submit(unit: String, confirmed: Set<String>, explanations: [String: String]?, by: String)
        async throws -> SubmitResult
    {
        let previous = previous[unit]
        return try await pool.run {
            try $0.submit(unit: unit, confirmed: confirmed, explanations: explanations, by: by, previous: previous)
        }
    }

    package func status(unit: String) async throws -> UnitStatus {
        try await pool.run { try $0.status(unit) }
    }

    package func draftVersion(unit: String) async throws -> Int {
        try await pool.run { try $0.draftVersion(unit: unit) }
    }

    // MARK: Coordinators

    package func login(name: String, password: String) async throws -> LoginResult {
        try await pool.run { try $0.login(name: name, password: password) }
    }

    package func session(token: String) async throws -> CoordinatorSession? {
        try await pool.run { try $0.session(token: token) }
    }

    package func logout(token: String) async throws {
        try await pool.run { try $0.logout(token: token) }
    }

    package func returnUnit(_ unit: String, comment: String, by: String) async throws -> UnitStatus {
        try await pool.run { try $0.returnUnit(unit, comment: comment, by: by) }
    }

    package func accept(_ unit: String, by: String, force: Bool = false) async throws -> CampaignStore.Acceptance {
        try await pool.run { try $0.accept(unit, by: by, force: force) }
    }

    package func log(unit: String? = nil) async throws -> [LogEntry] {
        try await pool.run { try $0.log(unit: unit) }
    }

    /// Units × sections: each cell from the unit's current final revision when it has one (its
    /// review state), else from its working or imported draft ("draft"); a section without any
    /// answer is "missing". Errors and warnings are the Validator's, per section.
    package func matrix() async throws -> [UnitRow] {
        let form = campaign.form
        return try await pool.run { store in
            let validator = try store.validator()
            var rows: [UnitRow] = []
            for status in try store.status() {
                var answers: Answers?
                var state: String
                switch status.state {
                case .submitted, .resubmitted: state = "submitted"
                case .returned: state = "returned"
                case .accepted: state = "accepted"
                case .missing, .draft: state = "draft"
                }
                if state == "draft" {
                    let draft = try store.workingDraft(unit: status.unit.id)
                    answers = draft.source == .empty ? nil : draft.answers
                } else if let file = try store.currentFile(status.unit.id) {
                    answers =
                        SubmissionLoader.load(bytes: file.bytes, file: file.fileName, form: form, yaml: false)
                        .submission?.answers
                }
                let issues = answers.map { validator.validate($0) } ?? []
                let cells = form.sections.map { section -> SectionCell in
                    let answered = answers?.sections[section.id]?.values.contains { !$0.isBlank } ?? false
                    let mine = issues.filter { $0.section == section.id }
                    let errors = mine.count { $0.severity == .error }
                    return SectionCell(
                        state: answered ? state : "missing", errors: errors, warnings: mine.count - errors)
                }
                rows.append(UnitRow(status: status, cells: cells))
            }
            return rows
        }
    }

    /// The unit's current file (its final revision, or an imported draft), with every issue.
    package func submission(unit: String) async throws -> UnitSubmission? {
        let form = campaign.form
        return try await pool.run { store in
            let status = try store.status(unit)
            guard let file = try store.currentFile(unit),
                let s = SubmissionLoader.load(bytes: file.bytes, file: file.fileName, form: form, yaml: false)
                    .submission
            else { return nil }
            return UnitSubmission(
                status: status, submission: s, isDraft: file.isDraft, issues: try store.validator().validate(s.answers))
        }
    }

    /// The consolidated workbook of the store's current submissions, as `merge --db` writes it.
    package func consolidatedWorkbook() async throws -> [UInt8] {
        let layouts = layouts
        return try await pool.run { try layouts.consolidatedBytes(from: $0) }
    }

    /// A unit's report, as `export --db --unit` writes it; nil when it has sent nothing.
    package func unitReport(unit: String) async throws -> [UInt8]? {
        let layouts = layouts
        return try await pool.run { try layouts.unitReportBytes(from: $0, unit: unit) }
    }
}
