import ArgumentParser
import Collector
import Dispatch
import FormKit
import Foundation
import Submissions

/// `--server URL --token T`: the collector online.
struct OnlineOptions: ParsableArguments {
    @Option(
        help:
            "Máy chủ của đợt báo cáo (ictreport serve): biểu mẫu lấy từ đó, bản nháp và bản chính thức gửi lên đó. (The campaign server.)"
    )
    var server: String?
    @Option(help: "Mã truy cập của đơn vị (phần cuối đường dẫn riêng …/u/MÃ). (The unit's token.)")
    var token: String?
}

extension CollectCommand {
    /// The same session, its form from the server and its draft kept there as it goes (and in
    /// the local draft file, so a network that is down loses nothing: the next save that reaches
    /// the server carries every answer); finalizing submits to the server.
    func runOnline() throws {
        let lang = common.lang
        guard let server = online.server, let url = URL(string: server), url.scheme == "http" || url.scheme == "https"
        else {
            printError(
                L("--server phải là địa chỉ http:// hoặc https://", "--server must be an http:// or https:// address")
                    .text(lang))
            throw ExitCode(64)
        }
        // A token in the link form is taken as it is pasted: …/u/TOKEN.
        guard var token = online.token?.trimmingCharacters(in: .whitespaces), !token.isEmpty else {
            printError(
                L(
                    "--server cần --token MÃ (phần cuối đường dẫn riêng của đơn vị)",
                    "--server needs --token TOKEN (the end of the unit's private link)"
                ).text(lang))
            throw ExitCode(64)
        }
        if let range = token.range(of: "/u/") { token = String(token[range.upperBound...]) }
        if noInput || edit != nil || unit != nil || formFile.form != nil || unitList.units != nil {
            printError(
                L(
                    "Với --server, biểu mẫu, đơn vị và bản đang làm đều lấy từ máy chủ: không dùng --unit, --form, --units, --edit hay --no-input.",
                    "With --server the form, the unit and the work in progress come from the server: no --unit, --form, --units, --edit or --no-input."
                ).text(lang))
            throw ExitCode(64)
        }
        let client = ServerClient(server: url, token: token)
        let formAnswer: ServerClient.Answer
        switch client.request("GET", "form") {
        case .failure(let problem):
            printError(
                (L("Không kết nối được máy chủ \(server): ", "Cannot reach the server \(server): ") + problem.message)
                    .text(lang))
            throw ExitCode(1)
        case .success(let answer):
            guard answer.status == 200 else {
                printError(ServerClient.message(answer).text(lang))
                throw ExitCode(1)
            }
            formAnswer = answer
        }
        let formInfo = formAnswer.json["form"] as? [String: Any] ?? [:]
        let unitInfo = formAnswer.json["unit"] as? [String: Any] ?? [:]
        guard let text = formInfo["text"] as? String, let form = FormLoader.lint(text, file: "server.yaml").form,
            let unitId = unitInfo["id"] as? String, let unitName = unitInfo["name"] as? String
        else {
            printError(
                L(
                    "Máy chủ trả về biểu mẫu mà phiên bản này của ictreport không đọc được; hãy cập nhật ictreport.",
                    "The server's form cannot be read by this version of ictreport; update ictreport."
                ).text(lang))
            throw ExitCode(1)
        }
        let unit = ReportingUnit(id: unitId, name: unitName, shortName: unitName)
        var options = CollectorSession.Options(
            draftURL: URL(fileURLWithPath: drafts).appendingPathComponent("\(unit.id).json"),
            outputDirectory: URL(fileURLWithPath: out))
        options.language = lang
        options.palette = Palette(color)
        options.sink = ServerSink(client)
        // --answers: only the questions they leave missing or invalid are asked.
        if let answers {
            let prefill = try loadSubmission(answers, form, lang)
            if !prefill.unitId.isEmpty, prefill.unitId != unit.id {
                printError(
                    L(
                        "\(answers) là câu trả lời của đơn vị \(prefill.unitId), không phải \(unit.name).",
                        "\(answers) holds the answers of unit \(prefill.unitId), not \(unit.name)."
                    ).text(lang))
                throw ExitCode(1)
            }
            options.prefill = prefill.answers
        }
        options.resumeCommand =
            (["ictreport", "collect", "--server", server, "--token", "…"]
            + (drafts != "drafts" ? ["--drafts", drafts] : []) + (lang == .en ? ["--lang", "en"] : []))
            .map { $0 == "…" ? $0 : Self.shellWord($0) }.joined(separator: " ")
        let lock: UnitLock
        do {
            lock = try UnitLock.acquire([options.draftURL.path])
        } catch {
            printError(error.message.text(lang))
            throw ExitCode(CollectorOutcome.busy.exitCode)
        }
        defer { lock.release() }
        // No local draft: the server's work in progress (its draft, or the revision sent back)
        // becomes the local draft, which the session offers to resume.
        if !FileManager.default.fileExists(atPath: options.draftURL.path),
            case .success(let answer) = client.request("GET", "draft"), answer.status == 200,
            answer.json["source"] as? String != "empty",
            let bytes = try? JSONSerialization.data(withJSONObject: answer.json)
        {
            let loaded = SubmissionLoader.load(bytes: [UInt8](bytes), file: "server", form: form, yaml: false)
            if var s = loaded.submission {
                s = Submission(
                    form: form, unitId: unit.id, unitName: unit.name, status: .draft, answers: s.answers,
                    explanations: (answer.json["explanations"] as? [String: String]) ?? [:])
                try? FileManager.default.createDirectory(
                    at: options.draftURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? s.save(to: options.draftURL)
            }
        }
        let session = CollectorSession(
            form: form, unit: unit, terminal: LineEditingTerminal.make(), options: options)
        try runAtTheTerminal(session)
    }
}
