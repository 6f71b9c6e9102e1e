import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import Submissions

/// The JSON API under /api/v1 (docs/openapi.json describes it; `OpenAPIDocument` serves it). A
/// unit is known by its link token in `Authorization: Bearer <token>`; a missing, wrong or
/// rotated token gets the same 404 as any unknown page.
package enum API {
    package static let prefix = "/api/v1"

    static func register(on router: Router<WebRequestContext>, campaign: WebCampaign) {
        let api = router.group(RouterPath(prefix))
        api.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        api.get("form") { request, _ in
            guard let unit = try await unit(request, campaign) else { return WebApp.notFound }
            let c = campaign.campaign
            return WebApp.respond(
                .ok,
                json: .object([
                    ("campaign", .string(c.name)),
                    ("unit", unitJSON(unit)),
                    (
                        "form",
                        .object([
                            ("id", .string(c.form.id)), ("version", .string(c.form.version)),
                            ("file", .string((c.formFile as NSString).lastPathComponent)), ("text", .string(c.formText))
                        ])
                    )
                ]))
        }
        api.get("draft") { request, _ in
            guard let unit = try await unit(request, campaign) else { return WebApp.notFound }
            let draft = try await campaign.draft(unit: unit.id)
            return WebApp.respond(
                .ok,
                json: .object([
                    ("unit", unitJSON(unit)), ("version", .number(Double(draft.version))),
                    ("source", .string(draft.source.rawValue)),
                    ("saved_at", draft.savedAt.map { .string($0) } ?? .null),
                    ("answers", JSON(draft.answers)), ("explanations", explanationsJSON(draft.explanations)),
                    ("issues", .array(draft.issues.map { issueJSON($0, campaign.form) }))
                ]))
        }
        api.put("draft") { request, context in
            guard let unit = try await unit(request, campaign) else { return WebApp.notFound }
            let body: DataTree
            switch try await jsonBody(request, context) {
            case .success(let tree): body = tree
            case .failure(let refusal): return refusal.response
            }
            let (answers, problems) = AnswersDecoder.decode(
                body["answers"] ?? DataTree(kind: .null, line: 1, column: 1), form: campaign.form, path: "answers")
            let explanations = readExplanations(body["explanations"])
            var expected: Int?
            if let node = body["base_version"], let n = node.number {
                guard n >= 0, n == n.rounded(), n < 1e12 else {
                    return badRequest(
                        L("'base_version' phải là số nguyên ≥ 0", "'base_version' must be a whole number ≥ 0"))
                }
                expected = Int(n)
            }
            switch try await campaign.saveDraft(
                unit: unit.id, answers: answers, explanations: explanations, expected: expected, by: "web:\(unit.id)")
            {
            case .saved(let version, let issues):
                return WebApp.respond(
                    .ok,
                    json: .object([
                        ("version", .number(Double(version))),
                        ("issues", .array(problems.map(problemJSON) + issues.map { issueJSON($0, campaign.form) }))
                    ]))
            case .conflict(let current):
                return WebApp.respond(
                    .conflict,
                    json: errorJSON(
                        "draft-changed",
                        L(
                            "bản nháp vừa được lưu từ nơi khác (phiên bản \(current)); hãy tải lại trước khi lưu",
                            "the draft was saved from elsewhere (version \(current)); reload it before saving"),
                        extra: [("current_version", .number(Double(current)))]))
            }
        }
        api.post("submit") { request, context in
            guard let unit = try await unit(request, campaign) else { return WebApp.notFound }
            let body: DataTree
            switch try await jsonBody(request, context, allowEmpty: true) {
            case .success(let tree): body = tree
            case .failure(let refusal): return refusal.response
            }
            var confirmed = Set<String>()
            if case .array(let items)? = body["confirm"]?.kind {
                for item in items { if let key = item.string { confirmed.insert(key) } }
            }
            let explanations = body["explanations"].map { readExplanations($0) }
            switch try await campaign.submit(
                unit: unit.id, confirmed: confirmed, explanations: explanations, by: "web:\(unit.id)")
            {
            case .revision(let n):
                let status = try await campaign.status(unit: unit.id)
                return WebApp.respond(
                    .created,
                    json: .object([("revision", .number(Double(n))), ("state", .string(status.state.rawValue))]))
            case .rejected(let issues, let unconfirmed):
                let errors = issues.count { $0.severity == .error }
                return WebApp.respond(
                    .unprocessableContent,
                    json: errorJSON(
                        errors > 0 ? "errors" : "unconfirmed-warnings",
                        errors > 0
                            ? L(
                                "chưa nộp được: còn \(errors) lỗi cần sửa", "not submitted: \(errors) errors to correct"
                            )
                            : L(
                                "chưa nộp được: hãy xác nhận \(unconfirmed.count) cảnh báo",
                                "not submitted: confirm \(unconfirmed.count) warnings"),
                        extra: [
                            ("issues", .array(issues.map { issueJSON($0, campaign.form) })),
                            ("unconfirmed", .array(unconfirmed.map { .string($0) }))
                        ]))
            case .nothingToSubmit:
                return WebApp.respond(
                    .conflict,
                    json: errorJSON(
                        "no-draft",
                        L(
                            "chưa có bản nháp nào để nộp; hãy lưu câu trả lời trước",
                            "there is no draft to submit; save the answers first")))
            case .conflict:
                return WebApp.respond(
                    .conflict,
                    json: errorJSON(
                        "draft-changed",
                        L(
                            "bản nháp vừa thay đổi hoặc vừa được nộp từ nơi khác; hãy tải lại rồi nộp",
                            "the draft changed or was submitted from elsewhere; reload it and submit again")))
            }
        }
        api.get("status") { request, _ in
            guard let unit = try await unit(request, campaign) else { return WebApp.notFound }
            let status = try await campaign.status(unit: unit.id)
            let draftVersion = try await campaign.draftVersion(unit: unit.id)
            func optional(_ n: Int?) -> JSON { n.map { .number(Double($0)) } ?? .null }
            return WebApp.respond(
                .ok,
                json: .object([
                    ("unit", unitJSON(unit)), ("state", .string(status.state.rawValue)),
                    ("state_label", localizedJSON(status.state.label)),
                    ("revision", .number(Double(status.revision))), ("errors", optional(status.errors)),
                    ("warnings", optional(status.warnings)), ("comment", status.comment.map { .string($0) } ?? .null),
                    ("changed_at", status.changedAt.map { .string($0) } ?? .null),
                    ("draft_version", .number(Double(draftVersion)))
                ]))
        }
    }

    /// The unit of the request's bearer token; nil for none, a wrong or a rotated one.
    static func unit(_ request: Request, _ campaign: WebCampaign) async throws -> ReportingUnit? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        return try await campaign.unit(token: token)
    }

    /// The request's JSON object (within the body cap), or the answer to give instead.
    static func jsonBody(_ request: Request, _ context: WebRequestContext, allowEmpty: Bool = false) async throws
        -> Result<DataTree, ResponseError>
    {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return .failure(ResponseError(WebApp.tooLarge))
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty && allowEmpty { return .success(DataTree(kind: .object([]), line: 1, column: 1)) }
        let tree: DataTree
        do {
            tree = try DataTree.parseJSON(bytes)
        } catch {
            return .failure(
                ResponseError(
                    badRequest(
                        L(
                            "JSON không hợp lệ (dòng \(error.line), cột \(error.column)): \(error.message.vi)",
                            "invalid JSON (line \(error.line), column \(error.column)): \(error.message.text(.en))"))))
        }
        guard case .object = tree.kind else {
            return .failure(
                ResponseError(badRequest(L("nội dung phải là một đối tượng JSON", "the body must be a JSON object"))))
        }
        return .success(tree)
    }

    struct ResponseError: Error {
        var response: Response
        init(_ r: Response) { response = r }
    }

    static func badRequest(_ message: LocalizedText) -> Response {
        WebApp.respond(.badRequest, json: errorJSON("bad-request", message))
    }

    static func readExplanations(_ node: DataTree?) -> [String: String] {
        guard case .object(let pairs)? = node?.kind else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in pairs { if let s = v.string { out[k.nfc] = s.nfc } }
        return out
    }

    static func localizedJSON(_ text: LocalizedText) -> JSON {
        .object([("vi", .string(text.vi)), ("en", .string(text.text(.en)))])
    }

    static func errorJSON(_ code: String, _ message: LocalizedText, extra: [(String, JSON)] = []) -> JSON {
        .object([("error", .string(code)), ("message", localizedJSON(message))] + extra)
    }

    static func unitJSON(_ unit: ReportingUnit) -> JSON {
        .object([("id", .string(unit.id)), ("name", .string(unit.name))])
    }

    static func explanationsJSON(_ e: [String: String]) -> JSON {
        .object(e.keys.sorted().map { ($0, .string(e[$0]!)) })
    }

    /// An issue of the Validator: its key (for explanations), its place and its message.
    package static func issueJSON(_ issue: ValidationIssue, _ form: Form) -> JSON {
        func optional(_ s: String?) -> JSON { s.map { .string($0) } ?? .null }
        return .object([
            ("severity", .string(issue.severity.rawValue)), ("key", .string(issue.key)),
            ("path", .string(path(issue))), ("section", .string(issue.section)), ("field", optional(issue.field)),
            ("row", issue.row.map { .number(Double($0)) } ?? .null), ("column", optional(issue.column)),
            ("rule", .string(issue.rule)),
            (
                "place",
                .object([("vi", .string(issue.place(in: form, .vi))), ("en", .string(issue.place(in: form, .en)))])
            ),
            ("message", localizedJSON(issue.message))
        ])
    }

    /// `section.field`, `section.table[2].column`: where the answer is in the answers object.
    static func path(_ issue: ValidationIssue) -> String {
        var p = issue.section
        if let f = issue.field { p += "." + f }
        if let r = issue.row { p += "[\(r)]" }
        if let c = issue.column { p += "." + c }
        return p
    }

    /// A value that could not be read (a wrong type, an unknown field): an error at its path.
    static func problemJSON(_ p: DataProblem) -> JSON {
        .object([
            ("severity", .string("error")), ("key", .string(p.path)), ("path", .string(p.path)),
            ("section", .null), ("field", .null), ("row", .null), ("column", .null), ("rule", .string("invalid")),
            ("place", .object([("vi", .string(p.path)), ("en", .string(p.path))])),
            ("message", localizedJSON(p.message))
        ])
    }
}
