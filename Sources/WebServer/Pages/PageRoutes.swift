import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import Submissions

/// The pages' routes: the unit's pages under /u/TOKEN, the coordinators' desk under /desk, and
/// the style sheet and script under /static. `ServeCommand` hands `WebPages.register` to
/// `WebApp`.
package enum WebPages {
    package static let register: WebApp.Pages = { router, campaign in
        registerStatic(router)
        UnitRoutes(campaign: campaign).register(router)
        DeskRoutes(campaign: campaign).register(router)
        router.get("/") { _, _ in redirect("/desk") }
    }

    static func registerStatic(_ router: Router<WebRequestContext>) {
        for (name, type, text) in [
            ("app.css", "text/css; charset=utf-8", StaticFiles.appCSS),
            ("form.js", "text/javascript; charset=utf-8", StaticFiles.formJS)
        ] {
            router.get(RouterPath("/static/\(name)")) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=600"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }

    // MARK: Requests

    /// The page's language: `?lang=en|vi` (remembered in a cookie for a year), else the cookie,
    /// else Vietnamese. The second value is the cookie to set, if the query chose one.
    static func language(_ request: Request) -> (Language, setCookie: String?) {
        if let q = request.uri.queryParameters.get("lang"), let l = Language(rawValue: q) {
            return (l, "lang=\(l.rawValue); Path=/; Max-Age=31536000; SameSite=Lax")
        }
        if let c = request.cookies["lang"]?.value, let l = Language(rawValue: c) { return (l, nil) }
        return (.vi, nil)
    }

    static func context(_ request: Request, csrf: String? = nil) -> (PageContext, setCookie: String?) {
        let (language, cookie) = language(request)
        return (PageContext(language: language, path: request.uri.path, csrfToken: csrf), cookie)
    }

    /// The fields of a posted HTML form (application/x-www-form-urlencoded), name → values in
    /// order, within the body cap (413 over it, from the middleware). Text is stored NFC.
    static func formFields(_ request: Request, _ context: WebRequestContext) async throws -> [String: [String]] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return parseForm(String(buffer: buffer))
    }

    package static func parseForm(_ body: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                (s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "").nfc
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            fields[name, default: []].append(value)
        }
        return fields
    }

    // MARK: Responses

    static func page(_ status: HTTPResponse.Status = .ok, _ html: String, setCookie: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if let setCookie { headers.append(HTTPField(name: .setCookie, value: setCookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other: the answer to every post that worked (reloading does not post again).
    static func redirect(_ location: String, setCookie: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for c in setCookie { headers.append(HTTPField(name: .setCookie, value: c)) }
        return Response(status: .seeOther, headers: headers)
    }

    static func download(_ bytes: [UInt8], name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                .contentDisposition: "attachment; filename=\"\(name)\""
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ status: HTTPResponse.Status, _ json: JSON) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json.bytes(pretty: false))))
    }
}
