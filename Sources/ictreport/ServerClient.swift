import Collector
import FormKit
import Foundation
import Submissions

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The campaign server's JSON API as the online collector uses it (`collect --server URL
/// --token T`): the form, the draft, submitting. Synchronous, with a short timeout: the session
/// waits for each save, and goes on locally when the server cannot be reached.
final class ServerClient: @unchecked Sendable {
    let base: URL
    let token: String
    let session: URLSession

    init(server: URL, token: String, timeout: TimeInterval = 10) {
        base = server
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// What went wrong on the way, said to a person.
    struct Problem: Error {
        var message: LocalizedText
    }

    struct Answer {
        var status: Int
        var json: [String: Any]
    }

    /// One request; nil body for none. A network failure is `.failure` with its words.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil) -> Result<Answer, Problem> {
        var request = URLRequest(url: base.appendingPathComponent("api/v1").appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Answer, Problem> = .failure(
            Problem(message: L("không có trả lời", "no answer")))
        session.dataTask(with: request) { data, response, error in
            if let error {
                result = .failure(
                    Problem(
                        message: L(
                            "lỗi mạng: \(error.localizedDescription)", "network error: \(error.localizedDescription)")))
            } else if let http = response as? HTTPURLResponse {
                let json = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
                result = .success(Answer(status: http.statusCode, json: json))
            }
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    /// The server's message of a refusal (`message.vi` / `message.en`), or its status.
    static func message(_ answer: Answer) -> LocalizedText {
        if let m = answer.json["message"] as? [String: String], let vi = m["vi"], let en = m["en"] {
            return LocalizedText(vi, en: en)
        }
        if answer.status == 404 {
            return L(
                "máy chủ không nhận mã truy cập này (sai, hoặc đã được cấp lại)",
                "the server does not know this token (wrong, or replaced by a new one)")
        }
        return L("máy chủ trả lời mã \(answer.status)", "the server answered status \(answer.status)")
    }

    static func answersBody(_ s: Submission) -> [UInt8] {
        JSON.object([
            ("answers", JSON(s.answers)),
            ("explanations", .object(s.explanations.keys.sorted().map { ($0, .string(s.explanations[$0]!)) }))
        ]).bytes()
    }
}

/// The server as the collector's sink: each saved draft is put there, the final submitted.
final class ServerSink: SubmissionSink {
    let client: ServerClient
    init(_ client: ServerClient) { self.client = client }

    func send(draft: Submission) -> LocalizedText? {
        switch client.request("PUT", "draft", body: ServerClient.answersBody(draft)) {
        case .failure(let problem): return problem.message
        case .success(let answer): return answer.status == 200 ? nil : ServerClient.message(answer)
        }
    }

    func submit(final: Submission, confirmed: Set<String>) -> SinkSubmission {
        let body = JSON.object([
            ("confirm", .array(confirmed.sorted().map { .string($0) })),
            ("explanations", .object(final.explanations.keys.sorted().map { ($0, .string(final.explanations[$0]!)) }))
        ]).bytes()
        switch client.request("POST", "submit", body: body) {
        case .failure(let problem): return .refused(problem.message)
        case .success(let answer):
            guard answer.status == 201, let revision = answer.json["revision"] as? Int else {
                var why = ServerClient.message(answer)
                if let issues = answer.json["issues"] as? [[String: Any]] {
                    for issue in issues where issue["severity"] as? String == "error" {
                        let place = (issue["place"] as? [String: String]) ?? [:]
                        let message = (issue["message"] as? [String: String]) ?? [:]
                        why =
                            why
                            + LocalizedText(
                                "\n  ✗ \(place["vi"] ?? ""): \(message["vi"] ?? "")",
                                en: "\n  ✗ \(place["en"] ?? ""): \(message["en"] ?? "")")
                    }
                }
                return .refused(why)
            }
            return .stored(revision: revision, location: client.base)
        }
    }
}
