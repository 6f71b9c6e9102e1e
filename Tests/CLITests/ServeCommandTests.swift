import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `ictreport serve` on a free loopback port, its output read as it comes.
final class ServedStore {
    let db: String
    var server: LiveProcess
    var port: Int

    init(db: String, port: Int = 0) throws {
        self.db = db
        (server, self.port) = try Self.start(db: db, port: port)
    }

    static func start(db: String, port: Int) throws -> (LiveProcess, Int) {
        let server = try LiveProcess(binary, ["serve", "--db", db, "--port", String(port)])
        guard server.waitFor("Đang phục vụ"), server.waitFor("/\n"),
            let match = server.buffer.text.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\//), let port = Int(match.1)
        else {
            server.process.terminate()
            throw ServeFailed(output: server.buffer.text)
        }
        return (server, port)
    }

    struct ServeFailed: Error { var output: String }

    var url: String { "http://127.0.0.1:\(port)" }

    /// SIGTERM: it finishes and exits 0.
    func stop() -> Int32 {
        server.process.terminate()
        server.process.waitUntilExit()
        return server.process.terminationStatus
    }

    func restart() throws { (server, _) = try Self.start(db: db, port: port) }

    /// One request to the API; (status, JSON object).
    func request(_ method: String, _ path: String, token: String, body: Data? = nil) throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = body
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Int, [String: Any]) = (0, [:])
        URLSession.shared.dataTask(with: request) { data, response, _ in
            let json = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
            answer = ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
            done.signal()
        }.resume()
        done.wait()
        return answer
    }
}

/// A new store with the bundled campaign, and the link of each unit (`campaign links`).
func campaignWithLinks(_ engine: StoreEngine) throws -> (db: String, links: [String: String]) {
    let db = try engine.newStore(in: temporaryDirectory("serve"))
    let initialized = try ictreport(["campaign", "init", "--db", db, "--by", "test"])
    #expect(initialized.status == 0, "\(initialized.stderr)")
    let r = try ictreport(["campaign", "links", "--db", db, "--base-url", "https://baocao.example.vn/"])
    #expect(r.status == 0, "\(r.stderr)")
    var links: [String: String] = [:]
    for line in r.stdout.split(separator: "\n") {
        let parts = line.split(separator: "\t").map(String.init)
        links[parts[0]] = parts[1]
    }
    return (db, links)
}

func token(_ link: String) -> String { String(link.split(separator: "/").last!) }

@Suite(.serialized) struct ServeCommandTests {
    @Test(arguments: StoreEngine.allCases) func linksAreMadeOnceAndRotated(engine: StoreEngine) throws {
        let (db, links) = try campaignWithLinks(engine)
        #expect(links.count == registry.units.count)
        #expect(links.values.allSatisfy { $0.hasPrefix("https://baocao.example.vn/u/") && token($0).count == 43 })
        #expect(Set(links.values).count == links.count)
        // Only the hash is kept: a second run cannot show them again.
        let again = try ictreport(["campaign", "links", "--db", db, "--unit", "cuc-shtt"])
        #expect(again.stdout == "cuc-shtt\tđã cấp (dùng --rotate để cấp mới)\n")
        let rotated = try ictreport(["campaign", "links", "--db", db, "--unit", "Cuc So huu tri tue", "--rotate"])
        let newLink = String(rotated.stdout.split(separator: "\t")[1].dropLast())
        #expect(newLink.hasPrefix("http://127.0.0.1:8080/u/") && token(newLink) != token(links["cuc-shtt"]!))
        let server = try ServedStore(db: db)
        #expect(try server.request("GET", "/api/v1/status", token: token(links["cuc-shtt"]!)).0 == 404)
        #expect(try server.request("GET", "/api/v1/status", token: token(newLink)).0 == 200)
        #expect(try server.request("GET", "/api/v1/status", token: token(links["vu-khtc"]!)).0 == 200)
        // One log line per request, the token never in it; SIGTERM stops it cleanly.
        #expect(server.stop() == 0)
        let log = server.server.buffer.text
        #expect(log.components(separatedBy: "GET /api/v1/status").count - 1 == 3)
        #expect(log.contains(" 404 ") && log.contains(" 200 "))
        #expect(!log.contains(token(newLink)))
        #expect(log.hasSuffix("Đã dừng.\n"))
    }

    @Test func aCoordinatorGetsAPasswordShownOnce() throws {
        let (db, _) = try campaignWithLinks(.sqlite)
        let r = try ictreport(["campaign", "coordinator", "add", "Trần Thị B", "--db", db, "--lang", "en"])
        #expect(r.status == 0, "\(r.stderr)")
        let password = try #require(r.stdout.split(separator: " ").last).trimmingCharacters(in: .newlines)
        #expect(password.count == 16)
        let log = try ictreport(["campaign", "log", "--db", db])
        #expect(log.stdout.contains("Trần Thị B") && !log.stdout.contains(password))
    }

    /// The terminal collector online: the form from the server, the draft kept there as it goes
    /// (on this computer while the server is down, sent when it is back), finalized to the server.
    @Test(arguments: StoreEngine.allCases) func theCollectorOnline(engine: StoreEngine) throws {
        let (db, links) = try campaignWithLinks(engine)
        let server = try ServedStore(db: db)
        let unitToken = token(links["cuc-shtt"]!)
        let (dir, args) = folders()
        // The example without two answers: the questions asked are those.
        var text = try String(contentsOf: repositoryFile("Examples/cuc-shtt.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"staff_total\": 420,", with: "")
        let answers = dir.appendingPathComponent("answers.json")
        try text.write(to: answers, atomically: true, encoding: .utf8)
        let collect = try LiveProcess(
            binary,
            ["collect", "--server", server.url, "--token", links["cuc-shtt"]!, "--answers", answers.path] + args)
        #expect(collect.waitFor("Tổng số cán bộ"))
        // The server goes away; the answer is kept on this computer.
        #expect(server.stop() == 0)
        collect.type("420\n")
        #expect(collect.waitFor("Chưa gửi được bản nháp lên máy chủ"))
        let local = try String(contentsOf: dir.appendingPathComponent("drafts/cuc-shtt.json"), encoding: .utf8)
        #expect(local.contains("\"staff_total\": 420"))
        // Back: the review's Enter finalizes; the draft is sent first, then submitted.
        try server.restart()
        collect.type("\n")
        collect.finish()
        #expect(collect.process.terminationStatus == 0, "\(collect.buffer.text)")
        #expect(collect.buffer.text.contains("Đã nộp báo cáo lên máy chủ (lần 1)"), "\(collect.buffer.text)")
        let (status, json) = try server.request("GET", "/api/v1/status", token: unitToken)
        #expect(status == 200 && json["state"] as? String == "submitted" && json["revision"] as? Int == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("drafts/cuc-shtt.json").path))
        #expect(server.stop() == 0)
        // The revision is the one every reader reads: exported from the store.
        let out = dir.appendingPathComponent("bao-cao.xlsx").path
        let export = try ictreport(["export", "--db", db, "--unit", "cuc-shtt", "-o", out])
        #expect(export.status == 0, "\(export.stderr)")
        // A wrong token: said, nothing started.
        let wrong = try ictreport(["collect", "--server", "http://127.0.0.1:9", "--token", "x"] + args)
        #expect(wrong.status == 1 && wrong.stderr.contains("Không kết nối được máy chủ"))
    }
}
