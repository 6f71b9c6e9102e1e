import FormKit
import Foundation
import Submissions

/// How a session ended, and the exit code it stands for.
public enum CollectorOutcome: Equatable, Sendable {
    /// The final submission was written.
    case finalized(URL)
    /// `:save`: the draft was saved on purpose.
    case saved(URL)
    /// End of input before the end: the draft is saved.
    case endOfInput(URL)
    /// Ctrl-C: the draft is saved.
    case interrupted(URL)
    /// `--no-input` with answers missing or invalid, or nothing to work on.
    case incomplete
    /// The session ended and its answers could not be saved (said).
    case notSaved
    /// Another session has the unit's report open (said; nothing changed).
    case busy

    public var exitCode: Int32 {
        switch self {
        case .finalized, .saved: return 0
        case .incomplete, .notSaved: return 1
        case .busy: return 4
        case .endOfInput: return 3
        case .interrupted: return 130
        }
    }
}

/// Ways out of a prompt other than an answer.
enum Flow: Error {
    case back, review, save, end, interrupt
}

/// One report being filled in by a focal point: section by section, every answer checked
/// the moment it is typed and saved the moment it is accepted.
public final class CollectorSession {
    public struct Options {
        public var language: Language = .vi
        public var palette = Palette(.never)
        /// Where the draft is saved after every accepted answer.
        public var draftURL: URL
        /// Where the final submission goes (`<unit-id>.json`).
        public var outputDirectory: URL
        /// Answers to start from (`--answers`): only missing or invalid ones are asked.
        public var prefill: Answers?
        /// A final submission reopened for corrections (`--edit`).
        public var editing: Submission?
        /// The command that resumes this draft, as the person should type it (with the
        /// options that say where the form, drafts and submissions are).
        public var resumeCommand: String?
        /// Where drafts and the final go besides the local draft file (the campaign server).
        public var sink: (any SubmissionSink)?

        public init(draftURL: URL, outputDirectory: URL) {
            self.draftURL = draftURL
            self.outputDirectory = outputDirectory
        }
    }

    public let form: Form
    public let unit: ReportingUnit
    let terminal: Terminal
    var options: Options
    let validator: Validator
    var submission: Submission
    /// Every question in the form's order: section index, field index.
    let steps: [(section: Int, field: Int)]
    var history: [Int] = []
    /// The question being asked (where a session that could not save goes on).
    var currentStep = 0
    var shownSection = -1
    /// 'done' typed in a review before the end of the form.
    var finishRequested = false
    /// Serialises saving with the Ctrl-C handler, so an interrupt never cuts a save short.
    public let saveLock = NSLock()
    /// Whether the draft on disk holds every accepted answer: nil before the first save, false
    /// after a save that failed (`saveError` says why).
    var draftIsCurrent: Bool?
    var saveError: String?
    /// Whether the sink has the latest draft (nil: nothing sent yet): said when it changes.
    var sinkIsCurrent: Bool?
    /// The final submission this session started from (revision and content hash), if any:
    /// the final is replaced only when it is still that one (compare and swap).
    var baseFinal: (revision: Int, hash: String)?

    var palette: Palette { options.palette }

    public init(form: Form, unit: ReportingUnit, terminal: Terminal, options: Options, now: Date = Date()) {
        self.form = form
        self.unit = unit
        self.terminal = terminal
        self.options = options
        self.validator = Validator(form: form)
        var steps: [(Int, Int)] = []
        for (s, section) in form.sections.enumerated() { for f in section.fields.indices { steps.append((s, f)) } }
        self.steps = steps
        if let editing = options.editing {
            submission = editing
            submission.status = .draft
        } else {
            submission = Submission(form: form, unitId: unit.id, unitName: unit.name, now: now)
        }
        if let prefill = options.prefill {
            for (s, fields) in prefill.sections { for (f, v) in fields { submission.answers[s, f] = v } }
        }
    }

    /// The language the session speaks (messages: `L(vi, en).text(language)`).
    var language: Language { options.language }
    /// The last answer typed (for the Up key).
    var lastTyped: String?
    /// Warnings the focal point confirmed in this session (by `ValidationIssue.key`): asked
    /// once, however often finalizing is tried again.
    var confirmedWarnings: Set<String> = []

    /// A line (or lines) for the person, broken between words to the terminal's width.
    func say(_ s: String = "") { terminal.write((terminal.columns.map { wrapped(s, width: $0) } ?? s) + "\n") }

    // MARK: Running

    /// Runs the whole session: header, resume offer, questions, review, finalize.
    public func run() -> CollectorOutcome {
        header()
        baseFinal = currentFinalVersion()
        // nil until the resume offer is answered; then where the questions (re)start.
        var start: Int?
        var onlyProblems = options.prefill != nil
        while true {
            do throws(Flow) {
                let from: Int
                if let start { from = start } else { from = try resumeOffer() }
                start = from
                try walk(from: from, onlyProblems: onlyProblems)
                if finishRequested, let done = try finalize() { return done }
                return try reviewAndFinalize()
            } catch {
                // Every way out of a prompt is one of these; each is answered, none ends the
                // session unsaid.
                switch error {
                case .save:
                    markWhereStopped()
                    if saveDraft() {
                        say(
                            palette.ok(
                                L("Đã lưu bản nháp: \(options.draftURL.path)", "Draft saved: \(options.draftURL.path)")
                                    .text(language)))
                        say(resumeHint)
                        return .saved(options.draftURL)
                    }
                    // Not saved: the session stays open, with every answer still in it.
                    say(
                        palette.warning(
                            L(
                                "Phiên làm việc vẫn mở, các câu trả lời vẫn còn. Khắc phục lỗi trên (ví dụ giải phóng ổ đĩa) rồi gõ :save lần nữa, hoặc tiếp tục trả lời.",
                                "The session stays open and your answers are kept. Fix the problem above (e.g. free some disk space), then type :save again, or go on answering."
                            ).text(language)))
                    start = currentStep
                    onlyProblems = false
                case .interrupt:
                    return interrupted()
                case .end:
                    return endOfInput()
                case .back, .review:
                    // Handled where they mean something; one that arrives here goes on at the
                    // question being asked.
                    start = currentStep
                    onlyProblems = false
                }
            }
        }
    }

    /// Offers to resume a draft (or says a final exists); the question to start from.
    func resumeOffer() throws(Flow) -> Int {
        if options.prefill == nil, options.editing == nil, let draft = existingDraft() {
            submission = draft
            let answered = draft.answers.sections.values.reduce(0) { $0 + $1.count }
            say(
                L(
                    "Đã có bản nháp (lưu lúc \(displayTime(draft.updatedAt)), \(answered) câu đã trả lời).",
                    "A draft exists (saved \(displayTime(draft.updatedAt)), \(answered) answers)."
                ).text(language))
            if try askYesNo(
                L(
                    "Tiếp tục từ chỗ đã dừng? (c: tiếp tục / k: làm lại từ đầu, các câu đã trả lời được giữ làm mặc định)",
                    "Resume where you stopped? (y: resume / n: start from the top, keeping your answers as defaults)"
                ).text(language), default: true, navigation: false)
            {
                // Go on after the last question answered.
                return draft.resumeAt.flatMap(stepIndex(of:)).map { min($0 + 1, steps.count - 1) } ?? 0
            }
        } else if let existing = existingFinal(), options.editing == nil, options.prefill == nil {
            say(
                palette.warning(
                    L(
                        "Đơn vị đã có bản chính thức lần \(existing.revision) (\(outputURL.path)). Bản mới sẽ là lần \(existing.revision + 1) khi hoàn tất.",
                        "This unit already has final revision \(existing.revision) (\(outputURL.path)). This one becomes revision \(existing.revision + 1) when finalized."
                    ).text(language)))
        }
        return 0
    }

    /// End of input: the draft saved (said only when it was), and how to go on.
    func endOfInput() -> CollectorOutcome {
        markWhereStopped()
        let saved = saveDraft()
        say()
        if saved {
            say(
                palette.warning(
                    L(
                        "Hết dữ liệu nhập. Đã lưu bản nháp: \(options.draftURL.path)",
                        "End of input. Draft saved: \(options.draftURL.path)"
                    ).text(language)))
            say(resumeHint)
            return .endOfInput(options.draftURL)
        }
        say(
            palette.error(
                L(
                    "Hết dữ liệu nhập. KHÔNG lưu được bản nháp: các câu trả lời của phiên này chưa được lưu.",
                    "End of input. The draft could NOT be saved: this session's answers are not saved."
                ).text(language)))
        return .notSaved
    }

    /// The final on disk now, as (revision, content hash).
    func currentFinalVersion() -> (revision: Int, hash: String)? {
        if let editing = options.editing { return (editing.revision, editing.contentHash) }
        return existingFinal().map { ($0.revision, $0.contentHash) }
    }

    /// What Ctrl-C does, from the prompt or from the signal handler: the draft is already
    /// on disk (it is saved after every answer); say where and how to go on.
    public func interrupted() -> CollectorOutcome {
        if draftIsCurrent != nil || hasAnswers {
            markWhereStopped()
            saveDraft()
        }
        say()
        sayWhereTheDraftIs()
        return .interrupted(options.draftURL)
    }

    /// Ctrl-C caught as a signal while a prompt waits: every accepted answer is already saved
    /// (or its save failed, and that was said); wait for a save in progress, say what is on
    /// disk, and leave.
    public func interruptedBySignal() -> Never {
        saveLock.lock()
        say()
        sayWhereTheDraftIs()
        exit(CollectorOutcome.interrupted(options.draftURL).exitCode)
    }

    var hasAnswers: Bool { !submission.answers.sections.isEmpty }

    /// After Ctrl-C: what is saved, only as far as it is true.
    func sayWhereTheDraftIs() {
        switch draftIsCurrent {
        case true?:
            say(
                palette.warning(
                    L(
                        "Đã dừng (Ctrl-C). Bản nháp đã được lưu: \(options.draftURL.path)",
                        "Stopped (Ctrl-C). Draft saved: \(options.draftURL.path)"
                    ).text(language)))
            say(resumeHint)
        case false?:
            say(
                palette.error(
                    L(
                        "Đã dừng (Ctrl-C). Lần lưu cuối KHÔNG thành công (\(saveError ?? "")): các câu trả lời gần nhất chưa được lưu.",
                        "Stopped (Ctrl-C). The last save FAILED (\(saveError ?? "")): the latest answers are not saved."
                    ).text(language)))
        case nil:
            say(
                palette.warning(
                    L(
                        "Đã dừng (Ctrl-C). Chưa có câu trả lời nào nên không có gì để lưu.",
                        "Stopped (Ctrl-C). Nothing was answered yet, so there is nothing to save."
                    ).text(language)))
        }
    }

    var resumeHint: String {
        let command = options.resumeCommand ?? "ictreport collect --unit \(unit.id)"
        return L("Để làm tiếp, chạy lại: \(command)", "To go on, run again: \(command)").text(language)
    }

    var outputURL: URL { options.outputDirectory.appendingPathComponent("\(unit.id).json") }

    func existingDraft() -> Submission? {
        guard FileManager.default.fileExists(atPath: options.draftURL.path) else { return nil }
        let loaded = SubmissionLoader.load(options.draftURL, form: form)
        guard let s = loaded.submission, loaded.rejection == nil, s.unitId == unit.id, s.status == .draft else {
            return nil
        }
        return s
    }

    func existingFinal() -> Submission? {
        let loaded = SubmissionLoader.load(outputURL, form: form)
        guard let s = loaded.submission, s.status == .final else { return nil }
        return s
    }

    func header() {
        let line = String(repeating: "─", count: 60)
        say(palette.bold(line))
        say(palette.bold(form.title.text(options.language)))
        say(L("Đơn vị: ", "Unit: ").text(language) + palette.bold(unit.name) + " (\(unit.id))")
        say(
            L("Bản nháp tự động lưu sau mỗi câu trả lời tại: ", "Draft saved after every answer to: ").text(language)
                + options.draftURL.path)
        say(
            L(
                "Lệnh: < quay lại · :review xem lại · :skip bỏ qua câu không bắt buộc · :save lưu và thoát · ? trợ giúp",
                "Commands: < back · :review review · :skip skip an optional question · :save save and leave · ? help"
            ).text(language))
        say(palette.bold(line))
    }

    func displayTime(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "dd/MM/yyyy HH:mm"
        return f.string(from: d)
    }

    // MARK: Saving

    /// Saves the draft (atomically, flushed); true when it reached the disk.
    @discardableResult
    func saveDraft() -> Bool {
        saveLock.lock()
        defer { saveLock.unlock() }
        submission.updatedAt = Date()
        submission.status = .draft
        do {
            try submission.save(to: options.draftURL)
            draftIsCurrent = true
            saveError = nil
            sendDraft()
            return true
        } catch {
            draftIsCurrent = false
            saveError = "\(error)"
            say(
                palette.error(
                    L(
                        "KHÔNG lưu được bản nháp vào \(options.draftURL.path): \(error)",
                        "Could NOT save the draft to \(options.draftURL.path): \(error)"
                    ).text(language)))
            return false
        }
    }

    /// The draft to the sink; a change between sent and not sent is said once.
    func sendDraft() {
        guard let sink = options.sink else { return }
        let problem = sink.send(draft: submission)
        if let problem, sinkIsCurrent != false {
            say(
                palette.warning(
                    L(
                        "Chưa gửi được bản nháp lên máy chủ (", "Could not send the draft to the server ("
                    )
                    .text(language) + problem.text(language)
                        + L(
                            "); đã lưu trên máy này và sẽ gửi lại ở lần lưu sau.",
                            "); it is saved on this computer and will be sent with the next save."
                        ).text(language)))
        } else if problem == nil, sinkIsCurrent == false {
            say(palette.ok(L("Đã gửi bản nháp lên máy chủ.", "The draft reached the server.").text(language)))
        }
        sinkIsCurrent = problem == nil
    }

    /// A session left at the question being asked resumes there, not after the last answer
    /// accepted (which may be far ahead, when the person went back before leaving).
    func markWhereStopped() {
        guard steps.indices.contains(currentStep) else { return }
        if currentStep == 0 {
            submission.resumeAt = nil
        } else {
            let (section, field) = field(currentStep - 1)
            submission.resumeAt = FieldPath(section.id, field.id).description
        }
    }

    /// Stores an accepted answer, drops answers that skip logic no longer asks, saves.
    func accept(_ value: Value?, _ step: Int) {
        let (s, f) = steps[step]
        let section = form.sections[s]
        let field = section.fields[f]
        submission.answers[section.id, field.id] = value
        let before = submission.answers
        submission.answers = validator.relevantAnswers(submission.answers)
        for sec in form.sections {
            for fl in sec.fields where before[sec.id, fl.id] != nil && submission.answers[sec.id, fl.id] == nil {
                say(
                    palette.dim(
                        L(
                            "  (bỏ câu trả lời cũ của \"\(fl.name(.vi))\": câu này không còn được hỏi)",
                            "  (dropped the earlier answer to \"\(fl.name(.en))\": it is no longer asked)"
                        ).text(language)))
            }
        }
        submission.resumeAt = FieldPath(section.id, field.id).description
        saveDraft()
    }

    func stepIndex(of path: String) -> Int? {
        steps.firstIndex {
            FieldPath(form.sections[$0.section].id, form.sections[$0.section].fields[$0.field].id).description == path
        }
    }

    // MARK: Walking the form

    func field(_ step: Int) -> (Section, Field) {
        let (s, f) = steps[step]
        return (form.sections[s], form.sections[s].fields[f])
    }

    /// Asks every question from `start` on; with `onlyProblems`, only missing or invalid ones.
    func walk(from start: Int, onlyProblems: Bool = false) throws(Flow) {
        var i = start
        history = []
        while i < steps.count {
            currentStep = i
            let (section, field) = field(i)
            guard validator.isRelevant(field, submission.answers) else {
                i += 1
                continue
            }
            if onlyProblems && validator.check(field, in: section, submission.answers).isEmpty {
                i += 1
                continue
            }
            do {
                try ask(step: i)
                history.append(i)
                i += 1
            } catch Flow.back {
                guard let previous = history.popLast() else {
                    say(palette.dim(L("  (đây là câu đầu tiên)", "  (this is the first question)").text(language)))
                    continue
                }
                i = previous
            } catch Flow.review {
                if try review() {
                    finishRequested = true
                    return
                }
            }
        }
    }

    func sectionHeader(_ s: Int) {
        guard s != shownSection else { return }
        shownSection = s
        let section = form.sections[s]
        say()
        // The template's part ("MỤC 3: NỘI DUNG BÁO CÁO"), above the first of its sections.
        if let part = section.partHeading(options.language), s == 0 || form.sections[s - 1].part?.id != section.part?.id
        {
            say(palette.bold(part.uppercased()))
        }
        say(
            palette.bold(section.heading(options.language).uppercased())
                + palette.dim("  (" + L("phần", "part").text(language) + " \(s + 1)/\(form.sections.count))"))
        if let help = section.help { say(palette.dim(help.text(options.language))) }
        say(palette.dim("  " + outline(of: s)))
    }

    /// What a section holds, in one line: its questions by the numbers the review uses, and
    /// its tables by number and name.
    func outline(of s: Int) -> String {
        let numbers = steps.indices.filter { steps[$0].section == s }
        guard let first = numbers.first, let last = numbers.last else { return "" }
        let tables = numbers.filter { field($0).1.type == .table }
        let questions = numbers.count - tables.count
        var parts: [String] = []
        if questions > 0 {
            parts.append(
                L("\(questions) câu hỏi", "\(questions) questions").text(language)
                    + (first == last ? " (\(first + 1))" : " (\(first + 1)–\(last + 1))"))
        }
        for i in tables {
            parts.append(
                L("bảng \(i + 1): ", "table \(i + 1): ").text(language)
                    + short(field(i).1.label.text(options.language), 40))
        }
        return L("Phần này gồm ", "This part has ").text(language) + parts.joined(separator: "; ")
    }

    /// One question: asked until it gets an acceptable answer.
    func ask(step: Int) throws(Flow) {
        let (s, f) = steps[step]
        sectionHeader(s)
        let (section, field) = field(step)
        // The template's headings and notes just above this question ("3.2. Tin học hóa…").
        for text in texts(before: f, in: section) {
            say()
            say(text.kind == .heading ? palette.bold(text.line(language)) : palette.dim(text.line(language)))
        }
        if field.type == .table { return try askTable(section, field, step: step) }
        let value = try askValue(
            field, current: submission.answers[section.id, field.id],
            required: validator.isRequired(field, submission.answers))
        accept(value, step)
        try checkRules(after: FieldPath(section.id, field.id).description, section: section, step: step)
    }

    /// The headings and notes between question `f - 1` and question `f` of a section.
    func texts(before f: Int, in section: Section) -> [Section.Text] {
        guard let at = section.items.firstIndex(where: { if case .field(f) = $0 { true } else { false } }) else {
            return []
        }
        return section.items[..<at].reversed().prefix { if case .text = $0 { true } else { false } }.reversed()
            .compactMap { if case .text(let t) = $0 { t } else { nil } }
    }

    /// The questions a rule reads, each with its answer, so that the person sees the figures
    /// the rule compared ("Tổng số" = 7, "Tiến sỹ" = 0, …).
    func involved(_ references: [String]) -> [String] {
        references.compactMap { ref in
            form.field(at: ref).map { found in
                let name = "\"\((found.column ?? found.field).name(language))\""
                guard found.column == nil, let value = submission.answers[found.section.id, found.field.id] else {
                    return name
                }
                return name + " = " + form.display(value, of: found.field, language)
            }
        }
    }

    /// The rules that read this answer and whose every field is answered are checked now.
    func checkRules(after path: String, section: Section, step: Int) throws(Flow) {
        let rules = section.rules + form.rules
        for rule in rules where rule.condition.references.contains(path) {
            let answered = rule.condition.references.allSatisfy { ref in
                form.field(at: ref).map { submission.answers[$0.section.id, $0.field.id] != nil } ?? false
            }
            guard answered,
                rule.condition.expression.evaluate(validator.relevantAnswers(submission.answers)) == .bool(false)
            else { continue }
            let names = involved(rule.condition.references)
            let mark =
                rule.severity == .error
                ? palette.error("✗ " + L("Lỗi", "Error").text(language))
                : palette.warning("⚠ " + L("Cảnh báo", "Warning").text(language))
            say("  \(mark): \(rule.message.text(options.language))")
            say(
                palette.dim(
                    "    " + L("Các câu liên quan: ", "Questions involved: ").text(language)
                        + names.joined(separator: ", ")))
            if rule.severity == .error {
                say(
                    palette.dim(
                        "    "
                            + L(
                                "Sửa câu này, hoặc Enter để giữ nguyên và sửa câu khác sau (gõ < để quay lại).",
                                "Correct this answer, or press Enter to keep it and correct another one later (< goes back)."
                            ).text(language)))
                let (_, field) = self.field(step)
                let value = try askValue(
                    field, current: submission.answers[section.id, field.id],
                    required: validator.isRequired(field, submission.answers), showLabel: false)
                accept(value, step)
            } else {
                say(
                    palette.dim(
                        "    "
                            + L(
                                "Bạn sẽ được hỏi xác nhận và giải trình khi hoàn tất.",
                                "You will confirm and explain it when finalizing."
                            ).text(language)))
            }
        }
    }

    // MARK: One value

    enum Typed {
        case text(String)
        case keep, skip
    }

    /// Reads one line, handling the commands that work at every prompt. `recall` (the value
    /// in brackets) and the last answer typed are what the Up key calls back.
    func readInput(_ prompt: String, help: String?, recall: [String] = [], multiline: Bool = false) throws(Flow)
        -> Typed
    {
        // A prompt longer than the screen is said first (broken between words), and the line
        // is read after a short "› ": the editor cannot place the cursor after a wrapped prompt.
        var prompt = prompt
        if let columns = terminal.columns, visibleWidth(prompt) > columns - 20,
            prompt.hasSuffix("› ") || prompt.hasSuffix("› \u{1B}[0m")
        {
            let arrow = prompt.range(of: "› ", options: .backwards)!
            say(String(prompt[..<arrow.lowerBound]).trimmingCharacters(in: .whitespaces))
            prompt = palette.accent("› ")
        }
        while true {
            switch terminal.read(prompt: prompt, recall: (lastTyped.map { [$0] } ?? []) + recall) {
            case .end: throw Flow.end
            case .interrupt: throw Flow.interrupt
            case .line(let raw):
                let line = raw.trimmingCharacters(in: .whitespaces)
                switch line {
                case "": return .keep
                case "<", ":back", ":b": throw Flow.back
                case ":review", ":r": throw Flow.review
                case ":save", ":s": throw Flow.save
                case ":skip": return .skip
                case "?", ":help", ":?":
                    if let help { say(palette.dim(help)) }
                    say(palette.dim(commandHelp))
                    continue
                default:
                    if line.hasPrefix("\\") { return .text(String(line.dropFirst())) }
                    if line.hasPrefix(":") {
                        say(
                            palette.error(
                                L("Không có lệnh '\(line)'. ", "There is no command '\(line)'. ").text(language))
                                + palette.dim(commandHelp))
                        continue
                    }
                    if raw.contains("\n") && !multiline {
                        // A paste of several lines: the next lines are not this question's answer.
                        let count = raw.split(separator: "\n").count
                        say(
                            palette.error(
                                L(
                                    "Câu trả lời có \(count) dòng nhưng câu này chỉ nhận một dòng. Hãy gõ hoặc dán lại một dòng.",
                                    "The answer has \(count) lines but this question takes one. Type or paste one line again."
                                ).text(language)))
                        continue
                    }
                    lastTyped = raw
                    return .text(raw)
                }
            }
        }
    }

    var commandHelp: String {
        L(
            """
            Lệnh: Enter giữ giá trị trong [ ] · < hoặc :back quay lại câu trước · :review xem lại và sửa · \
            :skip bỏ qua câu không bắt buộc · :save lưu bản nháp và thoát · ? trợ giúp. \
            Muốn gõ chữ bắt đầu bằng ':' '<' '?' hoặc '\\' thì thêm '\\' ở đầu, ví dụ \\:abc
            """,
            """
            Commands: Enter keeps the value in [ ] · < or :back previous question · :review review and edit · \
            :skip skip an optional question · :save save the draft and leave · ? help. \
            To type text starting with ':' '<' '?' or '\\', put a '\\' first, e.g. \\:abc
            """
        ).text(language)
    }

    /// A number as the person reads it: Vietnamese grouping and decimal comma in Vietnamese.
    func shown(_ n: Double) -> String { ValueParser.vnNumber(n) }

    /// "từ 1 đến 4" / "from 1 to 4", "từ 1990 trở lên", "tối đa 4": a field's bounds, the
    /// Vietnamese numbers written by `vi`.
    func bounds(_ lo: Double?, _ hi: Double?, vi: (Double) -> String) -> LocalizedText {
        switch (lo, hi) {
        case (let lo?, let hi?): L("từ \(vi(lo)) đến \(vi(hi))", "from \(formatNumber(lo)) to \(formatNumber(hi))")
        case (let lo?, nil): L("từ \(vi(lo)) trở lên", "at least \(formatNumber(lo))")
        case (nil, let hi?): L("tối đa \(vi(hi))", "at most \(formatNumber(hi))")
        case (nil, nil): L("", "")
        }
    }

    func typeHint(_ f: Field) -> String {
        switch f.type {
        case .integer, .decimal:
            // The bounds, when the form sets them, and an example within them.
            let (lo, hi) = (f.min, f.max)
            let kind = f.type == .integer ? L("số nguyên", "whole number") : L("số", "number")
            guard lo != nil && lo != 0 || hi != nil else {
                return
                    (f.type == .integer
                    ? L("số nguyên, ví dụ 1234 hoặc 1.234", "whole number, e.g. 1234").text(language)
                    : L("số, ví dụ 12,5", "number, e.g. 12.5").text(language)) + counted(f)
            }
            let example = Swift.min(Swift.max(f.type == .integer ? 1234 : 12.5, lo ?? 0), hi ?? .infinity)
            let range = bounds(lo, hi, vi: shown)
            return L(
                "\(kind.vi) \(range.vi), ví dụ \(shown(example))",
                "\(kind.text(.en)) \(range.text(.en)), e.g. \(formatNumber(example))"
            ).text(language) + counted(f)
        case .percent:
            return L("tỷ lệ % từ 0 đến 100, ví dụ 85 hoặc 85,5", "percentage 0–100, e.g. 85 or 85.5").text(language)
        case .year:
            // A year is written as is: 2019, never 2.019.
            let range = bounds(f.min, f.max, vi: formatNumber)
            return L(
                "năm, 4 chữ số\(range.vi.isEmpty ? "" : " " + range.vi), ví dụ \(ValueParser.example(f, .vi))",
                "year, 4 digits\(range.vi.isEmpty ? "" : " " + range.text(.en)), e.g. \(ValueParser.example(f, .en))"
            ).text(language)
        case .email: return L("thư điện tử, ví dụ vanthu@most.gov.vn", "email, e.g. vanthu@most.gov.vn").text(language)
        case .phone:
            // A mobile number asked for gets a mobile example.
            let mobile = f.id.contains("mobile") || f.label.vi.localizedCaseInsensitiveContains("di động")
            let example = mobile ? "0912 345 678" : "024 3943 9999"
            return L("số điện thoại, ví dụ \(example)", "phone, e.g. \(example)").text(language)
        case .url:
            return L("địa chỉ web, ví dụ https://www.most.gov.vn", "web address, e.g. https://www.most.gov.vn").text(
                language)
        case .date:
            return L(
                "ngày/tháng/năm, ví dụ \(ValueParser.example(f, .vi))",
                "day/month/year, e.g. \(ValueParser.example(f, .en))"
            ).text(language)
        case .boolean: return L("c: có / k: không", "y: yes / n: no").text(language)
        case .choice: return L("gõ số thứ tự", "type its number").text(language)
        case .multi_choice:
            return L("gõ các số, cách nhau bởi dấu phẩy; Enter nếu không chọn", "type the numbers, separated by commas")
                .text(language)
        case .long_text:
            return L(
                "văn bản, có thể nhiều dòng; Enter ở dòng trống để kết thúc",
                "text, several lines if needed; Enter on an empty line ends it"
            ).text(language)
        case .text:
            return f.suggestions.isEmpty
                ? ""
                : L("gõ số của một gợi ý, hoặc gõ câu trả lời", "type a suggestion's number, or your answer").text(
                    language)
        case .table: return ""
        }
    }

    /// What the number counts, when the template says ("; đơn vị: thủ tục").
    func counted(_ f: Field) -> String {
        f.unit.map { L("; đơn vị: ", "; counted in ").text(language) + $0.text(language) } ?? ""
    }

    func current(_ v: Value?, _ f: Field) -> String? {
        guard let v, !v.isBlank else { return nil }
        // What Enter keeps, as it would be typed: a choice by its number in the list.
        switch f.type {
        case .choice:
            if case .text(let id) = v { return f.choices.firstIndex { $0.id == id }.map { "\($0 + 1)" } ?? id }
        case .multi_choice:
            if case .list(let ids) = v {
                return ids.compactMap { id in f.choices.firstIndex { $0.id == id }.map { "\($0 + 1)" } }.joined(
                    separator: ", ")
            }
        case .text, .long_text, .integer, .decimal, .percent, .year, .email, .phone, .url, .date, .boolean, .table:
            break
        }
        return form.display(v, of: f, options.language)
    }

    /// Asks one value until it is acceptable; nil is a blank (or skipped) optional answer.
    func askValue(_ f: Field, current value: Value?, required: Bool, showLabel: Bool = true, row: Row? = nil)
        throws(Flow) -> Value?
    {
        let lang = options.language
        if showLabel {
            say()
            let star = required ? palette.error(" *") : ""
            say(palette.bold(f.heading(lang)) + star)
            if !f.choices.isEmpty {
                for (i, c) in f.choices.enumerated() { say("    \(i + 1)) \(c.label.text(lang))") }
            }
            for (i, suggestion) in f.suggestions.enumerated() { say("    \(i + 1)) \(suggestion.text(lang))") }
            let hint = typeHint(f)
            if !hint.isEmpty {
                say(
                    palette.dim(
                        "  (\(hint)\(f.help == nil ? "" : L("; ? để xem hướng dẫn", "; ? for help").text(language)))"))
            }
        }
        let fallback = value ?? f.defaultValue
        let shown = current(fallback, f)
        let prompt = (shown.map { palette.dim("[\($0)] ") } ?? "") + palette.accent("› ")
        while true {
            switch try readInput(
                prompt, help: f.help?.text(lang), recall: shown.map { [$0] } ?? [], multiline: f.type == .long_text)
            {
            case .keep:
                if let fallback, !fallback.isBlank { return fallback }
                if f.type == .multi_choice && !required { return nil }
                if required {
                    say(
                        palette.error(
                            "  "
                                + L(
                                    "Câu này bắt buộc. Hãy nhập câu trả lời",
                                    "This question is required. Please answer it"
                                ).text(language)) + (hint(f).map { " (\($0))" } ?? "") + ".")
                    continue
                }
                return nil
            case .skip:
                if required {
                    say(
                        palette.error(
                            "  "
                                + L("Không thể bỏ qua câu bắt buộc.", "A required question cannot be skipped.").text(
                                    language)))
                    continue
                }
                return nil
            case .text(let typed):
                // A long text goes on over several lines, until an empty one; a suggestion is
                // taken by its number, stored in the form's own words.
                var text = f.type == .long_text ? try moreLines(after: typed) : typed
                if let n = Int(text.trimmingCharacters(in: .whitespaces)), f.suggestions.indices.contains(n - 1) {
                    text = f.suggestions[n - 1].vi
                }
                switch ValueParser.parse(text, for: f) {
                case nil:
                    continue
                case .success(let v)?:
                    echoUnderstood(text, v, f)
                    return v
                case .failure(let problem)?:
                    if !problem.candidates.isEmpty, let chosen = try choose(problem, f) { return chosen }
                    say(palette.error("  " + capitalizedFirst(problem.message.text(lang))))
                }
            }
        }
    }

    /// The lines that follow the first of a long text, each read after "…", up to an empty
    /// line; the line breaks are kept.
    func moreLines(after first: String) throws(Flow) -> String {
        var lines = [first]
        while true {
            switch terminal.read(prompt: palette.dim("… "), recall: []) {
            case .end: throw Flow.end
            case .interrupt: throw Flow.interrupt
            case .line(let line):
                if line.trimmingCharacters(in: .whitespaces).isEmpty { return lines.joined(separator: "\n") }
                lines.append(line)
            }
        }
    }

    /// What was understood, when it reads differently from what was typed: a choice typed by
    /// name or number, a number typed with grouping or a decimal comma ("2,350" → 2,35).
    func echoUnderstood(_ typed: String, _ value: Value, _ f: Field) {
        let shown = form.display(value, of: f, language)
        let trimmed = typed.trimmingCharacters(in: .whitespaces)
        guard !shown.isEmpty, shown != trimmed else { return }
        switch f.type {
        case .choice, .multi_choice, .integer, .decimal, .percent, .boolean, .date:
            say(palette.dim("  → " + L("hiểu là: ", "understood as: ").text(language) + shown))
        case .text, .long_text, .email, .phone, .url, .year, .table:
            return
        }
    }

    func hint(_ f: Field) -> String? {
        let h = typeHint(f)
        return h.isEmpty ? nil : h
    }

    /// An ambiguous number: offer its readings.
    func choose(_ problem: InputProblem, _ f: Field) throws(Flow) -> Value? {
        say(palette.warning("  " + problem.message.text(options.language)))
        for (i, c) in problem.candidates.enumerated() { say("    \(i + 1)) \(current(c, f) ?? "")") }
        let answer = try readInput(
            palette.accent(
                L(
                    "  Chọn 1–\(problem.candidates.count) (Enter để gõ lại) › ",
                    "  Choose 1–\(problem.candidates.count) (Enter to type again) › "
                ).text(language)), help: nil)
        if case .text(let s) = answer, let n = Int(s.trimmingCharacters(in: .whitespaces)),
            problem.candidates.indices.contains(n - 1)
        {
            return problem.candidates[n - 1]
        }
        return nil
    }

    /// A yes/no question. With `navigation` false, `<` and `:review` mean nothing here: that
    /// is said and the question asked again (they would otherwise leave a place they cannot).
    func askYesNo(_ question: String, default def: Bool?, navigation: Bool = true) throws(Flow) -> Bool {
        let suffix = def.map { $0 ? "[c] " : "[k] " } ?? ""
        while true {
            say(question)
            let typed: Typed
            do {
                typed = try readInput(
                    palette.dim(
                        language == .vi
                            ? suffix
                            : suffix.replacingOccurrences(of: "c", with: "y").replacingOccurrences(of: "k", with: "n"))
                        + palette.accent("› "), help: nil)
            } catch .back where !navigation {
                say(
                    palette.error(
                        "  "
                            + L(
                                "Ở câu hỏi này không quay lại được. Hãy gõ c (có) hoặc k (không).",
                                "There is no going back from this question. Type y (yes) or n (no)."
                            ).text(language)))
                continue
            } catch .review where !navigation {
                say(
                    palette.error(
                        "  "
                            + L(
                                "Chưa xem lại được ở câu hỏi này. Hãy gõ c (có) hoặc k (không).",
                                "The review is not available at this question. Type y (yes) or n (no)."
                            ).text(language)))
                continue
            }
            switch typed {
            case .keep: if let def { return def }
            case .skip: return false
            case .text(let s):
                // Words only: a number typed by mistake (e.g. the next answer) confirms nothing.
                if let answer = YesNo.parse(s, digits: false) { return answer }
            }
            say(palette.error("  " + L("Hãy gõ c (có) hoặc k (không).", "Type y (yes) or n (no).").text(language)))
        }
    }
}
