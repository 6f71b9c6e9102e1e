import CampaignStore
import FormKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Submissions
import TestSupport
import Testing

@testable import WebServer

/// The pages through the router, in process (HummingbirdTesting): the unit's pages as a browser
/// without JavaScript uses them (plain form posts), the page script's autosave, the review and
/// finalize, the coordinators' desk with its login, CSRF tokens, return and accept, downloads.
@Suite struct PagesRouteTests {
    static let attack = "<script>alert(1)</script>"
    static let attack2 = "\"><img src=x onerror=alert(1)>"

    func app(_ served: Served) -> some ApplicationProtocol {
        Application(router: WebApp.router(campaign: served.campaign, pages: WebPages.register))
    }

    func text(_ r: TestResponse) -> String { String(buffer: r.body) }

    func form(_ pairs: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = pairs.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return ByteBuffer(string: body)
    }

    let posted: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// `name=value` of the Set-Cookie headers of an answer.
    func cookies(_ r: TestResponse) -> [String: String] {
        var out: [String: String] = [:]
        for c in r.headers[values: .setCookie] {
            let pair = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            out[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return out
    }

    @Test func aUnitFillsASectionWithoutJavaScript() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let unit = registry.units[0]
        let token = try served.withStore { try $0.issueToken(unit: unit.id) }
        try await app(served).test(.router) { client in
            try await client.execute(uri: "/u/\(token)", method: .get) { r in
                #expect(r.status == .ok)
                expectSecurityHeaders(r)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                #expect(text(r).contains(escapeHTML(unit.name)))
                #expect(text(r).contains("<script src=\"/static/") == false)
            }
            // A wrong or made-up token: the 404 of any unknown page. (The wrong one differs in its
            // first letter for sure: "x" + the rest was the token itself when it began with "x".)
            let wrongFirst = token.first == "x" ? "y" : "x"
            for wrong in [wrongFirst + token.dropFirst(), "nope"] {
                try await client.execute(uri: "/u/\(wrong)", method: .get) { r in
                    #expect(r.status == .notFound)
                    #expect(text(r) == WebCampaign.notFoundBody)
                }
                try await client.execute(uri: "/u/\(wrong)/s/general", method: .post, body: form([])) { r in
                    #expect(r.status == .notFound)
                }
            }
            try await client.execute(uri: "/u/\(token)/s/nosuch", method: .get) { r in #expect(r.status == .notFound) }
            // A post with an answer that cannot be read: 422, what was typed shown back, escaped.
            try await client.execute(
                uri: "/u/\(token)/s/general", method: .post, headers: posted,
                body: form([("a.agency_name", Self.attack), ("a.staff_total", Self.attack2), ("action", "save")])
            ) { r in
                #expect(r.status == .unprocessableContent)
                let html = text(r)
                #expect(!html.contains(Self.attack) && !html.contains(Self.attack2))
                #expect(html.contains(escapeHTML(Self.attack)) && html.contains(escapeHTML(Self.attack2)))
                #expect(html.contains("không phải là số"))
                #expect(html.contains("<script src=\"/static/form.js\" defer></script>"))
            }
            // What could be read was saved.
            let draft = try await served.campaign.draft(unit: unit.id)
            #expect(draft.answers["general", "agency_name"] == .text(Self.attack))
            #expect(draft.answers["general", "staff_total"] == nil)
            // A good post: saved, and 303 back to the section (or on to the next one).
            try await client.execute(
                uri: "/u/\(token)/s/general", method: .post, headers: posted,
                body: form([("a.agency_name", "Cục Sở hữu trí tuệ"), ("a.staff_total", "1.234"), ("action", "save")])
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/u/\(token)/s/general?saved=1")
            }
            #expect(try await served.campaign.draft(unit: unit.id).answers["general", "staff_total"] == .number(1234))
            try await client.execute(
                uri: "/u/\(token)/s/general", method: .post, headers: posted,
                body: form([("a.agency_name", "Cục Sở hữu trí tuệ"), ("a.staff_total", "1234"), ("action", "next")])
            ) { r in
                #expect(r.headers[.location] == "/u/\(token)/s/\(TestSupport.form.sections[1].id)")
            }
            try await client.execute(uri: "/u/\(token)/s/general?saved=1", method: .get) { r in
                #expect(text(r).contains("Đã lưu bản nháp."))
                #expect(text(r).contains("value=\"1234\""))
            }
        }
    }

    @Test func tableRowsAreAddedAndDeletedWithoutJavaScript() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let unit = registry.units[1]
        let token = try served.withStore { try $0.issueToken(unit: unit.id) }
        try await app(served).test(.router) { client in
            try await client.execute(
                uri: "/u/\(token)/s/websites", method: .post, headers: posted, body: form([("action", "add:portals")])
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/u/\(token)/s/websites?add=portals#r-portals-1")
            }
            try await client.execute(uri: "/u/\(token)/s/websites?add=portals", method: .get) { r in
                #expect(text(r).contains("id=\"r-portals-1\""))
                #expect(text(r).contains("name=\"a.portals.1.unit_name\""))
            }
            try await client.execute(
                uri: "/u/\(token)/s/websites", method: .post, headers: posted,
                body: form([
                    ("row.portals", "1"), ("a.portals.1.unit_name", "Một"), ("row.portals", "2"),
                    ("a.portals.2.unit_name", "Hai"), ("action", "save")
                ])
            ) { r in #expect(r.status == .seeOther) }
            #expect(try await served.campaign.draft(unit: unit.id).answers["websites", "portals"]?.rows?.count == 2)
            try await client.execute(
                uri: "/u/\(token)/s/websites", method: .post, headers: posted,
                body: form([
                    ("row.portals", "1"), ("a.portals.1.unit_name", "Một"), ("row.portals", "2"),
                    ("a.portals.2.unit_name", "Hai"), ("action", "delete:portals:1")
                ])
            ) { r in #expect(r.status == .seeOther) }
            let rows = try await served.campaign.draft(unit: unit.id).answers["websites", "portals"]?.rows
            #expect(rows?.map { $0["unit_name"] } == [.text("Hai")])
        }
    }

    @Test func theScriptsAutosaveAnswersWithTheProblemsAndWhereTheyGo() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let unit = registry.units[2]
        let token = try served.withStore { try $0.issueToken(unit: unit.id) }
        try await app(served).test(.router) { client in
            try await client.execute(
                uri: "/u/\(token)/s/general", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"],
                body: form([("a.staff_total", "mười"), ("a.subunit_count", "-2"), ("action", "autosave")])
            ) { r in
                #expect(r.status == .ok)
                let j = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as! [String: Any]
                let issues = j["issues"] as! [[String: String]]
                let rejected = j["rejected"] as! [[String: String]]
                #expect(rejected.map { $0["target"] } == ["e-staff_total"])
                #expect(issues.contains { $0["target"] == "e-subunit_count" && $0["severity"] == "error" })
                #expect(issues.contains { $0["target"] == "e-agency_name" })
                #expect((j["counts"] as? String)?.hasPrefix("Mục này:") == true)
            }
            // The skip logic: a question not asked is listed to hide.
            let (section, field) = TestSupport.form.sections.lazy.compactMap { s in
                s.fields.first { $0.relevant != nil && $0.type != .table }.map { (s, $0) }
            }.first!
            try await client.execute(
                uri: "/u/\(token)/s/\(section.id)", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"],
                body: form([("action", "autosave")])
            ) { r in
                let j = try JSONSerialization.jsonObject(with: Data(r.body.readableBytesView)) as! [String: Any]
                #expect((j["hidden"] as! [String]).contains("q-\(field.id)"))
            }
        }
    }

    @Test func reviewFinalizeReturnResubmitAccept() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let unit = registry.units[0]
        let token = try served.withStore { try $0.issueToken(unit: unit.id) }
        let password = try served.withStore { try $0.addCoordinator("an", by: "test") }
        // A whole report with one warning: one staff member more than the breakdown.
        var withWarning = example.answers
        let permanent = withWarning["general", "staff_permanent"]!.number!
        let contract = withWarning["general", "staff_contract"]!.number!
        withWarning["general", "staff_total"] = .number(permanent + contract + 1)
        let answers = withWarning
        _ = try await served.campaign.saveDraft(
            unit: unit.id, answers: answers, explanations: [:], expected: nil, by: "test")
        let warning = Validator(form: TestSupport.form).validate(answers).first { $0.severity == .warning }!
        try await app(served).test(.router) { client in
            try await client.execute(uri: "/u/\(token)/review", method: .get) { r in
                #expect(text(r).contains("name=\"confirm\" value=\"\(escapeHTML(warning.key))\""))
            }
            // Not confirmed: refused, the warning marked; the explanation kept.
            try await client.execute(
                uri: "/u/\(token)/finalize", method: .post, headers: posted,
                body: form([("explain.\(warning.key)", Self.attack)])
            ) { r in
                #expect(r.status == .unprocessableContent)
                #expect(text(r).contains("warning-item unconfirmed"))
                #expect(text(r).contains(escapeHTML(Self.attack)) && !text(r).contains(Self.attack))
            }
            #expect(try await served.campaign.draft(unit: unit.id).explanations[warning.key] == Self.attack)
            try await client.execute(
                uri: "/u/\(token)/finalize", method: .post, headers: posted,
                body: form([("confirm", warning.key), ("explain.\(warning.key)", "Biệt phái")])
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/u/\(token)/print?sent=1")
            }
            try await client.execute(uri: "/u/\(token)/print?sent=1", method: .get) { r in
                #expect(text(r).contains("lần nộp 1"))
                #expect(text(r).contains("Biệt phái"))
                #expect(text(r).contains("/report.xlsx"))
            }
            try await client.execute(uri: "/u/\(token)/report.xlsx", method: .get) { r in
                #expect(r.status == .ok)
                #expect(Array(r.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }

            // The desk: the login page and its token, then a session.
            try await client.execute(uri: "/desk", method: .get) { r in
                #expect(r.status == .seeOther && r.headers[.location] == "/desk/login")
            }
            var loginToken = ""
            try await client.execute(uri: "/desk/login", method: .get) { r in
                loginToken = cookies(r)[DeskRoutes.loginCookie] ?? ""
                #expect(text(r).contains("name=\"csrf\" value=\"\(loginToken)\""))
                #expect(r.headers[values: .setCookie].allSatisfy { $0.contains("SameSite") })
            }
            let loginCookie: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "\(DeskRoutes.loginCookie)=\(loginToken)"
            ]
            try await client.execute(
                uri: "/desk/login", method: .post, headers: posted, body: form([("name", "an"), ("password", password)])
            ) { r in #expect(r.status == .forbidden) }
            try await client.execute(
                uri: "/desk/login", method: .post, headers: loginCookie,
                body: form([("name", "an"), ("password", "sai"), ("csrf", loginToken)])
            ) { r in #expect(r.status == .unauthorized) }
            var session = ""
            try await client.execute(
                uri: "/desk/login", method: .post, headers: loginCookie,
                body: form([("name", "an"), ("password", password), ("csrf", loginToken)])
            ) { r in
                #expect(r.status == .seeOther)
                session = cookies(r)[WebCampaign.sessionCookie] ?? ""
                let set = r.headers[values: .setCookie].first { $0.hasPrefix(WebCampaign.sessionCookie) } ?? ""
                #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict"))
            }
            let signedIn: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "\(WebCampaign.sessionCookie)=\(session)"
            ]
            var csrf = ""
            try await client.execute(uri: "/desk", method: .get, headers: signedIn) { r in
                #expect(r.status == .ok)
                #expect(text(r).contains("/desk/units/\(unit.id)"))
                csrf = text(r).firstMatch(of: /name="csrf" value="([0-9a-zA-Z_-]+)"/).map { String($0.1) } ?? ""
            }
            try await client.execute(uri: "/desk/units/\(unit.id)", method: .get, headers: signedIn) { r in
                #expect(text(r).contains("Biệt phái"))
            }
            // Without the session's token, or with another: refused, nothing changes.
            for bad in [[], [("csrf", "x")]] {
                try await client.execute(
                    uri: "/desk/units/\(unit.id)/return", method: .post, headers: signedIn,
                    body: form(bad + [("comment", "x")])
                ) { r in #expect(r.status == .forbidden) }
            }
            #expect(try await served.campaign.status(unit: unit.id).state == .submitted)
            try await client.execute(
                uri: "/desk/units/\(unit.id)/return", method: .post, headers: signedIn,
                body: form([("csrf", csrf), ("comment", Self.attack2)])
            ) { r in
                #expect(r.status == .seeOther)
            }
            // The unit sees the comment, as text.
            try await client.execute(uri: "/u/\(token)", method: .get) { r in
                #expect(text(r).contains(escapeHTML(Self.attack2)) && !text(r).contains(Self.attack2))
            }
            var corrected = answers
            corrected["general", "staff_total"] = .number(permanent + contract)
            _ = try await served.campaign.saveDraft(
                unit: unit.id, answers: corrected, explanations: [:], expected: nil, by: "test")
            try await client.execute(uri: "/u/\(token)/finalize", method: .post, headers: posted, body: form([])) { r in
                #expect(r.headers[.location] == "/u/\(token)/print?sent=2")
            }
            try await client.execute(
                uri: "/desk/units/\(unit.id)/accept", method: .post, headers: signedIn, body: form([("csrf", csrf)])
            ) { r in #expect(r.status == .seeOther) }
            #expect(try await served.campaign.status(unit: unit.id).state == .accepted)
            try await client.execute(uri: "/desk/consolidated.xlsx", method: .get, headers: signedIn) { r in
                #expect(r.status == .ok)
                #expect(Array(r.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            }
            try await client.execute(uri: "/desk/log", method: .get, headers: signedIn) { r in
                #expect(text(r).contains("accept"))
            }
            try await client.execute(uri: "/desk/consolidated.xlsx", method: .get) { r in
                #expect(r.status == .seeOther)
            }
        }
    }

    @Test func englishOnASwitchRemembered() async throws {
        let served = try await Served.make(.sqlite)
        defer { Task { await served.pool.shutdown() } }
        let token = try served.withStore { try $0.issueToken(unit: registry.units[0].id) }
        try await app(served).test(.router) { client in
            try await client.execute(uri: "/u/\(token)/s/general?lang=en", method: .get) { r in
                #expect(text(r).contains("<html lang=\"en\">"))
                #expect(text(r).contains("General information"))
                #expect(cookies(r)["lang"] == "en")
            }
            try await client.execute(uri: "/u/\(token)/s/general", method: .get, headers: [.cookie: "lang=en"]) { r in
                #expect(text(r).contains("<html lang=\"en\">"))
            }
            try await client.execute(uri: "/u/\(token)/s/general", method: .get) { r in
                #expect(text(r).contains("<html lang=\"vi\">"))
            }
            try await client.execute(uri: "/static/form.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/javascript") == true)
                expectSecurityHeaders(r)
            }
        }
    }
}
