import Foundation
import TestSupport
import Testing

/// Output collected from a running process, safe to read while it grows.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ d: Data) {
        lock.lock()
        data.append(d)
        lock.unlock()
    }
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A process run with its output read as it comes, to answer it prompt by prompt.
final class LiveProcess {
    let process = Process()
    let input = Pipe(), output = Pipe()
    let buffer = OutputBuffer()
    private let done = DispatchSemaphore(value: 0)

    init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        // A thread of its own reads until the end (a readabilityHandler races with the pipe's
        // end on Linux).
        let reader = output.fileHandleForReading
        let buffer = buffer
        let done = done
        Thread.detachNewThread {
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
            done.signal()
        }
        try process.run()
    }

    /// Waits up to 20 s for `text` in the output.
    func waitFor(_ text: String) -> Bool {
        for _ in 0..<200 {
            if buffer.text.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func type(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    /// Waits up to 20 s for the end (then stops it), and for the last of its output.
    func finish() {
        for _ in 0..<200 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? output.fileHandleForWriting.close()
        _ = done.wait(timeout: .now() + 10)
    }
}

/// A scratch folder and the collect options that put drafts and submissions in it.
func folders() -> (dir: URL, args: [String]) {
    let dir = temporaryDirectory("cli")
    return (
        dir,
        [
            "--out", dir.appendingPathComponent("submissions").path, "--drafts",
            dir.appendingPathComponent("drafts").path
        ]
    )
}

@Suite struct CollectCommandTests {

    /// The resume hint is the command that resumes this draft: run literally, it must not
    /// start a blank report in the default folders.
    @Test func theResumeHintKeepsTheOptionsThatSayWhereThingsAre() throws {
        let (dir, args) = folders()
        let r = try ictreport(["collect", "--unit", "cuc-shtt"] + args, input: "Cục Sở hữu trí tuệ\n:save\n")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let drafts = dir.appendingPathComponent("drafts").path
        let out = dir.appendingPathComponent("submissions").path
        #expect(
            r.stdout.contains(
                "Để làm tiếp, chạy lại: ictreport collect --unit cuc-shtt --drafts \(drafts) --out \(out)\n"),
            "\(r.stdout)")
        // Run as printed, it resumes that draft.
        let again = try ictreport(
            ["collect", "--unit", "cuc-shtt", "--drafts", drafts, "--out", out], input: "c\n:save\n")
        #expect(again.stdout.contains("Đã có bản nháp"), "\(again.stdout)")
        // The first session ended cleanly: nothing was "taken over" from it.
        #expect(!again.stderr.contains("chưa đóng"), "\(again.stderr)")
    }

    /// --edit FILE needs no --unit (the file names its unit); without either, a Vietnamese
    /// message says what to give. ArgumentParser's own errors are Vietnamese too.
    @Test func editNeedsNoUnitAndUsageErrorsAreVietnamese() throws {
        let (dir, args) = folders()
        let made = try ictreport(
            ["collect", "--unit", "cuc-shtt", "--answers", "Examples/cuc-shtt.json", "--no-input"] + args)
        #expect(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        let final = dir.appendingPathComponent("submissions/cuc-shtt.json").path
        let edited = try ictreport(["collect", "--edit", final] + args, input: ":review\nxong\n")
        #expect(edited.status == 0, "\(edited.stdout)\n\(edited.stderr)")
        #expect(edited.stdout.contains("(lần 2)"), "\(edited.stdout)")
        let none = try ictreport(["collect"] + args)
        #expect(none.status == 64)
        #expect(none.stderr.contains("Hãy cho biết đơn vị: --unit MÃ"))
        let typo = try ictreport(["collect", "--unitt", "x"])
        #expect(typo.stderr.contains("Lỗi: không có tùy chọn '--unitt'. Có phải '--unit'?"), "\(typo.stderr)")
        #expect(typo.stderr.contains("Cách dùng: ictreport collect"))
        let english = try ictreport(["collect", "--unitt", "x", "--lang", "en"])
        #expect(english.stderr.contains("Error: Unknown option '--unitt'"))
        let help = try ictreport(["collect", "--help"])
        #expect(help.stdout.contains("CÁCH DÙNG: ictreport collect") && help.stdout.contains("TÙY CHỌN:"))
    }

    /// At the unit choice, the commands of the other prompts mean nothing: said, and asked
    /// again; the end of input ends it without a session.
    @Test func commandsAtTheUnitChoiceAreAnsweredNotObeyed() throws {
        let (_, args) = folders()
        let r = try ictreport(["collect", "--unit", "vu"] + args, input: "<\n:review\n:save\n?\n1\n:save\n")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "Hãy gõ một số từ 1 đến").count - 1 == 4, "\(r.stdout)")
        #expect(r.stdout.contains("Đã lưu bản nháp"))
        let ended = try ictreport(["collect", "--unit", "vu"] + args, input: "")
        #expect(ended.status == 1)
    }

    @Test func throughAPipeWithPrefilledAnswers() throws {
        let (dir, args) = folders()
        // The example without its total staff: only that is asked, then Enter at the review finalizes.
        var text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"staff_total\": 420,", with: "")
        let answers = dir.appendingPathComponent("answers.json")
        try text.write(to: answers, atomically: true, encoding: .utf8)
        let r = try ictreport(
            ["collect", "--unit", "Cuc So huu tri tue", "--answers", answers.path] + args, input: "420\n\n")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("7. Tổng số cán bộ, công chức, viên chức của toàn đơn vị *"))
        #expect(r.stdout.contains("› 420\n"))  // what was read is echoed off a terminal
        #expect(!r.stdout.contains("\u{1B}["))  // no colour, no cursor tricks
        let saved = try String(contentsOf: dir.appendingPathComponent("submissions/cuc-shtt.json"), encoding: .utf8)
        #expect(saved.contains("\"status\": \"final\""))
        #expect(saved.contains("\"staff_total\": 420"))
    }

    @Test func endOfInputThroughAPipeSavesTheDraft() throws {
        let (dir, args) = folders()
        let r = try ictreport(["collect", "--unit", "vkist"] + args, input: "Viện KH&CN Việt Nam - Hàn Quốc\nHòa Lạc\n")
        #expect(r.status == 3)
        #expect(
            r.stdout.contains(
                "Hết dữ liệu nhập. Đã lưu bản nháp: \(dir.appendingPathComponent("drafts/vkist.json").path)"))
        #expect(r.stdout.contains("Để làm tiếp, chạy lại: ictreport collect --unit vkist"))
        let draft = try String(contentsOf: dir.appendingPathComponent("drafts/vkist.json"), encoding: .utf8)
        #expect(draft.contains("\"address\": \"Hòa Lạc\""))
    }

    @Test func noInputListsEveryProblem() throws {
        let (_, args) = folders()
        let r = try ictreport(
            [
                "collect", "--unit", "boa", "--no-input", "--answers",
                "Tests/Fixtures/submissions/answers-vietnamese.yaml", "--lang", "en"
            ] + args)
        #expect(r.status == 1)
        #expect(r.stdout.contains("answers are missing or invalid:"))
        #expect(r.stdout.contains("Section 2 › 1. Name of the person reporting: required answer missing"))
    }

    @Test func unknownUnitSuggestsTheClosest() throws {
        let (_, args) = folders()
        let r = try ictreport(["collect", "--unit", "vien nang luong hat nhan"] + args)
        #expect(r.status == 1)
        #expect(r.stderr.contains("Không tìm thấy đơn vị 'vien nang luong hat nhan'."))
        #expect(r.stderr.contains("Có phải: Viện Năng lượng nguyên tử Việt Nam (--unit vien-nlnt)"))
    }

    /// A real pseudo-terminal (util-linux `script`): answers typed, then Ctrl-C.
    @Test func inAPseudoTerminalCtrlCSavesAndExits() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("util-linux 'script' is needed for the pseudo-terminal test")
            return
        }
        let (dir, args) = folders()
        let command = ([binary.path, "collect", "--unit", "cuc-shtt", "--color", "never"] + args).map { "'\($0)'" }
            .joined(separator: " ")
        let session = try LiveProcess(URL(fileURLWithPath: "/usr/bin/script"), ["-qefc", command, "/dev/null"])
        #expect(session.waitFor("1. Tên cơ quan báo cáo"))
        session.type("Cục Sở hữu trí tuệ\r")
        #expect(session.waitFor("2. Địa chỉ"))
        session.type("384-386 Nguyễn Trãi\r")
        #expect(session.waitFor("3. Điện thoại"))
        session.type("\u{03}")  // Ctrl-C
        session.finish()
        let (p, buffer) = (session.process, session.buffer)
        #expect(p.terminationStatus == 130, "\(buffer.text)")
        #expect(buffer.text.contains("Đã dừng (Ctrl-C). Bản nháp đã được lưu"))
        let draft = try String(contentsOf: dir.appendingPathComponent("drafts/cuc-shtt.json"), encoding: .utf8)
        #expect(draft.contains("\"address\": \"384-386 Nguyễn Trãi\""))
        #expect(draft.contains("\"agency_name\": \"Cục Sở hữu trí tuệ\""))
    }
}

/// One session per unit at a time, tested with two real processes.
@Suite struct UnitLockTests {
    @Test func aSecondSessionSaysWhoHoldsTheReportAndChangesNothing() throws {
        let (dir, args) = folders()
        let first = try LiveProcess(binary, ["collect", "--unit", "cuc-shtt"] + args)
        #expect(first.waitFor("1. Tên cơ quan báo cáo"))
        first.type("Cục Sở hữu trí tuệ\n")
        #expect(first.waitFor("2. Địa chỉ"))
        let draft = try Data(contentsOf: dir.appendingPathComponent("drafts/cuc-shtt.json"))
        // The second, by answers file and without questions: refused, nothing written.
        let second = try ictreport(
            ["collect", "--unit", "cuc-shtt", "--answers", "Examples/cuc-shtt.json", "--no-input", "--lang", "en"]
                + args)
        #expect(second.status == 4)
        #expect(
            second.stderr.contains("This unit's report is open in another session (on ")
                && second.stderr.contains("process \(first.process.processIdentifier)"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("submissions/cuc-shtt.json").path))
        #expect(try Data(contentsOf: dir.appendingPathComponent("drafts/cuc-shtt.json")) == draft)
        // The first ends (end of input); now the second may work.
        try first.input.fileHandleForWriting.close()
        first.finish()
        let third = try ictreport(
            ["collect", "--unit", "cuc-shtt", "--answers", "Examples/cuc-shtt.json", "--no-input"] + args)
        #expect(third.status == 0, "\(third.stdout)\(third.stderr)")
    }

    @Test func aLockLeftByAKilledSessionIsTakenOverAndSaid() throws {
        let (dir, args) = folders()
        let first = try LiveProcess(binary, ["collect", "--unit", "cuc-shtt"] + args)
        #expect(first.waitFor("1. Tên cơ quan báo cáo"))
        kill(first.process.processIdentifier, SIGKILL)
        first.finish()
        let second = try ictreport(
            ["collect", "--unit", "cuc-shtt", "--answers", "Examples/cuc-shtt.json", "--no-input", "--lang", "en"]
                + args)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("process \(first.process.processIdentifier), ended without closing"))
    }

    @Test func mismatchesAreNamed() throws {
        let dir = temporaryDirectory("cli")
        let args = [
            "--out", dir.appendingPathComponent("submissions").path, "--drafts",
            dir.appendingPathComponent("drafts").path, "--lang", "en"
        ]
        // An answers file for another unit.
        let answers = dir.appendingPathComponent("a.yaml")
        try "unit: vu-phap-che\ngeneral:\n  agency_name: Vụ Pháp chế\n".write(
            to: answers, atomically: true, encoding: .utf8)
        let other = try ictreport(["collect", "--unit", "cuc-shtt", "--answers", answers.path, "--no-input"] + args)
        #expect(
            other.status == 1
                && other.stderr.contains(
                    "holds the answers of Vụ Pháp chế (unit: vu-phap-che), not Cục Sở hữu trí tuệ. Choose the right file or the right unit."
                ),
            "\(other.stderr)")
        // Last year's report of another unit.
        let lastYear = repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json").path
        let previous = try ictreport(
            ["collect", "--unit", "vu-phap-che", "--answers", answers.path, "--previous", lastYear, "--no-input"]
                + args)
        #expect(
            previous.status == 1
                && previous.stderr.contains("is the report of Cục Sở hữu trí tuệ (unit: cuc-shtt), not Vụ Pháp chế."),
            "\(previous.stderr)")
        // --edit given a draft.
        var text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Examples/cuc-shtt.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"status\": \"final\"", with: "\"status\": \"draft\"")
        let draft = dir.appendingPathComponent("d.json")
        try text.write(to: draft, atomically: true, encoding: .utf8)
        let edit = try ictreport(["collect", "--unit", "cuc-shtt", "--edit", draft.path] + args)
        #expect(edit.status == 1 && edit.stderr.contains("is a draft, not a final submission"), "\(edit.stderr)")
        // An answer that cannot be kept exactly: refused with its place, nothing finalized.
        let big = dir.appendingPathComponent("big.json")
        try #"{"general": {"staff_total": 1e309}}"#.write(to: big, atomically: true, encoding: .utf8)
        let r = try ictreport(["collect", "--unit", "cuc-shtt", "--answers", big.path, "--no-input"] + args)
        #expect(r.status == 1 && r.stderr.contains("cannot be kept exactly"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("submissions/cuc-shtt.json").path))
    }
}
