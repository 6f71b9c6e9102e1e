import CampaignStore
import Consolidation
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Submissions
import TestSupport
import Testing

@testable import WebServer

/// A campaign store on the bundled form and units, and its `WebCampaign`.
struct Served {
    let location: StoreLocation
    let campaign: WebCampaign
    let pool: StorePool

    static func make(_ engine: StoreEngine, previous: [String: Answers] = [:]) async throws -> Served {
        let db = try engine.newStore(in: temporaryDirectory("web"))
        let location = StoreLocation.resolve(db)
        let store = try CampaignStore.open(location, create: true).store
        _ = try store.initialize(
            name: "Báo cáo 2018",
            formText: try String(contentsOf: repositoryFile("Forms/ict-annual-report.yaml"), encoding: .utf8),
            formFile: "Forms/ict-annual-report.yaml",
            unitsText: try String(contentsOf: repositoryFile("Forms/units.yaml"), encoding: .utf8),
            unitsFile: "Forms/units.yaml", by: "test")
        store.close()
        let pool = try StorePool(location: location, size: 2)
        let form = try await pool.run { try $0.campaign().form }
        let layouts = StoreWorkbooks(
            consolidated: try WorkbookLayout.load(
                contentsOf: repositoryFile("Templates/consolidated.yaml"), form: form),
            unitReport: try UnitReportLayout.load(contentsOf: repositoryFile("Templates/unit-report.yaml"), form: form))
        return Served(
            location: location, campaign: try await WebCampaign(pool: pool, layouts: layouts, previous: previous),
            pool: pool)
    }

    /// A store of its own for what the test does by hand.
    func withStore<T>(_ body: (CampaignStore) throws -> T) throws -> T {
        let store = try CampaignStore.open(location).store
        defer { store.close() }
        return try body(store)
    }

    var app: some ApplicationProtocol {
        Application(router: WebApp.router(campaign: campaign))
    }
}

/// The bundled example's answers (Examples/cuc-shtt.json): a whole report.
let example = SubmissionLoader.load(repositoryFile("Examples/cuc-shtt.json"), form: form).submission!

func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as! [String: Any]
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func body(_ json: JSON) -> ByteBuffer { ByteBuffer(bytes: json.bytes()) }

func draftBody(_ answers: Answers, explanations: [String: String] = [:], base: Int? = nil) -> ByteBuffer {
    var pairs: [(String, JSON)] = [
        ("answers", JSON(answers)), ("explanations", .object(explanations.map { ($0.key, .string($0.value)) }))
    ]
    if let base { pairs.append(("base_version", .number(Double(base)))) }
    return body(.object(pairs))
}

/// The headers every answer carries, 404s and 413s included.
func expectSecurityHeaders(_ r: TestResponse, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let csp = r.headers[.contentSecurityPolicy] ?? ""
    #expect(csp.contains("default-src 'self'"), sourceLocation: sourceLocation)
    #expect(csp.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
    #expect(!csp.contains("unsafe-inline"), sourceLocation: sourceLocation)
    #expect(r.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
}

@Suite struct WebAPITests {
    @Test(arguments: StoreEngine.allCases) func aUnitFillsSavesAndSubmits(engine: StoreEngine) async throws {
        let served = try await Served.make(engine)
        defer { Task { await served.pool.shutdown() } }
        let unitId = registry.units[0].id
        let token = try served.withStore { try $0.issueToken(unit: unitId) }
        try await served.app.test(.router) { client in
            var answers = example.answers
            // The form: the campaign's form text and the unit.
            try await client.execute(uri: "/api/v1/form", method: .get, headers: bearer(token)) { r in
                #expect(r.status == .ok)
                expectSecurityHeaders(r)
                let j = try json(r)
                #expect((j["unit"] as! [String: Any])["id"] as? String == unitId)
                let text = (j["form"] as! [String: Any])["text"] as! String
                #expect(FormLoader.lint(text, file: "form.yaml").form?.id == form.id)
            }
            // Nothing yet: version 0, and the required answers are errors.
            try await client.execute(uri: "/api/v1/draft", method: .get, headers: bearer(token)) { r in
                #expect(r.status == .ok)
                let j = try json(r)
                #expect(j["version"] as? Int == 0 && j["source"] as? String == "empty")
                #expect(!(j["issues"] as! [[String: Any]]).isEmpty)
            }
            // A wrong answer: saved, its issue said with its path and both languages.
            let staffField = form.sections.flatMap { s in s.fields.map { (s, $0) } }.first {
                if case .integer = $0.1.type { return true } else { return false }
            }!
            answers[staffField.0.id, staffField.1.id] = .text("nhiều lắm")
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: draftBody(answers)
            ) { r in
                #expect(r.status == .ok)
                let j = try json(r)
                #expect(j["version"] as? Int == 1)
                let issues = j["issues"] as! [[String: Any]]
                let expected = Validator(form: form).validate(example.answers)
                #expect(issues.count >= expected.count)
                #expect(issues.allSatisfy { ($0["message"] as? [String: String])?["vi"]?.isEmpty == false })
                #expect(issues.allSatisfy { ($0["message"] as? [String: String])?["en"]?.isEmpty == false })
            }
            // Submitting it: 422 with every issue.
            try await client.execute(uri: "/api/v1/submit", method: .post, headers: bearer(token)) { r in
                #expect(r.status == .unprocessableContent)
                let j = try json(r)
                let issues = j["issues"] as! [[String: Any]]
                #expect(issues.contains { ($0["path"] as? String)?.hasPrefix(staffField.0.id) == true })
                #expect(j["error"] as? String == "errors")
            }
            // Corrected; saved from version 1 (an old version is refused).
            answers = example.answers
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: draftBody(answers, base: 0)
            ) { r in
                #expect(r.status == .conflict)
                #expect((try? json(r))?["current_version"] as? Int == 1)
            }
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: draftBody(answers, base: 1)
            ) { r in
                #expect(r.status == .ok)
                #expect((try? json(r))?["version"] as? Int == 2)
            }
            // The same content again keeps its version.
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: draftBody(answers)
            ) { r in
                #expect((try? json(r))?["version"] as? Int == 2)
            }
            let warnings = Validator(form: form).validate(answers).filter { $0.severity == .warning }.map(\.key)
            if !warnings.isEmpty {
                // Warnings not confirmed: 422 naming them.
                try await client.execute(uri: "/api/v1/submit", method: .post, headers: bearer(token)) { r in
                    #expect(r.status == .unprocessableContent)
                    #expect((try? json(r))?["unconfirmed"] as? [String] == warnings)
                }
            }
            let confirm = JSON.object([
                ("confirm", .array(warnings.map { .string($0) })),
                ("explanations", .object(warnings.prefix(1).map { ($0, .string("Số liệu đúng <b>thật</b>")) }))
            ])
            try await client.execute(
                uri: "/api/v1/submit", method: .post, headers: bearer(token), body: body(confirm)
            ) { r in
                #expect(r.status == .created)
                let j = try json(r)
                #expect(j["revision"] as? Int == 1 && j["state"] as? String == "submitted")
            }
            try await client.execute(uri: "/api/v1/status", method: .get, headers: bearer(token)) { r in
                let j = try json(r)
                #expect(j["state"] as? String == "submitted" && j["revision"] as? Int == 1)
                #expect(j["draft_version"] as? Int == 0)
            }
            // After submitting, the draft starts from the revision; submitting nothing is a 409.
            try await client.execute(uri: "/api/v1/draft", method: .get, headers: bearer(token)) { r in
                let j = try json(r)
                #expect(j["source"] as? String == "revision" && j["version"] as? Int == 0)
            }
            try await client.execute(uri: "/api/v1/submit", method: .post, headers: bearer(token)) { r in
                let j = try json(r)
                #expect(r.status == .conflict && j["error"] as? String == "no-draft")
            }
        }
        // The store has the revision as every received file: its hash, the log, the explanation.
        let (status, file, log) = try served.withStore { s in
            (try s.status(unitId), try s.currentFile(unitId)!, try s.log(unit: unitId))
        }
        #expect(status.state == .submitted && status.revision == 1)
        let stored = SubmissionLoader.load(bytes: file.bytes, file: "x.json", form: form, yaml: false)
        #expect(stored.problems.isEmpty && stored.submission?.status == .final)
        #expect(stored.submission?.answers == example.answers)
        #expect(log.map(\.action) == ["draft-begun", "revision"])
    }

    @Test(arguments: StoreEngine.allCases) func wrongTokensGetTheSame404(engine: StoreEngine) async throws {
        let served = try await Served.make(engine)
        defer { Task { await served.pool.shutdown() } }
        let unitId = registry.units[1].id
        let old = try served.withStore { try $0.issueToken(unit: unitId) }
        let new = try served.withStore { try $0.issueToken(unit: unitId) }
        #expect(old != new && old.count >= 43)  // 32 random bytes, base64url
        try await served.app.test(.router) { client in
            var bodies: Set<String> = []
            for headers in [bearer(old), bearer("nope"), bearer(""), [:] as HTTPFields] {
                for (uri, method) in [("/api/v1/form", HTTPRequest.Method.get), ("/api/v1/draft", .put)] {
                    try await client.execute(uri: uri, method: method, headers: headers) { r in
                        #expect(r.status == .notFound)
                        expectSecurityHeaders(r)
                        bodies.insert(String(buffer: r.body))
                    }
                }
            }
            try await client.execute(uri: "/u/\(old)/nothing/here", method: .get) { r in
                #expect(r.status == .notFound)
                expectSecurityHeaders(r)
                bodies.insert(String(buffer: r.body))
            }
            #expect(bodies == [WebCampaign.notFoundBody])
            try await client.execute(uri: "/api/v1/status", method: .get, headers: bearer(new)) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func badBodiesAreRefused(engine: StoreEngine) async throws {
        let served = try await Served.make(engine)
        defer { Task { await served.pool.shutdown() } }
        let token = try served.withStore { try $0.issueToken(unit: registry.units[2].id) }
        try await served.app.test(.router) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: WebRequestContext.bodyLimit + 1)
            try await client.execute(uri: "/api/v1/draft", method: .put, headers: bearer(token), body: big) { r in
                #expect(r.status == .contentTooLarge)
                #expect(String(buffer: r.body).contains("KB"))
                expectSecurityHeaders(r)
            }
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: ByteBuffer(string: "{\"answers\": [")
            ) { r in
                let j = try json(r)
                #expect(r.status == .badRequest && j["error"] as? String == "bad-request")
            }
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: ByteBuffer(string: "[1]")
            ) { r in
                #expect(r.status == .badRequest)
            }
            // A value of the wrong kind: saved without it, its problem an issue at its path.
            let s = form.sections[0]
            let wrong = JSON.object([("answers", .object([(s.id, .object([(s.fields[0].id, .array([.bool(true)]))]))]))]
            )
            try await client.execute(uri: "/api/v1/draft", method: .put, headers: bearer(token), body: body(wrong)) {
                r in
                #expect(r.status == .ok)
                let issues = try json(r)["issues"] as! [[String: Any]]
                #expect(issues.contains { $0["path"] as? String == "answers.\(s.id).\(s.fields[0].id)" })
            }
        }
    }

    @Test func theOpenAPIDocumentIsCommittedAndNamesEveryRoute() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let committed = try Data(contentsOf: repositoryFile("docs/openapi.json"))
        #expect(
            [UInt8](committed) == OpenAPIDocument.bytes, "docs/openapi.json differs: write OpenAPIDocument.bytes to it")
        let doc = try JSONSerialization.jsonObject(with: committed) as! [String: Any]
        let paths = doc["paths"] as! [String: [String: Any]]
        #expect(
            Set(paths.flatMap { p, ops in ops.keys.map { "\(p) \($0)" } })
                == Set(OpenAPIDocument.operations.map { "\($0.path) \($0.method)" }))
        let token = try served.withStore { try $0.issueToken(unit: registry.units[3].id) }
        try await served.app.test(.router) { client in
            for op in OpenAPIDocument.operations {
                let method = HTTPRequest.Method(rawValue: op.method.uppercased())!
                try await client.execute(
                    uri: API.prefix + op.path, method: method, headers: bearer(token),
                    body: method == .put ? draftBody(Answers()) : nil
                ) { r in
                    #expect(r.status != .notFound && r.status != .methodNotAllowed, "\(op.method) \(op.path)")
                    expectSecurityHeaders(r)
                }
            }
        }
    }

    @Test func theLogNeverShowsALink() {
        #expect(RequestLogMiddleware.redacted("/u/SECRET/review") == "/u/…/review")
        #expect(RequestLogMiddleware.redacted("/u/SECRET") == "/u/…")
        #expect(RequestLogMiddleware.redacted("/api/v1/draft") == "/api/v1/draft")
    }
}

@Suite struct SeveralServersTests {
    /// Two serve processes' worth of everything (each its own pool of connections) on one store:
    /// what one saves, the other sees; a link rotated through one is refused by the other.
    @Test(arguments: StoreEngine.allCases) func twoServersOnOneStoreAreOne(engine: StoreEngine) async throws {
        let first = try await Served.make(engine)
        let pool = try StorePool(location: first.location, size: 2)
        let second = try await WebCampaign(pool: pool, layouts: first.campaign.layouts)
        defer {
            Task {
                await first.pool.shutdown()
                await pool.shutdown()
            }
        }
        let unitId = registry.units[4].id
        let token = try first.withStore { try $0.issueToken(unit: unitId) }
        #expect(try await second.unit(token: token)?.id == unitId)
        guard
            case .saved(let v1, _) = try await first.campaign.saveDraft(
                unit: unitId, answers: example.answers, explanations: [:], expected: nil, by: "a")
        else {
            Issue.record("not saved")
            return
        }
        #expect(try await second.draft(unit: unitId).answers == example.answers)
        // A save from the other, made from an older version, is refused.
        var changed = example.answers
        changed.sections[form.sections[0].id] = nil
        guard
            case .saved(let v2, _) = try await second.saveDraft(
                unit: unitId, answers: changed, explanations: [:], expected: v1, by: "b")
        else {
            Issue.record("not saved")
            return
        }
        guard
            case .conflict(let current) = try await first.campaign.saveDraft(
                unit: unitId, answers: example.answers, explanations: [:], expected: v1, by: "a")
        else {
            Issue.record("an old version was saved over a newer one")
            return
        }
        #expect(current == v2)
        // The working draft is what a merge from the store counts for a unit without a final.
        let files = try first.withStore { try $0.currentFiles() }
        #expect(files.map(\.unitId) == [unitId] && files[0].isDraft)
        // Rotated through the store: both refuse the old link.
        _ = try first.withStore { try $0.issueToken(unit: unitId) }
        #expect(try await first.campaign.unit(token: token) == nil)
        #expect(try await second.unit(token: token) == nil)
    }
}

@Suite struct CoordinatorAccessTests {
    @Test(arguments: StoreEngine.allCases) func loginSessionsAndThrottling(engine: StoreEngine) async throws {
        let served = try await Served.make(engine)
        defer { Task { await served.pool.shutdown() } }
        let password = try served.withStore { try $0.addCoordinator("Nguyễn Văn A", by: "test") }
        #expect(password.count >= 16)
        // The store keeps a slow hash, never the password.
        let stored = try served.withStore {
            try $0.unsafeCount("SELECT COUNT(*) AS n FROM coordinators WHERE password_hash LIKE 'scrypt$32768$8$3$%'")
        }
        #expect(stored == 1)
        let t0 = Date(timeIntervalSince1970: 2_000_000_000)
        try served.withStore { s in
            guard case .success(let session, let token) = try s.login(name: "Nguyễn Văn A", password: password, now: t0)
            else {
                Issue.record("right password refused")
                return
            }
            #expect(try s.session(token: token, now: t0) == session)
            #expect(
                session.accepts(csrf: session.csrfToken) && !session.accepts(csrf: "x") && !session.accepts(csrf: nil))
            // Another process sees the same session (nothing only in memory).
            let other = try CampaignStore.open(served.location).store
            #expect(try other.session(token: token, now: t0)?.coordinator == "Nguyễn Văn A")
            other.close()
            try s.logout(token: token)
            #expect(try s.session(token: token, now: t0) == nil)
            // Three wrong passwords, then each try waits; the right one too, until the wait is over.
            for k in 0..<3 {
                #expect(
                    try s.login(name: "Nguyễn Văn A", password: "sai", now: t0.addingTimeInterval(Double(k)))
                        == .wrongPassword)
            }
            #expect(
                try s.login(name: "nguyen van a", password: password, now: t0.addingTimeInterval(2))
                    == .throttled(retryAfter: 1))
            guard case .success = try s.login(name: "Nguyễn Văn A", password: password, now: t0.addingTimeInterval(4))
            else {
                Issue.record("the right password after the wait was refused")
                return
            }
            // A name that does not exist is throttled the same way.
            for k in 0..<4 { _ = try s.login(name: "không có", password: "x", now: t0.addingTimeInterval(Double(k))) }
            if case .throttled = try s.login(name: "không có", password: "x", now: t0.addingTimeInterval(4)) {
            } else {
                Issue.record("unknown names are not throttled")
            }
            // Sessions end.
            guard
                case .success(_, let token2) = try s.login(
                    name: "Nguyễn Văn A", password: password, sessionSeconds: 60, now: t0.addingTimeInterval(10))
            else { return }
            #expect(try s.session(token: token2, now: t0.addingTimeInterval(71)) == nil)
        }
    }

    @Test(arguments: StoreEngine.allCases) func theDeskSeesUnitsAndSections(engine: StoreEngine) async throws {
        let served = try await Served.make(engine)
        defer { Task { await served.pool.shutdown() } }
        let a = registry.units[0].id
        let b = registry.units[1].id
        let warnings = Set(
            Validator(form: form).validate(example.answers).filter { $0.severity == .warning }.map(\.key))
        _ = try await served.campaign.saveDraft(
            unit: a, answers: example.answers, explanations: [:], expected: nil, by: "t")
        guard
            case .revision(1) = try await served.campaign.submit(
                unit: a, confirmed: warnings, explanations: nil, by: "t")
        else {
            Issue.record("not submitted")
            return
        }
        var partial = Answers()
        partial.sections[form.sections[0].id] = example.answers.sections[form.sections[0].id]
        _ = try await served.campaign.saveDraft(unit: b, answers: partial, explanations: [:], expected: nil, by: "t")
        let rows = try await served.campaign.matrix()
        #expect(rows.count == registry.units.count)
        let rowA = rows.first { $0.status.unit.id == a }!
        #expect(rowA.cells.count == form.sections.count)
        #expect(rowA.cells.contains { $0.state == "submitted" })
        let rowB = rows.first { $0.status.unit.id == b }!
        #expect(rowB.cells[0].state == "draft" && rowB.cells.dropFirst().contains { $0.state == "missing" })
        #expect(rows.last!.cells.allSatisfy { $0.state == "missing" })
        // Returned with a comment: the unit sees it; accepted after.
        let returned = try await served.campaign.returnUnit(a, comment: "Sửa mục 2", by: "cb")
        #expect(returned.state == .returned)
        #expect(try await served.campaign.status(unit: a).comment == "Sửa mục 2")
        #expect(
            try await served.campaign.matrix().first { $0.status.unit.id == a }!.cells.contains {
                $0.state == "returned"
            })
        let sub = try await served.campaign.submission(unit: a)
        #expect(sub?.submission.answers == example.answers && sub?.isDraft == false)
        // The workbooks, from the store by the commands' code.
        let workbook = try await served.campaign.consolidatedWorkbook()
        #expect(workbook.starts(with: [0x50, 0x4B]))
        let report = try await served.campaign.unitReport(unit: a)
        #expect(report?.starts(with: [0x50, 0x4B]) == true)
        #expect(try await served.campaign.unitReport(unit: registry.units.last!.id) == nil)
        #expect(try await served.campaign.log(unit: a).map(\.action) == ["draft-begun", "revision", "return"])
    }
}
