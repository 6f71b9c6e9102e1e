import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The server: the router with its middleware and the JSON API, and the application.
package enum WebApp {
    /// Where the pages add their routes: given the router (middleware and API already on it) and
    /// the campaign.
    package typealias Pages = @Sendable (Router<WebRequestContext>, WebCampaign) -> Void

    /// The router: security headers, body cap, one log line per request, the JSON API, then the
    /// pages' routes. `log` receives each request's line (the serve command prints it).
    package static func router(
        campaign: WebCampaign, pages: Pages? = nil, log: @escaping @Sendable (String) -> Void = { _ in }
    ) -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: RequestLogMiddleware(log: log))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: BodyLimitMiddleware())
        API.register(on: router, campaign: campaign)
        pages?(router, campaign)
        return router
    }

    /// The application on `host`:`port`; `run` / `runService` serve until SIGTERM or SIGINT,
    /// then finish the requests in flight (Hummingbird's ServiceLifecycle).
    package static func application(
        campaign: WebCampaign, host: String, port: Int, pages: Pages? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "ictreport.serve")
        logger.logLevel = .warning
        return Application(
            router: router(campaign: campaign, pages: pages, log: log),
            configuration: .init(address: .hostname(host, port: port), serverName: "ictreport"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight and returns.
    package static func serve(
        campaign: WebCampaign, host: String, port: Int, pages: Pages? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in },
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await application(
            campaign: campaign, host: host, port: port, pages: pages, log: log, onServerRunning: onServerRunning
        ).runService()
    }

    /// A JSON or text answer with a status.
    static func respond(_ status: HTTPResponse.Status, json: JSON, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: json.bytes(pretty: true) + [10])))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The 404 every unknown token and page gets: the same whether a unit exists or not.
    static var notFound: Response { text(.notFound, WebCampaign.notFoundBody) }

    /// The 413 of a body over the cap.
    static var tooLarge: Response {
        text(
            .contentTooLarge,
            "Dữ liệu gửi lên quá lớn (tối đa \(WebRequestContext.bodyLimit / 1024) KB). / The request body is too large (at most \(WebRequestContext.bodyLimit / 1024) KB).\n"
        )
    }
}

/// On every answer: CSP without inline script or framing, no MIME sniffing, no referrer (links
/// carry tokens), and no caching of pages that carry a unit's answers.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    static let csp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = WebApp.notFound
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = WebApp.tooLarge
        }
        response.headers[.contentSecurityPolicy] = Self.csp
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// A body larger than the cap is refused with a clear 413 before it is read (by its
/// Content-Length); a body without one is cut at the cap where it is collected.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > context.maxUploadSize {
            return WebApp.tooLarge
        }
        return try await next(request, context)
    }
}

/// One line per request: time, method, path (a token in it shown as `…`), status, milliseconds.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let log: @Sendable (String) -> Void

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let ms =
                Double((ContinuousClock.now - start).components.attoseconds / 1_000_000_000_000) / 1000
                + Double((ContinuousClock.now - start).components.seconds) * 1000
            let at = Date().formatted(
                Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!))
            log("\(at) \(request.method) \(Self.redacted(request.uri.path)) \(status) \(String(format: "%.1f", ms))ms")
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as HTTPError {
            status = error.status.code
            throw error
        } catch let error as StoreError {
            // The store could not do it (the database unreachable, …): said in the log and to
            // the client, never as a bare 500.
            log("  " + error.message.text(.en))
            return WebApp.respond(
                .internalServerError,
                json: .object([
                    ("error", .string("store")),
                    ("message", .object([("vi", .string(error.message.vi)), ("en", .string(error.message.text(.en)))]))
                ]))
        }
    }

    /// `/u/SECRET/review` → `/u/…/review`: the logs never hold a unit's link.
    static func redacted(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices.dropLast() where parts[i] == "u" { parts[i + 1] = "…" }
        return parts.joined(separator: "/")
    }
}
