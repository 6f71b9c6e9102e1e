import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import Submissions

/// The coordinators' desk under /desk: every page but the login needs a session (the cookie
/// `WebCampaign.sessionCookie`, HttpOnly, SameSite=Strict), and every form post its CSRF token.
/// The login form has one of its own, a random value in a short-lived cookie that the form
/// posts back (a page of another site can read neither).
struct DeskRoutes {
    let campaign: WebCampaign
    var validator: Validator { campaign.validator }

    static let loginCookie = "ictreport_login"
    var base: String { DeskPages.base }

    func register(_ router: Router<WebRequestContext>) {
        router.get("/desk/login") { request, _ in
            let token = randomToken()
            let (c, cookie) = WebPages.context(request, csrf: token)
            return loginPage(.ok, token: token, c, cookie: cookie)
        }
        router.post("/desk/login") { request, context in
            let fields = try await WebPages.formFields(request, context)
            let name = fields["name"]?.last?.cleanedInput ?? ""
            let password = fields["password"]?.last ?? ""
            let token = randomToken()
            let (c, _) = WebPages.context(request, csrf: token)
            guard let expected = request.cookies[Self.loginCookie]?.value, fields["csrf"]?.last == expected else {
                return loginPage(
                    .forbidden, token: token, c, name: name,
                    problem: c.t(
                        "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
                        "The sign-in form expired; please sign in again."))
            }
            switch try await campaign.login(name: name, password: password) {
            case .success(_, let session):
                return WebPages.redirect(
                    base,
                    setCookie: [
                        "\(WebCampaign.sessionCookie)=\(session); Path=/desk; HttpOnly; SameSite=Strict",
                        "\(Self.loginCookie)=; Path=/desk/login; Max-Age=0; HttpOnly; SameSite=Strict"
                    ])
            case .wrongPassword:
                return loginPage(
                    .unauthorized, token: token, c, name: name,
                    problem: c.t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong name or password."))
            case .throttled(let seconds):
                var response = loginPage(
                    .tooManyRequests, token: token, c, name: name,
                    problem: c.t(
                        "Đã nhập sai quá nhiều lần. Hãy thử lại sau \(seconds) giây.",
                        "Too many wrong passwords. Try again in \(seconds) seconds."))
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        }
        router.post("/desk/logout") { request, context in
            try await desk(request, context, post: true) { _, _, _, _ in
                if let token = request.cookies[WebCampaign.sessionCookie]?.value {
                    try await campaign.logout(token: token)
                }
                return WebPages.redirect(
                    "\(base)/login",
                    setCookie: ["\(WebCampaign.sessionCookie)=; Path=/desk; Max-Age=0; HttpOnly; SameSite=Strict"])
            }
        }
        router.get("/desk") { request, context in
            try await desk(request, context) { pages, c, _, _ in
                WebPages.page(.ok, pages.matrix(try await campaign.matrix(), c))
            }
        }
        router.get("/desk/log") { request, context in
            try await desk(request, context) { pages, c, _, _ in
                WebPages.page(.ok, pages.log(try await campaign.log(), c))
            }
        }
        router.get("/desk/consolidated.xlsx") { request, context in
            try await desk(request, context) { _, _, _, _ in
                WebPages.download(try await campaign.consolidatedWorkbook(), name: "tong-hop-bao-cao-cntt.xlsx")
            }
        }
        router.get("/desk/units/:unit") { request, context in
            try await desk(request, context) { pages, c, _, _ in
                let unit = try unitId(context)
                let notice: HTML? =
                    switch request.uri.queryParameters.get("done") {
                    case "returned": c.t("Đã trả lại báo cáo cho đơn vị.", "The report was sent back to the unit.")
                    case "accepted": c.t("Đã duyệt báo cáo.", "The report was accepted.")
                    default: nil
                    }
                return try await unitPage(.ok, unit, pages, c, notice: notice)
            }
        }
        router.get("/desk/units/:unit/report.xlsx") { request, context in
            try await desk(request, context) { _, _, _, _ in
                let unit = try unitId(context)
                guard let bytes = try await campaign.unitReport(unit: unit) else { throw HTTPError(.notFound) }
                return WebPages.download(bytes, name: "bao-cao-\(unit).xlsx")
            }
        }
        router.post("/desk/units/:unit/return") { request, context in
            try await desk(request, context, post: true) { pages, c, session, fields in
                let unit = try unitId(context)
                let comment = fields["comment"]?.last?.cleanedInput ?? ""
                guard !comment.isEmpty else {
                    return try await unitPage(
                        .unprocessableContent, unit, pages, c,
                        problem: c.t(
                            "Hãy ghi ý kiến cho đơn vị: họ cần biết phải sửa gì.",
                            "Write a comment for the unit: it needs to know what to correct."))
                }
                do {
                    _ = try await campaign.returnUnit(unit, comment: comment, by: session.coordinator)
                } catch let error as StoreError {
                    return try await unitPage(.conflict, unit, pages, c, problem: c.t(error.message))
                }
                return WebPages.redirect("\(base)/units/\(urlComponent(unit))?done=returned")
            }
        }
        router.post("/desk/units/:unit/accept") { request, context in
            try await desk(request, context, post: true) { pages, c, session, fields in
                let unit = try unitId(context)
                do {
                    _ = try await campaign.accept(unit, by: session.coordinator, force: fields["force"]?.last == "1")
                } catch let error as StoreError {
                    return try await unitPage(.conflict, unit, pages, c, problem: c.t(error.message))
                }
                return WebPages.redirect("\(base)/units/\(urlComponent(unit))?done=accepted")
            }
        }
    }

    /// A desk page: without a session, the login page; a post without the session's CSRF token
    /// is refused (403).
    private func desk(
        _ request: Request, _ context: WebRequestContext, post: Bool = false,
        _ body: (DeskPages, PageContext, CoordinatorSession, [String: [String]]) async throws -> Response
    ) async throws -> Response {
        guard let token = request.cookies[WebCampaign.sessionCookie]?.value,
            let session = try await campaign.session(token: token)
        else {
            return WebPages.redirect("\(base)/login")
        }
        let (c, cookie) = WebPages.context(request, csrf: session.csrfToken)
        var fields: [String: [String]] = [:]
        if post {
            fields = try await WebPages.formFields(request, context)
            guard session.accepts(csrf: fields["csrf"]?.last) else {
                return WebPages.page(
                    .forbidden,
                    DeskPages(form: campaign.form, coordinator: session.coordinator).shell(
                        title: c.s("Từ chối", "Refused"), c,
                        body: banner(
                            "error",
                            c.t(
                                "Yêu cầu bị từ chối: biểu mẫu không mang mã xác thực của phiên. Hãy tải lại trang rồi làm lại.",
                                "Refused: the form did not carry the session's token. Reload the page and try again."),
                            role: "alert")))
            }
        }
        var response = try await body(
            DeskPages(form: campaign.form, coordinator: session.coordinator), c, session, fields)
        if let cookie { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    private func unitId(_ context: WebRequestContext) throws -> String {
        guard let id = context.parameters.get("unit"), campaign.campaign.registry.units.contains(where: { $0.id == id })
        else { throw HTTPError(.notFound) }
        return id
    }

    private func unitPage(
        _ status: HTTPResponse.Status, _ unit: String, _ pages: DeskPages, _ c: PageContext, notice: HTML? = nil,
        problem: HTML? = nil
    ) async throws -> Response {
        let state = try await campaign.status(unit: unit)
        let submission = try await campaign.submission(unit: unit)
        return WebPages.page(
            status,
            pages.unit(state, submission: submission, validator: validator, notice: notice, problem: problem, c))
    }

    private func loginPage(
        _ status: HTTPResponse.Status, token: String, _ c: PageContext, name: String = "", problem: HTML? = nil,
        cookie: String? = nil
    ) -> Response {
        var response = WebPages.page(
            status, DeskPages(form: campaign.form, coordinator: nil).login(name: name, problem: problem, c))
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: "\(Self.loginCookie)=\(token); Path=/desk/login; Max-Age=3600; HttpOnly; SameSite=Strict"))
        if let cookie { response.headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return response
    }

    /// 128 random bits, hex.
    private func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
