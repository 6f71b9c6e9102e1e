import FormKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Submissions
import TestSupport
import Testing

@testable import WebServer

/// `serve --previous`: the web form starts from last year's report and checks this year's
/// answers against last year's plan, as `collect --previous` does.
@Suite struct CarryForwardWebTests {
    @Test(arguments: StoreEngine.allCases) func aUnitStartsFromLastYearAndAccountsForItsPlan(engine: StoreEngine)
        async throws
    {
        // Last year's report of the unit: the bundled example (same form; ids stay across years).
        let served = try await Served.make(engine, previous: [example.unitId: example.answers])
        defer { Task { await served.pool.shutdown() } }
        let token = try served.withStore { try $0.issueToken(unit: example.unitId) }
        let planned = (example.answers["next_plan", "tasks"]?.rows ?? []).compactMap { $0["name"]?.text }
        #expect(!planned.isEmpty)
        let app = Application(router: WebApp.router(campaign: served.campaign, pages: WebPages.register))
        try await app.test(.router) { client in
            // Nothing yet this year: the answers that rarely change, and last year's plan as rows.
            try await client.execute(uri: "/api/v1/draft", method: .get, headers: bearer(token)) { r in
                #expect(r.status == .ok)
                let j = try json(r)
                #expect(j["source"] as? String == "last-year" && j["version"] as? Int == 0)
                let answers = j["answers"] as! [String: Any]
                let general = answers["general"] as? [String: Any]
                #expect(general?["agency_name"] as? String == example.answers["general", "agency_name"]?.text)
                let rows = (answers["plan_results"] as? [String: Any])?["tasks"] as? [[String: Any]] ?? []
                #expect(rows.compactMap { $0["name"] as? String } == planned)
                #expect(rows.allSatisfy { $0["completion_pct"] == nil })
            }
            // The unit's page says where the answers come from.
            try await client.execute(uri: "/u/\(token)", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("điền sẵn từ báo cáo năm trước"))
            }
            // A task of last year's plan dropped: a warning to explain, and submitting waits for it.
            var answers = YearOverYear(form: form, last: example.answers).filling(Answers()).answers
            var rows = answers["plan_results", "tasks"]?.rows ?? []
            rows.removeFirst()
            answers["plan_results", "tasks"] = .rows(rows)
            try await client.execute(
                uri: "/api/v1/draft", method: .put, headers: bearer(token), body: draftBody(answers)
            ) { r in
                #expect(r.status == .ok)
                let issues = try json(r)["issues"] as! [[String: Any]]
                let dropped = issues.filter { ($0["rule"] as? String)?.hasPrefix("dropped_task:") == true }
                #expect(dropped.count == 1)
                #expect(dropped.first?["severity"] as? String == "warning")
                #expect(((dropped.first?["message"] as? [String: String])?["vi"] ?? "").contains(planned[0]))
            }
            try await client.execute(uri: "/api/v1/submit", method: .post, headers: bearer(token)) { r in
                #expect(r.status == .unprocessableContent)
                let issues = try json(r)["issues"] as! [[String: Any]]
                #expect(issues.contains { ($0["rule"] as? String)?.hasPrefix("dropped_task:") == true })
            }
        }
    }
}
