import ArgumentParser
import Collector
import Dispatch
import FormKit
import Foundation
import Submissions

extension Palette.Mode: ExpressibleByArgument {}

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Nhập báo cáo của một đơn vị, từng câu một. (Fill in one unit's report, question by question.)",
        discussion: """
            Bản nháp được lưu sau mỗi câu trả lời; Ctrl-C hoặc hết dữ liệu nhập đều lưu và thoát. \
            Mã thoát: 0 hoàn tất hoặc :save; 1 thiếu hoặc sai câu trả lời (--no-input), hoặc không lưu được; 3 hết dữ liệu nhập; \
            4 báo cáo đang được mở trong phiên khác; 130 Ctrl-C.
            """)

    @Option(
        help:
            "Mã đơn vị hoặc tên đơn vị (gõ không dấu cũng được); không cần khi có --edit. (Unit id or name; not needed with --edit.)"
    )
    var unit: String?
    @OptionGroup var formFile: FormOption
    @OptionGroup var unitList: UnitsOption
    @Option(help: "Thư mục ghi bản chính thức. (Where the final submission goes.)")
    var out: String = "submissions"
    @Option(help: "Thư mục lưu bản nháp. (Where drafts are saved.)")
    var drafts: String = "drafts"
    @Option(help: "Tệp câu trả lời có sẵn (JSON/YAML): chỉ hỏi các câu còn thiếu hoặc sai.")
    var answers: String?
    @Flag(help: "Không hỏi gì: kiểm tra --answers rồi ghi bản chính thức, hoặc liệt kê các câu thiếu/sai.")
    var noInput = false
    @Option(help: "Mở lại một bản chính thức để sửa. (Reopen a final submission.)")
    var edit: String?
    @Option(
        help:
            "Bản chính thức năm trước của đơn vị: câu trả lời ít thay đổi được đề xuất sẵn (năm trước), kế hoạch năm trước thành các dòng kết quả năm nay. (Last year's final submission: carried forward.)"
    )
    var previous: String?
    @Option(help: "Màu: auto, always, never.")
    var color: Palette.Mode = .auto
    @OptionGroup var online: OnlineOptions
    @OptionGroup var common: CommonOptions

    /// The command that goes on with this unit's draft, with every option that says where
    /// things are (run literally, it must not start a blank report somewhere else).
    func resumeCommand(unit: String) -> String {
        var words = ["ictreport", "collect", "--unit", unit]
        if let form = formFile.form { words += ["--form", form] }
        if let units = unitList.units { words += ["--units", units] }
        if drafts != "drafts" { words += ["--drafts", drafts] }
        if out != "submissions" { words += ["--out", out] }
        if let previous { words += ["--previous", previous] }
        if common.lang == .en { words += ["--lang", "en"] }
        return words.map(Self.shellWord).joined(separator: " ")
    }

    /// A word as a shell reads it back: quoted when it holds anything but plain characters.
    static func shellWord(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_./:=@,+".unicodeScalars.contains($0)
        }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func run() throws {
        if online.server != nil { return try runOnline() }
        let lang = common.lang
        let form = try formFile.load(lang)
        let registry = try unitList.load(lang)
        let terminal = LineEditingTerminal.make()
        let palette = Palette(color)
        var editing: Submission?
        if let edit {
            let loaded = try loadSubmission(edit, form, lang)
            guard loaded.status == .final else {
                printError(
                    L(
                        "\(edit) là bản nháp, không phải bản chính thức: --edit chỉ mở lại bản chính thức. Để làm tiếp bản nháp, chạy: \(resumeCommand(unit: loaded.unitId.isEmpty ? unit ?? "MÃ-ĐƠN-VỊ" : loaded.unitId))",
                        "\(edit) is a draft, not a final submission: --edit reopens final ones only. To go on with a draft, run: \(resumeCommand(unit: loaded.unitId.isEmpty ? unit ?? "UNIT-ID" : loaded.unitId))"
                    ).text(lang))
                throw ExitCode(1)
            }
            editing = loaded
        }
        if noInput && answers == nil {
            throw ValidationError(L("--no-input cần --answers FILE", "--no-input needs --answers FILE").text(lang))
        }
        let prefill = try answers.map { try loadSubmission($0, form, lang) }
        // Last year's report, read by this year's questions (ids stay stable across years).
        let lastYear = try previous.map {
            try usable(SubmissionLoader.load(URL(fileURLWithPath: $0), form: form, anyVersion: true), lang).submission!
        }
        // The unit: --unit, else the file reopened names it.
        guard let typed = unit ?? editing?.unitId else {
            printError(
                L(
                    "Hãy cho biết đơn vị: --unit MÃ hoặc --unit \"tên đơn vị\" (ví dụ --unit cuc-shtt), hoặc --edit TỆP để sửa một bản chính thức.",
                    "Name the unit: --unit ID or --unit \"unit name\" (e.g. --unit cuc-shtt), or --edit FILE to correct a final submission."
                ).text(lang))
            throw ExitCode(64)
        }
        guard let chosen = try chooseUnit(typed, registry, terminal: terminal, lang: lang, interactive: !noInput) else {
            throw ExitCode(1)
        }
        if let editing, editing.unitId != chosen.id {
            printError(
                L(
                    "\(edit!) là báo cáo của \(editing.unitName), không phải \(chosen.name).",
                    "\(edit!) is the report of \(editing.unitName), not \(chosen.name)."
                ).text(lang))
            throw ExitCode(1)
        }
        // A file given for this unit that names another: said, and the command ends.
        let others: [(file: String?, unitId: String?, holds: LocalizedText, advice: LocalizedText)] = [
            (
                answers, prefill?.unitId, L("là câu trả lời của", "holds the answers of"),
                L(" Hãy chọn đúng tệp hoặc đúng đơn vị.", " Choose the right file or the right unit.")
            ),
            (previous, lastYear?.unitId, L("là báo cáo của", "is the report of"), L("", ""))
        ]
        for case (let file?, let unitId?, let holds, let advice) in others where !unitId.isEmpty && unitId != chosen.id
        {
            let other = registry.unit(unitId)?.name ?? unitId
            printError(
                L(
                    "\(file) \(holds.vi) \(other) (unit: \(unitId)), không phải \(chosen.name).\(advice.vi)",
                    "\(file) \(holds.text(.en)) \(other) (unit: \(unitId)), not \(chosen.name).\(advice.text(.en))"
                ).text(lang))
            throw ExitCode(1)
        }
        var options = CollectorSession.Options(
            draftURL: URL(fileURLWithPath: drafts).appendingPathComponent("\(chosen.id).json"),
            outputDirectory: URL(fileURLWithPath: out))
        options.language = lang
        options.palette = palette
        options.editing = editing
        options.prefill = prefill?.answers
        options.previous = lastYear?.answers
        options.resumeCommand = resumeCommand(unit: chosen.id)
        // One session per unit: the second says who holds the report and changes nothing.
        let lock: UnitLock
        do {
            lock = try UnitLock.acquire([
                options.draftURL.path, options.outputDirectory.appendingPathComponent("\(chosen.id).json").path
            ])
        } catch {
            printError(error.message.text(lang))
            throw ExitCode(CollectorOutcome.busy.exitCode)
        }
        defer { lock.release() }
        for holder in lock.takenOver
        where holder.host != ProcessInfo.processInfo.hostName || kill(holder.process, 0) != 0 {
            printError(
                L(
                    "(Phiên trước trên máy \(holder.host), tiến trình \(holder.process) đã kết thúc mà chưa đóng; tiếp tục từ những gì nó đã lưu.)",
                    "(An earlier session on \(holder.host), process \(holder.process), ended without closing; going on from what it saved.)"
                ).text(lang))
        }
        let session = CollectorSession(form: form, unit: chosen, terminal: terminal, options: options)
        if noInput { throw ExitCode(session.runWithoutInput().exitCode) }
        try runAtTheTerminal(session)
    }

    /// The unit typed: an id, or a name typed loosely; several matches are offered as a list.
    func chooseUnit(_ unit: String, _ registry: UnitRegistry, terminal: Terminal, lang: Language, interactive: Bool)
        throws
        -> ReportingUnit?
    {
        let matches = registry.match(unit)
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            printError(L("Không tìm thấy đơn vị '\(unit)'.", "No unit matches '\(unit)'.").text(lang))
            let close = registry.suggestions(unit)
            if !close.isEmpty {
                printError(
                    (L("Có phải: ", "Did you mean: ").text(lang))
                        + close.map { "\($0.name) (--unit \($0.id))" }.joined(separator: "; "))
            }
            printError(L("Danh sách đơn vị: Forms/units.yaml", "The unit list: Forms/units.yaml").text(lang))
            return nil
        }
        terminal.write(
            (L("Có \(matches.count) đơn vị khớp với '\(unit)':\n", "\(matches.count) units match '\(unit)':\n").text(
                lang)))
        for (i, u) in matches.enumerated() { terminal.write("  \(i + 1)) \(u.name) (\(u.id))\n") }
        guard interactive else { return nil }
        while true {
            switch terminal.read(prompt: L("Chọn số › ", "Choose a number › ").text(lang)) {
            case .line(let s):
                if let n = Int(s.trimmingCharacters(in: .whitespaces)), matches.indices.contains(n - 1) {
                    return matches[n - 1]
                }
                terminal.write(
                    L("Hãy gõ một số từ 1 đến \(matches.count).\n", "Type a number from 1 to \(matches.count).\n").text(
                        lang))
            case .end, .interrupt:
                return nil
            }
        }
    }
}

/// A session at the terminal, to its end. Ctrl-C: the draft is already saved after every answer;
/// the session says so and leaves cleanly.
func runAtTheTerminal(_ session: CollectorSession) throws {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { session.interruptedBySignal() }
    source.resume()
    let outcome = session.run()
    source.cancel()
    if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
}
